//! The taskbar: the launcher, a button per open window, the hypervisor in use, the clock.

use leptos::prelude::*;

use crate::{
    apps::AppKind,
    components::{clock::Clock, hypervisor_badge::HypervisorBadge},
    state::windows::use_windows,
};

#[component]
pub fn Taskbar() -> impl IntoView {
    let windows = use_windows();
    let launcher_open = RwSignal::new(false);
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
                        {AppKind::ALL.into_iter().map(|app| view! {
                            <li role="none">
                                <button role="menuitem" data-app=app.slug() on:click=move |_| {
                                    launcher_open.set(false);
                                    windows.open(app);
                                }>
                                    <img src=app.icon() alt="" />
                                    {app.title()}
                                </button>
                            </li>
                        }).collect_view()}
                    </ul>
                </Show>
            </div>
            <ul class="task-list">
                <For each=move || windows.list.get() key=|w| w.id let:window>
                    <li>
                        <button
                            class="task"
                            class:active=move || windows.focused() == Some(window.id)
                            on:click=move |_| windows.focus(window.id)
                        >
                            {window.app.title()}
                        </button>
                    </li>
                </For>
            </ul>
            <HypervisorBadge />
            <Clock />
        </footer>
    }
}
