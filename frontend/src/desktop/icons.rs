//! Desktop icons: one per app; double-click (or Enter) opens it in a new window.

use leptos::prelude::*;

use crate::{
    apps::AppKind,
    i18n::use_i18n,
    state::{session::use_session, windows::use_windows},
};

#[component]
pub fn DesktopIcons() -> impl IntoView {
    let windows = use_windows();
    let i18n = use_i18n();
    let is_admin = use_session().is_admin();
    view! {
        <ul class="desktop-icons">
            {AppKind::available(is_admin).map(|app| view! {
                <li>
                    <button
                        class="desktop-icon"
                        data-app=app.slug()
                        on:dblclick=move |_| windows.open(app)
                        on:keydown=move |ev| if ev.key() == "Enter" { windows.open(app) }
                    >
                        <img src=app.icon() alt="" draggable="false" />
                        <span>{move || i18n.t(app.title())}</span>
                    </button>
                </li>
            }).collect_view()}
        </ul>
    }
}
