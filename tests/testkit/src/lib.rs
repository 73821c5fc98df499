//! Ezilla's test helpers, for the integration tests (`tests/main.rs`) and the benches alike:
//! a real backend on port 0 or as a process of its own, a real Chromium, real QEMU guests,
//! relays that cut or slow connections, synthetic peers, and waiting on conditions.

pub mod bench;
pub mod binary;
pub mod browser;
pub mod console_proxy;
pub mod isos;
pub mod libvirt_relay;
pub mod qemu;
pub mod relay;
pub mod screenshots;
pub mod server;
pub mod slow_link;
pub mod vnc_server;

mod generated;
mod tokens;

use std::{
    future::Future,
    path::{Path, PathBuf},
    time::Duration,
};

/// The workspace's root, the checkout this crate lives in (`tests/testkit/../..`).
fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

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
