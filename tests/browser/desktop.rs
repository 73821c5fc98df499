//! The desktop shell: open VM Manager from its icon, see libvirt's VMs, move and close the
//! window, a clear message when the server goes away, and icons that are moved, pinned to the
//! taskbar or removed, and stay so.

use fantoccini::Locator;

use super::{double_click, drag_by, right_click};
use testkit::{
    browser::Browser,
    server::{PASSWORD, TestServer},
};

use crate::api::TEST_HOST;

#[tokio::test]
async fn vm_manager_lists_libvirts_vms() {
    let server = TestServer::with_frontend(&[TEST_HOST]).await;
    let browser = Browser::start().await;
    browser.login(&server.url("/"), "root", PASSWORD).await;

    browser.find(".taskbar .clock").await;
    let icon = browser.find(".desktop-icon[data-app='vm-manager']").await;
    double_click(&browser, &icon).await;

    let state = browser
        .text_where("section.window tr[data-vm='test'] td.state", |t| {
            !t.is_empty()
        })
        .await;
    assert_eq!(state, "running");
    let host = browser
        .text_where("tr[data-vm='test'] td.host", |t| !t.is_empty())
        .await;
    assert_eq!(host, "one1");
    browser
        .text_where(".taskbar .badge", |t| t.contains("test driver"))
        .await;
    browser.close().await;
}

#[tokio::test]
async fn windows_move_by_the_title_bar_and_close() {
    let server = TestServer::with_frontend(&[TEST_HOST]).await;
    let browser = Browser::start().await;
    browser.login(&server.url("/"), "root", PASSWORD).await;
    // Settings opens at a size that leaves room to move it on a 1280-pixel-wide screen.
    let icon = browser.find(".desktop-icon[data-app='settings']").await;
    double_click(&browser, &icon).await;

    let window = browser.find("section.window").await;
    let (x0, y0, ..) = window.rectangle().await.unwrap();
    let title = browser.find("section.window .title").await;
    drag_by(&browser, &title, 150.0, 40.0).await;
    let (x1, y1, ..) = window.rectangle().await.unwrap();
    assert_eq!((x1 - x0).round(), 150.0, "moved right with the mouse");
    assert_eq!((y1 - y0).round(), 40.0, "moved down with the mouse");

    browser.click("section.window button.close").await;
    browser
        .client
        .wait()
        .for_element(Locator::Css(".task-list:empty"))
        .await
        .expect("closing the window removes its taskbar button");
    assert!(
        browser
            .client
            .find(Locator::Css("section.window"))
            .await
            .is_err()
    );
    browser.close().await;
}

#[tokio::test]
async fn a_stopped_server_gets_a_clear_message_not_a_blank_page() {
    let mut server = TestServer::with_frontend(&[TEST_HOST]).await;
    let browser = Browser::start().await;
    browser.login(&server.url("/"), "root", PASSWORD).await;
    let icon = browser.find(".desktop-icon[data-app='vm-manager']").await;
    double_click(&browser, &icon).await;
    browser.find("tr[data-vm='test']").await;

    server.stop().await;
    browser.click("button.refresh").await;
    let message = browser
        .text_where("section.window .error", |t| !t.is_empty())
        .await;
    assert!(
        message.contains("Cannot reach the Ezilla server"),
        "{message}"
    );
    browser.close().await;
}

#[tokio::test]
async fn a_dragged_icon_stays_where_it_was_dropped() {
    let server = TestServer::with_frontend(&[TEST_HOST]).await;
    let browser = Browser::start().await;
    browser.login(&server.url("/"), "root", PASSWORD).await;
    let css = ".desktop-icon[data-app='vm-manager']";
    let icon = browser.find(css).await;
    let (x0, y0, ..) = icon.rectangle().await.unwrap();
    drag_by(&browser, &icon, 300.0, 150.0).await;
    let (x1, y1, ..) = icon.rectangle().await.unwrap();
    // Dropped on the grid (cells of 108 px): three cells right, one down.
    assert_eq!(((x1 - x0).round(), (y1 - y0).round()), (324.0, 108.0));

    let api = server.admin().await;
    testkit::eventually(
        "the icon's place to be saved",
        testkit::browser::PATIENCE,
        || async {
            let (_, saved) = api.get("/api/v1/me/desktop").await;
            (saved["desktop"]["icons"][0]["app"] == "vm-manager").then_some(())
        },
    )
    .await;
    browser.client.refresh().await.unwrap();
    let icon = browser.find(css).await;
    browser.find(".taskbar .clock").await;
    let (x2, y2, ..) = icon.rectangle().await.unwrap();
    assert_eq!(
        (x2.round(), y2.round()),
        (x1.round(), y1.round()),
        "where it was dropped"
    );
    double_click(&browser, &icon).await;
    browser
        .find("section.window[data-window='vm-manager']")
        .await;
    browser.close().await;
}

#[tokio::test]
async fn icons_pin_to_the_taskbar_and_leave_the_desktop_from_their_menu() {
    let server = TestServer::with_frontend(&[TEST_HOST]).await;
    let browser = Browser::start().await;
    browser.login(&server.url("/"), "root", PASSWORD).await;
    right_click(
        &browser,
        &browser.find(".desktop-icon[data-app='vm-manager']").await,
    )
    .await;
    browser.click(".icon-menu button.pin").await;
    browser
        .find(".taskbar .favourite[data-app='vm-manager']")
        .await;
    right_click(
        &browser,
        &browser.find(".desktop-icon[data-app='settings']").await,
    )
    .await;
    browser.click(".icon-menu button.remove").await;

    let api = server.admin().await;
    testkit::eventually(
        "the desktop to be saved",
        testkit::browser::PATIENCE,
        || async {
            let (_, saved) = api.get("/api/v1/me/desktop").await;
            let d = &saved["desktop"];
            (d["favourites"] == serde_json::json!(["vm-manager"])
                && d["hidden_icons"] == serde_json::json!(["settings"]))
            .then_some(())
        },
    )
    .await;
    browser.client.refresh().await.unwrap();
    browser
        .click(".taskbar .favourite[data-app='vm-manager']")
        .await;
    browser
        .find("section.window[data-window='vm-manager']")
        .await;
    assert!(
        browser
            .client
            .find(Locator::Css(".desktop-icon[data-app='settings']"))
            .await
            .is_err(),
        "removed from the desktop"
    );
    browser.click(".launcher-button").await;
    browser
        .find(".launcher-menu button[data-app='settings']")
        .await;
    browser.close().await;
}
