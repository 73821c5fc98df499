//! The taskbar: the launcher, a button per open window, the hypervisor in use, the user with
//! "Close Session", and the clock.

use leptos::prelude::*;

use crate::{
    apps::AppKind,
    components::{clock::Clock, hypervisor_badge::HypervisorBadge},
    i18n::{Key, use_i18n},
    state::{desktop::use_personal, session::use_session, windows::use_windows},
};

#[component]
pub fn Taskbar() -> impl IntoView {
    let windows = use_windows();
    let session = use_session();
    let i18n = use_i18n();
    let personal = use_personal();
    let launcher_open = RwSignal::new(false);
    let username = move || {
        session
            .user
            .with(|u| u.as_ref().map(|u| u.username.clone()))
    };
    view! {
        <footer class="taskbar">
            <div class="launcher">
                <button
                    class="launcher-button"
                    aria-haspopup="menu"
                    aria-expanded=move || launcher_open.get().to_string()
                    on:click=move |_| launcher_open.update(|open| *open = !*open)
                >
                    "Ezilla"
                </button>
                <Show when=move || launcher_open.get()>
                    <ul class="launcher-menu" role="menu">
                        {AppKind::available(session.is_admin()).map(|app| view! {
                            <li role="none">
                                <button role="menuitem" data-app=app.slug() on:click=move |_| {
                                    launcher_open.set(false);
                                    windows.open(app);
                                }>
                                    <img src=app.icon() alt="" />
                                    {move || i18n.t(app.title())}
                                </button>
                            </li>
                        }).collect_view()}
                    </ul>
                </Show>
            </div>
            <ul class="favourites">
                {move || personal.favourites.get().into_iter().filter_map(|slug| AppKind::from_slug(&slug)).map(|app| view! {
                    <li>
                        <button class="favourite" data-app=app.slug() title=move || i18n.t(app.title())
                            aria-label=move || i18n.t(app.title()) on:click=move |_| windows.open(app)>
                            <img src=app.icon() alt="" />
                        </button>
                    </li>
                }).collect_view()}
            </ul>
            <ul class="task-list">
                <For each=move || windows.list.get() key=|w| w.id let:window>
                    <li>
                        <button
                            class="task"
                            class:active=move || windows.focused() == Some(window.id)
                            class:minimized=move || window.minimized.get()
                            on:click=move |_| windows.toggle_from_taskbar(window.id)
                        >
                            {move || i18n.t(window.app.title())}
                        </button>
                    </li>
                </For>
            </ul>
            <HypervisorBadge />
            <span class="user">{username}</span>
            <button class="logout" on:click=move |_| session.logout()>
                {move || i18n.t(Key::CloseSession)}
            </button>
            <Clock />
        </footer>
    }
}
