//! Test helpers: a real backend on port 0, a real Chromium, and waiting on conditions.

pub mod binary;
pub mod browser;
pub mod classroom;
pub mod console_proxy;
pub mod isos;
pub mod libvirt_relay;
pub mod relay;
pub mod screenshots;
pub mod server;
pub mod slow_link;
pub mod tokens;
pub mod vnc_server;

use std::{future::Future, time::Duration};

/// Polls `check` until it returns `Some`, failing the test with `what` after `limit`.
pub async fn eventually<T, F, Fut>(what: &str, limit: Duration, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Option<T>>,
{
    let deadline = tokio::time::Instant::now() + limit;
    loop {
        if let Some(value) = check().await {
            return value;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "gave up after {limit:?} waiting for {what}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// The `name`s of a VM list's `vms`, in order.
pub fn vm_names(list: &serde_json::Value) -> Vec<serde_json::Value> {
    list["vms"]
        .as_array()
        .map(|vms| vms.iter().map(|vm| vm["name"].clone()).collect())
        .unwrap_or_default()
}
