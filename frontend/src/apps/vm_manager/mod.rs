//! VM Manager: the VM table (the original's columns; owner for admins), kept live by the
//! events WebSocket, with Refresh, a toolbar of actions on the selected VM, its details (OS,
//! IP, screen) and snapshots, and the progress of long actions. Rows dragged onto the desktop
//! become VM widgets.

mod cd_drive;
mod details;
mod snapshots;
mod toolbar;

use leptos::prelude::*;
use shared::Widget;

use crate::{
    apps::AppKind,
    components::{hypervisor_badge::HypervisorBadge, vm_table::VmTable},
    i18n::{Key, use_i18n},
    state::{
        carry::use_carry, live::use_live, server::use_server_status, session::use_session,
        windows::use_windows,
    },
};

#[component]
pub fn VmManager() -> impl IntoView {
    let i18n = use_i18n();
    let show_owner = use_session().is_admin();
    let windows = use_windows();
    let live = use_live();
    let carry = use_carry();
    let health = use_server_status().health;
    // A widget's "open" (or a tile's, or a pinned VM's) asks for its VM to be selected here:
    // when this window opens, or later, as the one VM Manager is brought to the front.
    let selected = RwSignal::new(None);
    Effect::new(move || {
        if let Some(uuid) = live.select_next.get() {
            live.select_next.set(None);
            selected.set(Some(uuid));
        }
    });
    let on_create = Callback::new(move |()| windows.open(AppKind::VmCreator));

    let selected_vm = Signal::derive(move || live.vm(&selected.get()?));
    let on_press =
        Callback::new(move |(uuid, name, ev)| carry.pick_up(Widget::Vm { uuid }, name, &ev));

    view! {
        <div class="vm-manager">
            <div class="toolbar">
                <button class="create" on:click=move |_| windows.open(AppKind::VmCreator)>
                    {move || i18n.t(Key::Create)}
                </button>
                <button class="refresh" on:click=move |_| live.refresh()>
                    {move || i18n.t(Key::Refresh)}
                </button>
                <HypervisorBadge health />
                <Show when=move || live.connected.get()>
                    <span class="badge live" title="WebSocket">{move || i18n.t(Key::Live)}</span>
                </Show>
            </div>
            <toolbar::VmToolbar vm=selected_vm task=live.task on_changed=move || live.refresh() />
            {move || live.task.get().map(|t| {
                let state = t.state.name();
                view! { <p class="task" data-task-state=state role="status">{move || i18n.task(&t)}</p> }
            })}
            <details::Details vm=selected_vm />
            <snapshots::Snapshots vm=selected_vm />
            {move || match live.vms.get() {
                None => view! {
                    <p class="loading" role="status">{move || i18n.t(Key::LoadingVms)}</p>
                }.into_any(),
                Some(Err(err)) => view! { <p class="error" role="alert">{move || i18n.error(&err)}</p> }.into_any(),
                Some(Ok(list)) => {
                    let missing = list.unreachable_hosts.join(", ");
                    view! {
                        <Show when={let m = missing.clone(); move || !m.is_empty()}>
                            <p class="warning" role="alert">
                                {move || i18n.t(Key::UnreachableHosts)} ": " {missing.clone()}
                            </p>
                        </Show>
                        <VmTable vms=list.vms show_owner=show_owner selected=selected on_press=on_press on_create=on_create />
                        <p class="hint">{move || i18n.t(Key::DragToDesktop)}</p>
                    }.into_any()
                }
            }}
        </div>
    }
}
