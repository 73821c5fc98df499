//! The root component: provides the shared state and shows the desktop.

use leptos::prelude::*;

use crate::{
    desktop::Desktop,
    state::{server::provide_server_status, windows::provide_windows},
};

#[component]
pub fn App() -> impl IntoView {
    provide_windows();
    provide_server_status();
    view! { <Desktop /> }
}
