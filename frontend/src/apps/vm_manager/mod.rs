//! VM Manager: the VM table (the original's columns; owner for admins), kept live by the
//! events WebSocket, with Refresh, a toolbar of actions on the selected VM, its snapshots,
//! and the progress of long actions.

mod snapshots;
mod toolbar;

use std::time::Duration;

use leptos::prelude::*;
use shared::{Event, TaskInfo, VmList};

use crate::{
    api,
    apps::AppKind,
    components::{hypervisor_badge::HypervisorBadge, vm_table::VmTable},
    i18n::{Key, use_i18n},
    state::{session::use_session, windows::use_windows},
};

/// How long to wait before reopening a dropped live connection.
const RECONNECT: Duration = Duration::from_secs(3);

#[component]
pub fn VmManager() -> impl IntoView {
    let i18n = use_i18n();
    let show_owner = use_session().is_admin();
    let windows = use_windows();
    let rows = RwSignal::new(None::<Result<VmList, api::Error>>);
    let selected = RwSignal::new(None::<String>);
    let live = RwSignal::new(false);
    let task = RwSignal::new(None::<TaskInfo>);

    let refresh = Action::new_local(|_: &()| api::list_vms());
    Effect::new(move || {
        if let Some(answer) = refresh.value().get() {
            rows.set(Some(answer));
        }
    });
    refresh.dispatch(());
    subscribe(rows, task, live);

    let selected_vm = Signal::derive(move || {
        let uuid = selected.get()?;
        rows.with(|r| match r {
            Some(Ok(list)) => list.vms.iter().find(|vm| vm.uuid == uuid).cloned(),
            _ => None,
        })
    });

    view! {
        <div class="vm-manager">
            <div class="toolbar">
                <button class="create" on:click=move |_| windows.open(AppKind::VmCreator)>
                    {move || i18n.t(Key::Create)}
                </button>
                <button class="refresh" on:click=move |_| { refresh.dispatch(()); } disabled=refresh.pending()>
                    {move || i18n.t(Key::Refresh)}
                </button>
                <HypervisorBadge />
                <Show when=move || live.get()>
                    <span class="badge live" title="WebSocket">{move || i18n.t(Key::Live)}</span>
                </Show>
            </div>
            <toolbar::VmToolbar vm=selected_vm task on_changed=move || { refresh.dispatch(()); } />
            {move || task.get().map(|t| view! {
                <p class="task" data-task-state=format!("{:?}", t.state).to_lowercase() role="status">
                    {format!("{}: {} ({}%)", t.kind, t.message, t.progress)}
                </p>
            })}
            <snapshots::Snapshots vm=selected_vm />
            {move || match rows.get() {
                None => view! {
                    <p class="loading" role="status">{move || i18n.t(Key::LoadingVms)}</p>
                }.into_any(),
                Some(Err(err)) => view! { <p class="error" role="alert">{err.to_string()}</p> }.into_any(),
                Some(Ok(list)) => {
                    let missing = list.unreachable_hosts.join(", ");
                    view! {
                        <Show when={let m = missing.clone(); move || !m.is_empty()}>
                            <p class="warning" role="alert">
                                {move || i18n.t(Key::UnreachableHosts)} ": " {missing.clone()}
                            </p>
                        </Show>
                        <VmTable vms=list.vms show_owner=show_owner selected=selected />
                    }.into_any()
                }
            }}
        </div>
    }
}

/// Keeps `rows` and `task` current from the events WebSocket while the window is open,
/// reconnecting after a drop.
fn subscribe(
    rows: RwSignal<Option<Result<VmList, api::Error>>>,
    task: RwSignal<Option<TaskInfo>>,
    live: RwSignal<bool>,
) {
    let socket = StoredValue::new_local(None::<api::VmEvents>);
    let open = StoredValue::new(true);
    fn connect(
        rows: RwSignal<Option<Result<VmList, api::Error>>>,
        task: RwSignal<Option<TaskInfo>>,
        live: RwSignal<bool>,
        socket: StoredValue<Option<api::VmEvents>, LocalStorage>,
        open: StoredValue<bool>,
    ) {
        let on_event = move |event| {
            live.set(true);
            match event {
                Event::Vms(list) => rows.set(Some(Ok(list))),
                Event::Task(info) => task.set(Some(info)),
                // The VM Manager shows no host table; the VM rows carry their hosts.
                Event::Hosts { .. } => {}
            }
        };
        let on_close = move || {
            live.set(false);
            if open.get_value() {
                set_timeout(move || connect(rows, task, live, socket, open), RECONNECT);
            }
        };
        socket.set_value(api::subscribe(on_event, on_close).ok());
    }
    connect(rows, task, live, socket, open);
    on_cleanup(move || {
        open.set_value(false);
        socket.set_value(None);
    });
}
