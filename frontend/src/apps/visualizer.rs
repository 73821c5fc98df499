//! Cloud Visualizer, the original's pool monitor: every host with its VMs as tiles coloured by
//! their CPU load in the last sampling round (a click opens the VM in the VM Manager), each
//! host's capacity, and for admins each host's live graphs. Users see the pool's free capacity
//! and their own VMs only.

use leptos::prelude::*;
use shared::{GuestNetwork, HostInfo, Metric};

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
            <Show when=move || live.hosts.with(|h| h.as_ref().is_some_and(Vec::is_empty))>
                <p class="empty">{move || i18n.t(Key::NoHosts)}</p>
            </Show>
            <div class="host-cards">
                // Keyed by name alone: a card, its graphs and the pointer over them stay put
                // while the host's numbers change under them.
                <For
                    each=move || live.hosts.with(|h| h.iter().flatten().map(|h| h.name.clone()).collect::<Vec<_>>())
                    key=String::clone
                    let:name
                >
                    <HostCard name is_admin />
                </For>
            </div>
        </div>
    }
}

/// Percent in use; free can exceed total on an overcommitted host's vCPUs.
fn used(free: u64, total: u64) -> u64 {
    (free * 100)
        .checked_div(total)
        .map_or(0, |free| 100u64.saturating_sub(free))
}

#[component]
fn HostCard(name: String, is_admin: bool) -> impl IntoView {
    let i18n = use_i18n();
    let live = use_live();
    let host = {
        let name = name.clone();
        Memo::new(move |_| {
            live.hosts
                .with(|h| h.iter().flatten().find(|h| h.name == name).cloned())
        })
    };
    let online = move || host.with(|h| h.as_ref().is_some_and(|h| h.online));
    let field = move |f: fn(&HostInfo) -> u64| host.with(|h| h.as_ref().map_or(0, f));
    let cpu_used = move || used(field(|h| h.free_vcpus.into()), field(|h| h.cpus.into()));
    let memory_used = move || used(field(|h| h.free_memory_mib), field(|h| h.memory_mib));
    let tiles = {
        let name = name.clone();
        move || {
            live.vms.with(|list| match list {
                Some(Ok(list)) => list
                    .vms
                    .iter()
                    .filter(|vm| vm.host == name)
                    .map(|vm| (vm.uuid.clone(), vm.name.clone()))
                    .collect::<Vec<_>>(),
                _ => Vec::new(),
            })
        }
    };
    let subject = Subject::Host(name.clone());
    let title = name.clone();
    let data_host = name.clone();
    view! {
        <section class="host-card" data-host=data_host class:offline=move || !online()>
            <h3>
                {name}
                <Show when=move || !online()>
                    <span class="badge offline">{move || i18n.t(Key::HostOffline)}</span>
                </Show>
            </h3>
            <Show when=move || is_admin>
                <p class="guest-network">{move || host.with(|h| match h.as_ref().and_then(|h| h.guest_network) {
                    Some(GuestNetwork::Outbound) => i18n.t(Key::GuestsOutbound),
                    _ => i18n.t(Key::GuestsIsolated),
                })}</p>
            </Show>
            <div class="capacity">
                <label>{move || i18n.t(Key::MetricCpu)} <meter min="0" max="100" value=cpu_used></meter></label>
                <label>{move || i18n.t(Key::MetricMemoryTotal)} <meter min="0" max="100" value=memory_used></meter></label>
            </div>
            <Show when={
                let tiles = tiles.clone();
                move || live.vms.with(|l| matches!(l, Some(Ok(_)))) && tiles().is_empty()
            }>
                <p class="empty">{move || i18n.t(Key::NoVmsOnHost)}</p>
            </Show>
            <ul class="vm-tiles" aria-label=move || i18n.t(Key::VmsOnHost)>
                <For each=tiles key=|(uuid, name)| (uuid.clone(), name.clone()) let:((uuid, name))>
                    <VmTile uuid name />
                </For>
            </ul>
            <Show when=move || is_admin && online()>
                <GraphPanel subject=subject.clone() title=title.clone() metrics=&Metric::HOST />
            </Show>
        </section>
    }
}

/// One VM on its host, coloured by its CPU load in the last round; a click opens it.
#[component]
fn VmTile(uuid: String, name: String) -> impl IntoView {
    let live = use_live();
    let windows = use_windows();
    let load = {
        let uuid = uuid.clone();
        Memo::new(move |_| {
            live.round.with(|r| {
                r.as_ref()?
                    .vms
                    .iter()
                    .find(|s| s.uuid == uuid)?
                    .value(Metric::CpuPercent)
            })
        })
    };
    let title = {
        let name = name.clone();
        move || {
            load.get()
                .map_or_else(|| name.clone(), |l| format!("{name}: {l:.0} %"))
        }
    };
    view! {
        <li>
            <button
                class=move || format!("vm-tile {}", load_class(load.get()))
                data-vm=name.clone()
                title=title
                on:click=move |_| {
                    live.select_next.set(Some(uuid.clone()));
                    windows.open(AppKind::VmManager);
                }
            >
                {name.clone()}
            </button>
        </li>
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
