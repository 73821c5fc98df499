//! The taskbar: the launcher, pinned apps and VMs, a button per open window, the hypervisor
//! in use, the user with "Close Session", and the clock.

use leptos::prelude::*;

use crate::{
    apps::AppKind,
    components::{
        clock::{Clock, hh_mm},
        hypervisor_badge::HypervisorBadge,
        menu_keys::{focus, focus_first_item, on_menu_key},
    },
    i18n::{Key, use_i18n},
    state::{
        desktop::use_personal, live::use_live, server::use_server_status, session::use_session,
        windows::use_windows,
    },
};

#[component]
pub fn Taskbar() -> impl IntoView {
    let windows = use_windows();
    let session = use_session();
    let i18n = use_i18n();
    let personal = use_personal();
    let launcher_open = RwSignal::new(false);
    let health = use_server_status().health;
    let now = RwSignal::new(hh_mm());
    set_interval(move || now.set(hh_mm()), std::time::Duration::from_secs(1));
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
                    <LauncherMenu launcher_open />
                </Show>
            </div>
            <ul class="favourites">
                {move || personal.favourites.get().into_iter().map(|favourite| match favourite.strip_prefix("vm:") {
                    Some(uuid) => view! { <VmFavourite uuid=uuid.to_owned() /> }.into_any(),
                    None => AppKind::from_slug(&favourite).map(|app| view! {
                        <li>
                            <button class="favourite" data-app=app.slug() title=move || i18n.t(app.title())
                                aria-label=move || i18n.t(app.title()) on:click=move |_| windows.open(app)>
                                <img src=app.icon() alt="" />
                            </button>
                        </li>
                    }).into_any(),
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
            <HypervisorBadge health />
            <span class="user">{username}</span>
            <button class="logout" on:click=move |_| session.logout()>
                {move || i18n.t(Key::CloseSession)}
            </button>
            <Clock now />
        </footer>
    }
}

/// A VM pinned to the taskbar: its name; opens the VM Manager with it selected.
#[component]
fn VmFavourite(uuid: String) -> impl IntoView {
    let live = use_live();
    let windows = use_windows();
    let name = Signal::derive({
        let uuid = uuid.clone();
        move || live.vm(&uuid).map(|vm| vm.name).unwrap_or_default()
    });
    view! {
        <li>
            <button class="favourite vm-favourite" data-uuid=uuid.clone() title=name
                on:click=move |_| {
                    live.select_next.set(Some(uuid.clone()));
                    windows.open(AppKind::VmManager);
                }>
                <img src="/icons/vm-manager.svg" alt="" />
                <span>{name}</span>
            </button>
        </li>
    }
}

/// The launcher's list of every app the user may open.
#[component]
fn LauncherMenu(launcher_open: RwSignal<bool>) -> impl IntoView {
    let windows = use_windows();
    let session = use_session();
    let i18n = use_i18n();
    let menu = NodeRef::new();
    focus_first_item(menu);
    let close = move || {
        launcher_open.set(false);
        focus(".launcher-button");
    };
    view! {
        <ul class="launcher-menu" role="menu" node_ref=menu on:keydown=move |ev| on_menu_key(&ev, close)>
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
    }
}
