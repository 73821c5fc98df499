//! A host added and removed again leaves nothing open behind it: its libvirt connection, and
//! the lifecycle-event registration that held a reference on it, end with it. Measured on
//! the served process's own file descriptors, against the real libvirtd (`qemu:///system`),
//! whose connections are sockets.

use std::time::Duration;

use serde_json::json;

use testkit::eventually;

use super::{Served, admin_client};

const ROUNDS: usize = 20;
/// Descriptors that may come and go on their own (an HTTP connection of the client).
const SLACK: usize = 2;

/// The process's open descriptors: (all of them, sockets among them).
fn open_fds(pid: u32) -> (usize, usize) {
    let fds: Vec<_> = std::fs::read_dir(format!("/proc/{pid}/fd"))
        .expect("the server's descriptors")
        .filter_map(|fd| std::fs::read_link(fd.ok()?.path()).ok())
        .collect();
    let sockets = fds
        .iter()
        .filter(|target| target.to_string_lossy().starts_with("socket:"))
        .count();
    (fds.len(), sockets)
}

/// Adds the local libvirtd as host `name` (it answers, so it is connected at once and its
/// VMs listed), then removes it.
async fn add_and_remove(client: &reqwest::Client, base: &str, name: &str) {
    let added = client
        .post(format!("{base}/api/v1/admin/hosts"))
        .json(&json!({"name": name, "uri": "qemu:///system"}))
        .send()
        .await
        .unwrap();
    assert_eq!(added.status(), 201, "{}", added.text().await.unwrap());
    let removed = client
        .delete(format!("{base}/api/v1/admin/hosts/{name}?force=true"))
        .header("x-ezilla-request", "1")
        .send()
        .await
        .unwrap();
    assert_eq!(removed.status(), 204, "{}", removed.text().await.unwrap());
}

/// Waits until the process holds at most `limit` descriptors, and returns its counts; fails
/// with the counts if it does not within 20 s.
async fn settled(pid: u32, limit: usize, what: &str) -> (usize, usize) {
    eventually(what, Duration::from_secs(20), || async {
        let counts = open_fds(pid);
        (counts.0 <= limit).then_some(counts)
    })
    .await
}

#[tokio::test]
async fn a_host_added_and_removed_twenty_times_leaves_no_connection_open() {
    let data = tempfile::tempdir().unwrap();
    let served = Served::start(data.path()).await;
    let client = admin_client(&served.base, data.path()).await;
    let pid = served.child.id();

    // One round first: whatever the libvirt client library keeps for the life of the process
    // once it has spoken to libvirtd is counted in the baseline.
    let (first, _) = open_fds(pid);
    add_and_remove(&client, &served.base, "churn-0").await;
    let (baseline, sockets_before) =
        settled(pid, first + SLACK, "the first host's descriptors closed").await;

    for round in 1..=ROUNDS {
        add_and_remove(&client, &served.base, &format!("churn-{round}")).await;
    }
    let (after, sockets_after) = settled(
        pid,
        baseline + SLACK,
        &format!("the {ROUNDS} removed hosts' descriptors closed (from {baseline})"),
    )
    .await;
    assert!(
        sockets_after <= sockets_before + SLACK,
        "sockets {sockets_before} -> {sockets_after} after {ROUNDS} hosts came and went"
    );
    eprintln!(
        "descriptors {baseline} -> {after}, sockets {sockets_before} -> {sockets_after} after \
         {ROUNDS} hosts added and removed"
    );
}
