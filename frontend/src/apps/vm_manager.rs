//! VM Manager: the table of VMs (ID, name, state, cores, memory, host, uptime) with Refresh.

use leptos::prelude::*;

use crate::{
    api,
    components::{hypervisor_badge::HypervisorBadge, vm_table::VmTable},
};

#[component]
pub fn VmManager() -> impl IntoView {
    let load = Action::new_local(|_: &()| api::list_vms());
    load.dispatch(());
    let result = load.value();
    let pending = load.pending();

    view! {
        <div class="vm-manager">
            <div class="toolbar">
                <button class="refresh" on:click=move |_| { load.dispatch(()); } disabled=pending>
                    "Refresh"
                </button>
                <HypervisorBadge />
                <Show when=move || pending.get()>
                    <span class="loading" role="status">"Loading…"</span>
                </Show>
            </div>
            {move || match result.get() {
                None => view! { <p class="loading" role="status">"Loading virtual machines…"</p> }.into_any(),
                Some(Err(err)) => view! {
                    <p class="error" role="alert">{err.to_string()}</p>
                }.into_any(),
                Some(Ok(list)) => view! {
                    <Show when={let hosts = list.unreachable_hosts.clone(); move || !hosts.is_empty()}>
                        <p class="warning" role="alert">
                            {format!("Not shown: VMs of unreachable hosts {}.", list.unreachable_hosts.join(", "))}
                        </p>
                    </Show>
                    <VmTable vms=list.vms />
                }.into_any(),
            }}
        </div>
    }
}
