//! A host reached through `qemu+ssh://` (a loopback sshd with a throwaway key, started by the
//! test command): VMs are made, listed and deleted over the remote path, and a dropped
//! connection is noticed and mended once the host answers again.

use std::{process::Command, time::Duration};

use reqwest::Method;
use serde_json::json;
use shared::Role;
use virt::connect::Connect;

use testkit::{
    eventually,
    qemu::{Cleanup, LOCAL_QEMU, demo_template},
    server::{Client, TestServer},
};

/// The URI the test command exports after starting the loopback sshd.
pub(super) fn remote_uri() -> String {
    std::env::var("EZILLA_TEST_SSH_URI")
        .expect("the test command starts a loopback sshd (scripts/sshd-loopback.sh) and sets this")
}

async fn remote_online(admin: &Client) -> bool {
    let (_, hosts) = admin.get("/api/v1/hosts").await;
    hosts[0]["online"] == true
}

/// The loopback sshd's files (see scripts/sshd-loopback.sh).
const SSH_DIR: &str = "/var/lib/ezilla-test/ssh";

#[tokio::test]
async fn vms_over_qemu_ssh_and_a_dropped_connection_comes_back() {
    virt::error::clear_error_callback();
    let uri = remote_uri();
    let server = TestServer::api(&[("remote", uri.as_str())]).await;
    server.add_user("alice", Role::User);
    let admin = server.admin().await;
    assert!(
        remote_online(&admin).await,
        "the remote host answers over ssh"
    );
    let (status, body) = admin
        .send(Method::POST, "/api/v1/templates", Some(demo_template()))
        .await;
    assert_eq!(status, 201, "{body}");

    let alice = server.login("alice").await;
    let name = format!("ezilla-test-{}-remote", std::process::id());
    let _cleanup = Cleanup(vec![name.clone()]);
    let (status, vm) = alice
        .send(
            Method::POST,
            "/api/v1/vms",
            Some(json!({"name": name, "template": "demo"})),
        )
        .await;
    assert_eq!(status, 201, "{vm}");
    assert_eq!(
        (vm["host"].clone(), vm["state"].clone()),
        (json!("remote"), json!("running"))
    );
    let path = format!("/api/v1/vms/{}?disks=true", vm["uuid"].as_str().unwrap());
    assert_eq!(
        alice.send(Method::DELETE, &path, Some(json!({}))).await.0,
        204
    );
    let local = Connect::open(Some(LOCAL_QEMU)).unwrap();
    assert!(
        local.lookup_domain_by_name(&name).is_err(),
        "deleted on the host itself"
    );

    // The host goes away: sshd and its sessions end. The pool notices...
    let pid = std::fs::read_to_string(format!("{SSH_DIR}/sshd-2222.pid")).unwrap();
    Command::new("kill").arg(pid.trim()).status().unwrap();
    Command::new("pkill")
        .args(["-f", "^sshd: root"])
        .status()
        .unwrap();
    eventually(
        "the remote host to be marked offline",
        Duration::from_secs(30),
        || async { (!remote_online(&admin).await).then_some(()) },
    )
    .await;
    let (status, list) = admin.get("/api/v1/vms").await;
    assert_eq!(status, 503, "no host answers: {list}");

    // ...and reconnects once it is back.
    let restarted = Command::new("bash")
        .args([
            "-c",
            "source scripts/sshd-loopback.sh && start_loopback_sshd",
        ])
        .current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
        .status()
        .unwrap();
    assert!(restarted.success());
    eventually(
        "the remote host to come back",
        Duration::from_secs(60),
        || async { remote_online(&admin).await.then_some(()) },
    )
    .await;
    assert_eq!(admin.get("/api/v1/vms").await.0, 200);
}
