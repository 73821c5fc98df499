//! After libvirtd restarts, the VM Manager's LCM column still says why each VM is in its
//! state ("destroyed"), not "unknown". The restart is a relay in front of the system
//! libvirtd's socket cutting the connection: the test-driver host behind it is opened afresh
//! from its file, and forgets its VMs' reasons exactly as a restarted libvirtd does.

use std::path::Path;

use reqwest::Method;
use serde_json::json;

use super::open_app;
use testkit::{
    browser::{Browser, PATIENCE},
    eventually,
    libvirt_relay::{LIBVIRT_SOCKET, LibvirtRelay},
    server::{Client, PASSWORD, TestServer, frontend_dist},
};

/// One host with a shut-off VM (libvirt's test driver: `runstate` 5 is shut off), and a
/// running one that the test stops: reopened from this file it runs again, which shows when
/// the browser has the list from after the reconnect.
const HOST: &str = r#"<node>
  <cpu><mhz>2400</mhz><model>x86_64</model><active>2</active><nodes>1</nodes><sockets>1</sockets><cores>2</cores><threads>1</threads></cpu>
  <memory>2097152</memory>
  <domain type='test' xmlns:test='http://libvirt.org/schemas/domain/test/1.0'>
    <name>lcm</name><uuid>1c0e0000-0000-4000-8000-000000000001</uuid>
    <memory>65536</memory><vcpu>1</vcpu><os><type>hvm</type></os>
    <test:runstate>5</test:runstate>
  </domain>
  <domain type='test'>
    <name>marker</name><uuid>1c0e0000-0000-4000-8000-000000000002</uuid>
    <memory>65536</memory><vcpu>1</vcpu><os><type>hvm</type></os>
  </domain>
</node>"#;
const UUID: &str = "1c0e0000-0000-4000-8000-000000000001";
const MARKER: &str = "1c0e0000-0000-4000-8000-000000000002";

/// Whether host one1 is online, as the API says.
async fn online(admin: &Client) -> Option<bool> {
    let (_, hosts) = admin.get("/api/v1/hosts").await;
    hosts.as_array()?.iter().find(|h| h["name"] == "one1")?["online"].as_bool()
}

/// The VM's LCM state, as the API says (none while its host is unreachable).
async fn lcm_state(admin: &Client) -> Option<String> {
    let (_, list) = admin.get("/api/v1/vms").await;
    let vm = list["vms"]
        .as_array()?
        .iter()
        .find(|vm| vm["uuid"] == UUID)?;
    vm["lcm_state"].as_str().map(str::to_owned)
}

#[tokio::test]
async fn lcm_states_are_derived_again_after_libvirtd_reconnects() {
    let dir = tempfile::tempdir().unwrap();
    let xml = dir.path().join("host.xml");
    std::fs::write(&xml, HOST).unwrap();
    let relay = LibvirtRelay::start(Path::new(LIBVIRT_SOCKET));
    let uri = relay.test_uri(&xml);
    let server = TestServer::start_with(&[("one1", uri.as_str())], frontend_dist(), |_| {}).await;
    let admin = server.admin().await;
    for (uuid, verb) in [(UUID, "start"), (UUID, "poweroff"), (MARKER, "poweroff")] {
        let action = format!("/api/v1/vms/{uuid}/action");
        let (status, body) = admin
            .send(Method::POST, &action, Some(json!({"action": verb})))
            .await;
        assert!(status < 300, "{verb}: {status} {body}");
    }
    eventually("the VM to read destroyed", PATIENCE, || async {
        (lcm_state(&admin).await? == "destroyed").then_some(())
    })
    .await;
    let browser = Browser::start().await;
    browser.login(&server.url("/"), "root", PASSWORD).await;
    open_app(&browser, "vm-manager").await;
    let cell = "tr[data-vm='lcm'] td.lcm";
    let marker = "tr[data-vm='marker'] td.state";
    browser.text_where(marker, |t| t == "shut off").await;
    assert_eq!(
        browser.text_where(cell, |t| !t.is_empty()).await,
        "destroyed"
    );

    // libvirtd goes away: the host is offline.
    relay.cut_and_hold();
    eventually("one1 to go offline", PATIENCE, || async {
        (!online(&admin).await?).then_some(())
    })
    .await;
    // It is back: the pool reconnects, and libvirt has forgotten why the VM is off.
    relay.open();
    eventually(
        "one1 to come back",
        std::time::Duration::from_secs(40),
        || async { online(&admin).await?.then_some(()) },
    )
    .await;
    assert_eq!(lcm_state(&admin).await.as_deref(), Some("destroyed"));
    browser.text_where(marker, |t| t == "running").await;
    let shown = browser.text_where(cell, |t| !t.is_empty()).await;
    assert_eq!(shown, "destroyed", "the VM Manager after the reconnect");
}
