//! Says plainly which hypervisor is in use: real QEMU, or libvirt's test driver.

use leptos::prelude::*;
use shared::{Health, HypervisorKind};

use crate::{
    api,
    i18n::{I18n, Key, use_i18n},
};

#[component]
pub fn HypervisorBadge(
    /// The server's last health answer (`state::server`), `None` before the first.
    #[prop(into)]
    health: Signal<Option<Result<Health, api::Error>>>,
) -> impl IntoView {
    let i18n = use_i18n();
    move || match health.get() {
        None => view! { <span class="badge">"…"</span> }.into_any(),
        Some(Err(err)) => view! {
            <span class="badge offline" role="alert" title=i18n.error(&err)>
                {i18n.t(Key::ServerUnreachable)}
            </span>
        }
        .into_any(),
        Some(Ok(health)) => {
            let (class, text) = describe(&health, i18n);
            view! { <span class=class>{text}</span> }.into_any()
        }
    }
}

/// The badge's class and text for a health report.
fn describe(health: &Health, i18n: I18n) -> (&'static str, String) {
    let uris = |kind| {
        health
            .hosts
            .iter()
            .filter(|h| h.kind == kind)
            .map(|h| h.uri.as_str())
            .collect::<Vec<_>>()
    };
    let (qemu, test) = (uris(HypervisorKind::Qemu), uris(HypervisorKind::Test));
    let text = match (qemu.is_empty(), test.is_empty()) {
        (false, true) => format!("QEMU: {}", qemu.join(", ")),
        (true, false) => i18n.t(Key::TestDriver).to_owned(),
        (false, false) => format!("QEMU: {}; {}", qemu.join(", "), i18n.t(Key::TestDriver)),
        (true, true) => format!("libvirt: {}", health.hosts.len()),
    };
    let class = if health.ok { "badge" } else { "badge degraded" };
    (class, text)
}
