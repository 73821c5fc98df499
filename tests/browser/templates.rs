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

/// The text of the template row `name`, once it satisfies `ok`.
async fn row_where(browser: &Browser, name: &str, ok: impl Fn(&str) -> bool) -> String {
    browser
        .text_where(&format!(".template-table tr[data-template='{name}']"), ok)
        .await
}

#[tokio::test]
async fn admins_edit_a_templates_defaults_which_new_vms_then_get() {
    let server = TestServer::pool_of_three(true).await;
    let browser = Browser::start().await;
    browser.login(&server.url("/"), "root", PASSWORD).await;
    open_app(&browser, "templates").await;
    row_where(&browser, "demo", |t| t.contains("1 vCPU, 512 MiB, 2 GiB")).await;
    browser
        .click(".template-table tr[data-template='demo'] button.edit-template")
        .await;
    let form = ".templates-app form.edit-template[data-template='demo']";
    // Prefilled with what the template gives now.
    let memory = browser
        .find(&format!("{form} input[name='edit-memory']"))
        .await;
    assert_eq!(memory.prop("value").await.unwrap().as_deref(), Some("512"));

    // A size the server refuses: its reason in the form, which stays open; nothing changed.
    browser
        .type_into(&format!("{form} input[name='edit-memory']"), "8")
        .await;
    browser
        .click(&format!("{form} button[type='submit']"))
        .await;
    browser
        .text_where(&format!("{form} .error"), |t| t.contains("64 MiB"))
        .await;
    let admin = server.admin().await;
    let demo = |list: serde_json::Value| {
        list.as_array()
            .and_then(|l| l.iter().find(|t| t["name"] == "demo").cloned())
            .expect("demo is listed")
    };
    assert_eq!(
        demo(admin.get("/api/v1/templates").await.1)["memory_mib"],
        512
    );

    browser
        .type_into(&format!("{form} input[name='edit-os']"), "Demo, edited")
        .await;
    browser
        .type_into(&format!("{form} input[name='edit-cores']"), "2")
        .await;
    browser
        .type_into(&format!("{form} input[name='edit-memory']"), "384")
        .await;
    browser
        .click(&format!("{form} button[type='submit']"))
        .await;
    let row = row_where(&browser, "demo", |t| t.contains("2 vCPU, 384 MiB, 2 GiB")).await;
    assert!(row.contains("Demo, edited"), "{row}");
    let saved = demo(admin.get("/api/v1/templates").await.1);
    assert_eq!(
        (
            saved["os"].as_str(),
            saved["cores"].as_u64(),
            saved["memory_mib"].as_u64()
        ),
        (Some("Demo, edited"), Some(2), Some(384))
    );

    let alice = server.login("alice").await;
    let (status, vm) = alice
        .send(
            Method::POST,
            "/api/v1/vms",
            Some(json!({"name": "after-edit", "template": "demo"})),
        )
        .await;
    assert_eq!(status, 201, "{vm}");
    assert_eq!(
        (
            vm["cores"].as_u64(),
            vm["memory_mib"].as_u64(),
            vm["os"].as_str()
        ),
        (Some(2), Some(384), Some("Demo, edited"))
    );
    browser.close().await;
}
