//! VM Manager: the table of VMs (ID, name, state, cores, memory, host, uptime; owner for
//! admins) with Refresh.

use leptos::prelude::*;

use crate::{
    api,
    components::{hypervisor_badge::HypervisorBadge, vm_table::VmTable},
    i18n::{Key, use_i18n},
    state::session::use_session,
};

#[component]
pub fn VmManager() -> impl IntoView {
    let i18n = use_i18n();
    let show_owner = use_session().is_admin();
    let load = Action::new_local(|_: &()| api::list_vms());
    load.dispatch(());
    let result = load.value();
    let pending = load.pending();

    view! {
        <div class="vm-manager">
            <div class="toolbar">
                <button class="refresh" on:click=move |_| { load.dispatch(()); } disabled=pending>
                    {move || i18n.t(Key::Refresh)}
                </button>
                <HypervisorBadge />
                <Show when=move || pending.get()>
                    <span class="loading" role="status">{move || i18n.t(Key::Loading)}</span>
                </Show>
            </div>
            {move || match result.get() {
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
                        <VmTable vms=list.vms show_owner=show_owner />
                    }.into_any()
                }
            }}
        </div>
    }
}
