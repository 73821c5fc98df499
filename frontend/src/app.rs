//! The root component: provides the shared state, then shows the login page or the desktop.

use leptos::prelude::*;

use crate::{
    desktop::Desktop,
    login::LoginPage,
    state::{
        server::provide_server_status,
        session::{provide_session, use_session},
        windows::{provide_windows, use_windows},
    },
};

#[component]
pub fn App() -> impl IntoView {
    provide_session();
    provide_windows();
    provide_server_status();
    let session = use_session();
    let windows = use_windows();
    let logged_in = Memo::new(move |_| session.user.with(Option::is_some));
    // The next user to log in on this tab must not inherit the last one's windows.
    Effect::new(move || {
        if !logged_in.get() {
            windows.list.set(Vec::new());
        }
    });
    move || {
        if !session.checked.get() {
            view! { <div class="boot" role="status"></div> }.into_any()
        } else if logged_in.get() {
            view! { <Desktop /> }.into_any()
        } else {
            view! { <LoginPage /> }.into_any()
        }
    }
}
