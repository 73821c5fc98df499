//! VM Manager and VM Creator in the browser: create, live rows, actions, delete.

use reqwest::Method;
use serde_json::json;

use super::open_app;
use testkit::{
    browser::Browser,
    server::{PASSWORD, TestServer},
};

#[tokio::test]
async fn create_act_and_delete_with_live_rows() {
    let server = TestServer::pool_of_three(true).await;
    let browser = Browser::start().await;
    browser.login(&server.url("/"), "alice", PASSWORD).await;
    open_app(&browser, "vm-manager").await;
    browser.find("section.window .badge.live").await;

    // Made elsewhere (another tab, the API): the row shows up without Refresh.
    let api = server.login("alice").await;
    let (status, body) = api
        .send(
            Method::POST,
            "/api/v1/vms",
            Some(json!({"name": "from-api", "template": "demo"})),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    let state = browser
        .text_where("tr[data-vm='from-api'] td.state", |t| !t.is_empty())
        .await;
    assert_eq!(state, "running");

    // The VM Creator.
    browser.click("section.window button.create").await;
    browser
        .type_into(".creator-form input[name='vm-name']", "web1")
        .await;
    browser.click(".creator-form button[type='submit']").await;
    let done = browser
        .text_where(".creator-form .done", |t| !t.is_empty())
        .await;
    assert_eq!(done, "Created web1 @ one2");
    browser
        .text_where("tr[data-vm='web1'] td.host", |t| t == "one2")
        .await;

    // Bad input: a clear message, nothing made.
    browser
        .type_into(".creator-form input[name='vm-name']", "web1")
        .await;
    browser.click(".creator-form button[type='submit']").await;
    let error = browser
        .text_where(".creator-form .error", |t| !t.is_empty())
        .await;
    assert!(error.contains("exists already"), "{error}");

    // Actions on the selected row, with VM Manager brought to the front from the taskbar.
    browser.click(".task-list li:first-child button.task").await;
    browser.click("tr[data-vm='web1'] td.name").await;
    browser
        .text_where(".vm-actions .selection", |t| t == "web1")
        .await;
    browser.click(".vm-actions button.suspend").await;
    browser
        .text_where("tr[data-vm='web1'] td.state", |t| t == "paused")
        .await;
    browser.click(".vm-actions button.resume").await;
    browser
        .text_where("tr[data-vm='web1'] td.state", |t| t == "running")
        .await;

    // A snapshot, then Save as image (a task whose outcome shows in the window).
    browser
        .type_into(".snapshots input[name='snapshot-name']", "s1\u{E007}")
        .await;
    browser.find(".snapshot-list li[data-snapshot='s1']").await;
    browser.click(".vm-actions button.poweroff").await;
    browser
        .text_where("tr[data-vm='web1'] td.state", |t| t == "shut off")
        .await;
    browser.click(".vm-actions button.save-image").await;
    browser.client.send_alert_text("web1-img").await.unwrap();
    browser.client.accept_alert().await.unwrap();
    let outcome = browser
        .text_where("p.task[data-task-state='succeeded']", |t| !t.is_empty())
        .await;
    assert!(outcome.contains("saved as image web1-img"), "{outcome}");

    browser.click(".vm-actions button.delete").await;
    browser.client.accept_alert().await.unwrap();
    testkit::eventually(
        "web1 to leave the table",
        testkit::browser::PATIENCE,
        || async {
            let rows = browser
                .client
                .find_all(fantoccini::Locator::Css("tr[data-vm='web1']"))
                .await
                .ok()?;
            rows.is_empty().then_some(())
        },
    )
    .await;
    let (_, list) = api.get("/api/v1/vms").await;
    let names = testkit::vm_names(&list);
    assert_eq!(names, [json!("from-api")]);
    browser.close().await;
}

/// Alice's new VM `name` from `template`, as the API answers it.
async fn alice_vm(api: &testkit::server::Client, name: &str, template: &str) -> String {
    let (status, vm) = api
        .send(
            Method::POST,
            "/api/v1/vms",
            Some(json!({"name": name, "template": template})),
        )
        .await;
    assert_eq!(status, 201, "{vm}");
    vm["uuid"].as_str().expect("a uuid").to_owned()
}

#[tokio::test]
async fn the_details_change_which_device_boots_first() {
    let server = TestServer::pool_of_three(true).await;
    // A template that boots its kernel directly: its VMs keep their boot order.
    let kernel = json!({
        "name": "kernel", "os": "Direct kernel", "storage_pool": "images",
        "volume": "demo-base.img", "cores": 1, "memory_mib": 128, "disk_gib": 2,
        "kernel_boot": {"kernel": "/boot/vmlinuz", "initrd": "/boot/initrd.img", "cmdline": ""}
    });
    let (status, body) = server
        .admin()
        .await
        .send(Method::POST, "/api/v1/templates", Some(kernel))
        .await;
    assert_eq!(status, 201, "{body}");
    let api = server.login("alice").await;
    let installer = alice_vm(&api, "installer", "demo").await;
    alice_vm(&api, "direct", "kernel").await;

    let browser = Browser::start().await;
    browser.login(&server.url("/"), "alice", PASSWORD).await;
    open_app(&browser, "vm-manager").await;
    browser.click("tr[data-vm='installer'] td.name").await;
    browser
        .find(".vm-details .boot-from[data-first='disk']")
        .await;
    browser
        .click(".vm-details select[name='boot-first'] option[value='cdrom']")
        .await;
    browser
        .find(".vm-details .boot-from[data-first='cdrom']")
        .await;
    let boot = format!("/api/v1/vms/{installer}/boot");
    assert_eq!(api.get(&boot).await.1, json!({"first": "cdrom"}));

    // The kernel-booting VM refuses, saying why, and still shows the disk first.
    browser.click("tr[data-vm='direct'] td.name").await;
    browser
        .find(".vm-details .boot-from[data-first='disk']")
        .await;
    browser
        .click(".vm-details select[name='boot-first'] option[value='cdrom']")
        .await;
    browser
        .text_where(".vm-details .cd-drive .error", |t| {
            t.contains("boots its kernel directly")
        })
        .await;
    browser
        .find(".vm-details .boot-from[data-first='disk']")
        .await;
    browser.close().await;
}
