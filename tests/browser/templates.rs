//! The Templates app in Chromium on a test-driver host: a template added from a volume
//! picked from the host's pool (no path typed), a VM made from it, and its deletion refused
//! while the VM's disk is backed by it, naming the VM.

use reqwest::Method;
use serde_json::json;
use shared::Role;

use super::open_app;
use testkit::{
    browser::Browser,
    server::{PASSWORD, TestServer, fixture_host},
};

#[tokio::test]
async fn admins_add_a_template_from_a_pool_volume_and_cannot_delete_it_in_use() {
    let uri = fixture_host("host-small.xml");
    let server = TestServer::with_frontend(&[("one1", uri.as_str())]).await;
    server.add_user("alice", Role::User);
    let browser = Browser::start().await;
    browser.login(&server.url("/"), "root", PASSWORD).await;
    open_app(&browser, "templates").await;
    let form = ".templates-app .add-template";
    browser
        .click(&format!(
            "{form} select[name='tpl-host'] option[value='one1']"
        ))
        .await;
    browser
        .click(&format!(
            "{form} select[name='tpl-pool'] option[value='images']"
        ))
        .await;
    browser
        .click(&format!(
            "{form} select[name='tpl-volume'] option[value='demo-base.img']"
        ))
        .await;
    browser
        .type_into(&format!("{form} input[name='tpl-name']"), "fromui")
        .await;
    browser
        .type_into(&format!("{form} input[name='tpl-os']"), "Demo")
        .await;
    browser
        .type_into(&format!("{form} input[name='tpl-memory']"), "128")
        .await;
    browser
        .type_into(&format!("{form} input[name='tpl-disk']"), "2")
        .await;
    browser
        .click(&format!("{form} button[type='submit']"))
        .await;
    browser
        .find(".template-table tr[data-template='fromui']")
        .await;

    let alice = server.login("alice").await;
    let (status, vm) = alice
        .send(
            Method::POST,
            "/api/v1/vms",
            Some(json!({"name": "made-from-ui", "template": "fromui"})),
        )
        .await;
    assert_eq!(status, 201, "{vm}");
    assert_eq!(
        (vm["memory_mib"].as_u64(), vm["disk_gib"].as_u64()),
        (Some(128), Some(2))
    );

    browser
        .click(".template-table tr[data-template='fromui'] button.delete-template")
        .await;
    browser
        .text_where(".templates-app .error", |t| t.contains("made-from-ui"))
        .await;
    browser
        .find(".template-table tr[data-template='fromui']")
        .await;
    browser.close().await;
}
