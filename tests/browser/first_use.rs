//! A first-time user: a short welcome on the desktop points to VM Creator and, once closed,
//! never shows again; every list and chart that can be empty says what to do.

use reqwest::Method;
use serde_json::json;

use super::open_app;
use testkit::{
    browser::{Browser, PATIENCE},
    eventually,
    server::{PASSWORD, TestServer},
};

async fn count(browser: &Browser, css: &str) -> usize {
    browser
        .client
        .find_all(fantoccini::Locator::Css(css))
        .await
        .unwrap()
        .len()
}

#[tokio::test]
async fn a_new_user_is_welcomed_once_and_empty_lists_say_what_to_do() {
    let server = TestServer::pool_of_three(true).await;
    let api = server.login("alice").await;
    let browser = Browser::start().await;
    browser.login(&server.url("/"), "alice", PASSWORD).await;

    let welcome = browser.text_where(".welcome", |t| !t.is_empty()).await;
    assert!(welcome.contains("Welcome to Ezilla"), "{welcome}");
    browser.click(".welcome button.open-creator").await;
    browser
        .find("section.window[data-window='vm-creator']")
        .await;
    // It sits on the desktop, under the windows it opens; closed, it stays closed.
    browser
        .click("section.window[data-window='vm-creator'] button.close")
        .await;
    browser.click(".welcome button.close").await;
    assert_eq!(count(&browser, ".welcome").await, 0);
    eventually("the welcome to be closed for good", PATIENCE, || async {
        let (_, body) = api.get("/api/v1/me/desktop").await;
        (body["desktop"]["welcome_closed"] == json!(true)).then_some(())
    })
    .await;

    // The empty VM table says how to make a VM, and its button brings VM Creator forward.
    open_app(&browser, "vm-manager").await;
    let empty = browser
        .text_where("section.window[data-window='vm-manager'] .empty", |t| {
            !t.is_empty()
        })
        .await;
    assert!(
        empty.starts_with("No VMs yet: create one with VM Creator."),
        "{empty}"
    );
    browser
        .click("section.window[data-window='vm-manager'] .empty button.open-creator")
        .await;
    assert_eq!(
        count(&browser, "section.window[data-window='vm-creator']").await,
        1
    );
    open_app(&browser, "cloud-visualizer").await;
    let empty_host = browser
        .text_where(".host-card[data-host='one1'] .empty", |t| !t.is_empty())
        .await;
    assert!(
        empty_host.starts_with("No VMs on this host yet"),
        "{empty_host}"
    );

    // Stays closed after a reload (once the open windows are saved, to come back with it).
    eventually("the windows to be saved", PATIENCE, || async {
        let (_, body) = api.get("/api/v1/me/desktop").await;
        (body["desktop"]["windows"].as_array()?.len() == 3).then_some(())
    })
    .await;
    browser.client.refresh().await.unwrap();
    browser
        .find("section.window[data-window='vm-manager'] .empty")
        .await;
    assert_eq!(count(&browser, ".welcome").await, 0);

    // A VM that has measured nothing yet: its charts say so.
    let body = json!({"name": "quiet", "template": "demo"});
    let (status, vm) = api.send(Method::POST, "/api/v1/vms", Some(body)).await;
    assert_eq!(status, 201, "{vm}");
    browser
        .click("section.window[data-window='vm-manager'] .title")
        .await;
    browser.click("tr[data-vm='quiet'] td.name").await;
    let note = browser
        .text_where("figure.graph[data-metric='CpuPercent'] .chart-empty", |t| {
            !t.is_empty()
        })
        .await;
    assert!(note.starts_with("Nothing measured yet"), "{note}");
}
