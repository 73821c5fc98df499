//! Desktop icons: one per app; double-click (or Enter) opens it in a new window.

use leptos::prelude::*;

use crate::{apps::AppKind, state::windows::use_windows};

#[component]
pub fn DesktopIcons() -> impl IntoView {
    let windows = use_windows();
    view! {
        <ul class="desktop-icons">
            {AppKind::ALL.into_iter().map(|app| view! {
                <li>
                    <button
                        class="desktop-icon"
                        data-app=app.slug()
                        on:dblclick=move |_| windows.open(app)
                        on:keydown=move |ev| if ev.key() == "Enter" { windows.open(app) }
                    >
                        <img src=app.icon() alt="" draggable="false" />
                        <span>{app.title()}</span>
                    </button>
                </li>
            }).collect_view()}
        </ul>
    }
}
