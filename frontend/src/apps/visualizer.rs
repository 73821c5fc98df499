//! Cloud Visualizer, the original's pool monitor: every host with its VMs as tiles coloured by
//! their CPU load in the last sampling round (a click opens the VM in the VM Manager), each
//! host's capacity, and for admins each host's live graphs. Users see the pool's free capacity
//! and their own VMs only.

use leptos::prelude::*;
use shared::{HostInfo, Metric};

use crate::{
    api::Subject,
    apps::AppKind,
    graphs::GraphPanel,
    i18n::{Key, use_i18n},
    state::{live::use_live, session::use_session, windows::use_windows},
};

/// A VM tile's colour: how busy its CPU was in the last round.
fn load_class(cpu_percent: Option<f64>) -> &'static str {
    match cpu_percent {
        None => "load-unknown",
        Some(p) if p < 10.0 => "load-idle",
        Some(p) if p < 50.0 => "load-low",
        Some(p) if p < 85.0 => "load-high",
        Some(_) => "load-hot",
    }
}

#[component]
pub fn Visualizer() -> impl IntoView {
    let i18n = use_i18n();
    let live = use_live();
    let is_admin = use_session().is_admin();
    let free = move || {
        live.hosts.with(|hosts| {
            let online = hosts.iter().flatten().filter(|h| h.online);
            online.fold((0, 0), |(cpus, mib), h| {
                (cpus + h.free_vcpus, mib + h.free_memory_mib)
            })
        })
    };
    view! {
        <div class="visualizer">
            <p class="pool-free">
                {move || i18n.t(Key::FreeInPool)} ": "
                {move || free().0} " " {move || i18n.t(Key::FreeVcpus)} ", "
                {move || format!("{} MiB", free().1)} " " {move || i18n.t(Key::FreeMemory)}
            </p>
            <div class="host-cards">
                <For
                    each=move || live.hosts.get().unwrap_or_default()
                    key=|host| (host.name.clone(), host.online, host.vm_count, host.free_memory_mib)
                    let:host
                >
                    <HostCard host is_admin />
                </For>
            </div>
        </div>
    }
}

#[component]
fn HostCard(host: HostInfo, is_admin: bool) -> impl IntoView {
    let i18n = use_i18n();
    let live = use_live();
    let windows = use_windows();
    let name = host.name.clone();
    let vms = move || {
        let loads = live.round.with(|r| {
            r.as_ref()
                .map(|r| {
                    r.vms
                        .iter()
                        .map(|s| (s.uuid.clone(), s.value(Metric::CpuPercent)))
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
        });
        live.vms.with(|list| match list {
            Some(Ok(list)) => list
                .vms
                .iter()
                .filter(|vm| vm.host == name)
                .map(|vm| {
                    let load = loads
                        .iter()
                        .find(|(uuid, _)| *uuid == vm.uuid)
                        .and_then(|(_, l)| *l);
                    (vm.uuid.clone(), vm.name.clone(), load)
                })
                .collect::<Vec<_>>(),
            _ => Vec::new(),
        })
    };
    // Percent in use; free can exceed total on an overcommitted host's vCPUs.
    let used = |free: u64, total: u64| {
        (free * 100)
            .checked_div(total)
            .map_or(0, |free| 100u64.saturating_sub(free))
    };
    let cpu_used = used(u64::from(host.free_vcpus), u64::from(host.cpus));
    let memory_used = used(host.free_memory_mib, host.memory_mib);
    let graphs = (is_admin && host.online).then(|| {
        let subject = Subject::Host(host.name.clone());
        view! { <GraphPanel subject title=host.name.clone() metrics=&Metric::HOST /> }
    });
    view! {
        <section class="host-card" data-host=host.name.clone() class:offline=!host.online>
            <h3>
                {host.name.clone()}
                {(!host.online).then(|| view! { <span class="badge offline">{move || i18n.t(Key::HostOffline)}</span> })}
            </h3>
            <div class="capacity">
                <label>{move || i18n.t(Key::MetricCpu)} <meter min="0" max="100" value=cpu_used></meter></label>
                <label>{move || i18n.t(Key::MetricMemoryTotal)} <meter min="0" max="100" value=memory_used></meter></label>
            </div>
            <ul class="vm-tiles" aria-label=move || i18n.t(Key::VmsOnHost)>
                {move || vms().into_iter().map(|(uuid, name, load)| {
                    let title = load.map(|l| format!("{name}: {l:.0} %")).unwrap_or_else(|| name.clone());
                    view! {
                        <li>
                            <button class=format!("vm-tile {}", load_class(load)) data-vm=name.clone() title=title
                                on:click=move |_| {
                                    live.select_next.set(Some(uuid.clone()));
                                    windows.open(AppKind::VmManager);
                                }>
                                {name.clone()}
                            </button>
                        </li>
                    }
                }).collect_view()}
            </ul>
            {graphs}
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::load_class;

    #[test]
    fn tiles_colour_by_load() {
        assert_eq!(load_class(None), "load-unknown");
        assert_eq!(load_class(Some(3.0)), "load-idle");
        assert_eq!(load_class(Some(97.0)), "load-hot");
    }
}
