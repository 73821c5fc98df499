//! VM Manager: the VM table (the original's columns; owner for admins), kept live by the
//! events WebSocket, with Refresh, and a toolbar of actions on the selected VM.

use std::time::Duration;

use leptos::prelude::*;
use shared::VmList;

use crate::{
    api,
    apps::AppKind,
    components::{hypervisor_badge::HypervisorBadge, vm_table::VmTable, vm_toolbar::VmToolbar},
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

    let refresh = Action::new_local(|_: &()| api::list_vms());
    Effect::new(move || {
        if let Some(answer) = refresh.value().get() {
            rows.set(Some(answer));
        }
    });
    refresh.dispatch(());
    subscribe(rows, live);

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
            <VmToolbar vm=selected_vm on_changed=move || { refresh.dispatch(()); } />
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

/// Keeps `rows` current from the events WebSocket while the window is open, reconnecting
/// after a drop.
fn subscribe(rows: RwSignal<Option<Result<VmList, api::Error>>>, live: RwSignal<bool>) {
    let socket = StoredValue::new_local(None::<api::VmEvents>);
    let open = StoredValue::new(true);
    fn connect(
        rows: RwSignal<Option<Result<VmList, api::Error>>>,
        live: RwSignal<bool>,
        socket: StoredValue<Option<api::VmEvents>, LocalStorage>,
        open: StoredValue<bool>,
    ) {
        let on_list = move |list| {
            live.set(true);
            rows.set(Some(Ok(list)));
        };
        let on_close = move || {
            live.set(false);
            if open.get_value() {
                set_timeout(move || connect(rows, live, socket, open), RECONNECT);
            }
        };
        socket.set_value(api::subscribe_vms(on_list, on_close).ok());
    }
    connect(rows, live, socket, open);
    on_cleanup(move || {
        open.set_value(false);
        socket.set_value(None);
    });
}
