//! Says plainly which hypervisor is in use: real QEMU, or libvirt's test driver.

use leptos::prelude::*;
use shared::{Health, HypervisorKind};

use crate::state::server::use_server_status;

#[component]
pub fn HypervisorBadge() -> impl IntoView {
    let status = use_server_status();
    move || {
        match status.health.get() {
        None => view! { <span class="badge">"…"</span> }.into_any(),
        Some(Err(err)) => view! {
            <span class="badge offline" role="alert" title=err.to_string()>"Server unreachable"</span>
        }
        .into_any(),
        Some(Ok(health)) => {
            let (class, text) = describe(&health);
            view! { <span class=class>{text}</span> }.into_any()
        }
    }
    }
}

/// The badge's class and text for a health report.
fn describe(health: &Health) -> (&'static str, String) {
    let names = |kind| {
        health
            .hosts
            .iter()
            .filter(|h| h.kind == kind)
            .map(|h| h.uri.as_str())
            .collect::<Vec<_>>()
    };
    let (qemu, test) = (names(HypervisorKind::Qemu), names(HypervisorKind::Test));
    let text = match (qemu.is_empty(), test.is_empty()) {
        (false, true) => format!("QEMU: {}", qemu.join(", ")),
        (true, false) => "libvirt test driver: simulated VMs".to_owned(),
        (false, false) => format!("QEMU: {}; plus simulated test hosts", qemu.join(", ")),
        (true, true) => format!("{} libvirt host(s)", health.hosts.len()),
    };
    let class = if health.ok { "badge" } else { "badge degraded" };
    (class, text)
}
