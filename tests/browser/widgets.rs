//! VM widgets: a VM row dragged out of the VM Manager onto the desktop becomes a widget with
//! the VM's screen, state and quick buttons; it stays where it was put after a reload; removing
//! it leaves the VM alone; a deleted VM's widget says so.

use reqwest::Method;
use serde_json::json;

use super::{drag_by, drag_to, open_app};
use testkit::{
    browser::Browser,
    eventually,
    server::{Client, PASSWORD, TestServer},
};

/// Waits until the server's copy of the user's desktop satisfies `ok`.
async fn saved_desktop_where(api: &Client, ok: impl Fn(&serde_json::Value) -> bool) {
    eventually(
        "the desktop to be saved",
        testkit::browser::PATIENCE,
        || async {
            let (status, body) = api.get("/api/v1/me/desktop").await;
            (status == 200 && ok(&body["desktop"])).then_some(())
        },
    )
    .await;
}

#[tokio::test]
async fn a_vm_dragged_onto_the_desktop_becomes_a_widget_that_stays() {
    let server = TestServer::pool_of_three(true).await;
    let api = server.login("alice").await;
    for name in ["w1", "w2"] {
        let body = json!({"name": name, "template": "demo"});
        let (status, vm) = api.send(Method::POST, "/api/v1/vms", Some(body)).await;
        assert_eq!(status, 201, "{vm}");
    }
    let browser = Browser::start().await;
    browser.login(&server.url("/"), "alice", PASSWORD).await;
    open_app(&browser, "vm-manager").await;
    // Narrowed, so that the right of the screen is bare desktop.
    let corner = browser.find("section.window .resize.se").await;
    drag_by(&browser, &corner, -420.0, 0.0).await;

    // Dropped on a window it is nothing; dropped on the bare desktop it is a widget.
    let row = browser.find("tr[data-vm='w1'] td.name").await;
    drag_by(&browser, &row, 0.0, 60.0).await;
    let row = browser.find("tr[data-vm='w1'] td.name").await;
    drag_to(&browser, &row, 1000.0, 300.0).await;
    let state = browser
        .text_where(".vm-widget[data-name='w1'] .state", |t| !t.is_empty())
        .await;
    assert_eq!(state, "running");
    assert_eq!(
        browser
            .client
            .find_all(fantoccini::Locator::Css(".vm-widget"))
            .await
            .unwrap()
            .len(),
        1,
        "the drop on the window made no widget"
    );
    let widget = browser.find(".vm-widget[data-name='w1']").await;
    let (x, y, ..) = widget.rectangle().await.unwrap();
    let near = |a: f64, b: f64| (a - b).abs() <= 2.0;
    assert!(
        near(x, 984.0) && near(y, 284.0),
        "the widget's corner near the drop: {x},{y}"
    );
    browser
        .image_digest(".vm-widget[data-name='w1'] img.vm-screen")
        .await;

    // Moved by its title, it stays there after a reload.
    let title = browser
        .find(".vm-widget[data-name='w1'] .widget-title .name")
        .await;
    drag_by(&browser, &title, 40.0, -200.0).await;
    let moved = json!({"x": x as i64 + 40, "y": y as i64 - 200});
    saved_desktop_where(&api, |d| d["widgets"][0]["at"] == moved).await;
    browser.client.refresh().await.unwrap();
    let widget = browser.find(".vm-widget[data-name='w1']").await;
    browser
        .text_where(".vm-widget[data-name='w1'] .state", |t| t == "running")
        .await;
    let (x1, y1, ..) = widget.rectangle().await.unwrap();
    assert_eq!((x1, y1), (x + 40.0, y - 200.0), "where it was moved to");

    // Quick buttons act on the VM.
    browser
        .click(".vm-widget[data-name='w1'] button.shutdown")
        .await;
    browser
        .text_where(".vm-widget[data-name='w1'] .state", |t| t == "shut off")
        .await;
    browser
        .click(".vm-widget[data-name='w1'] button.start")
        .await;
    browser
        .text_where(".vm-widget[data-name='w1'] .state", |t| t == "running")
        .await;

    // The keyboard's way: "Add to desktop" in the VM Manager's details (its window came back
    // with the reload).
    browser
        .click("section.window tr[data-vm='w2'] td.name")
        .await;
    browser
        .text_where(".vm-details dd.name", |t| t == "w2")
        .await;
    browser.click(".vm-details button.add-widget").await;
    browser.find(".vm-widget[data-name='w2']").await;

    // Removing a widget leaves the VM; a deleted VM's widget says so.
    browser
        .click(".vm-widget[data-name='w1'] button.remove")
        .await;
    saved_desktop_where(&api, |d| {
        d["widgets"].as_array().is_some_and(|w| w.len() == 1)
    })
    .await;
    let (_, list) = api.get("/api/v1/vms").await;
    assert!(
        list["vms"]
            .as_array()
            .unwrap()
            .iter()
            .any(|vm| vm["name"] == "w1")
    );
    let uuid = list["vms"]
        .as_array()
        .unwrap()
        .iter()
        .find(|vm| vm["name"] == "w2")
        .unwrap()["uuid"]
        .as_str()
        .unwrap()
        .to_owned();
    let path = format!("/api/v1/vms/{uuid}?disks=true");
    let (status, body) = api.send(Method::DELETE, &path, Some(json!({}))).await;
    assert_eq!(status, 204, "{body}");
    let gone = browser
        .text_where(".vm-widget .gone", |t| !t.is_empty())
        .await;
    assert_eq!(gone, "This VM was deleted.");
    browser.click(".vm-widget button.remove").await;
    saved_desktop_where(&api, |d| d["widgets"].as_array().is_some_and(Vec::is_empty)).await;
    browser.close().await;
}
