//! The window manager: resize from edges and corners, maximise and restore (also by
//! double-clicking the title bar), minimise to the taskbar and back, Alt+` to cycle windows.

use fantoccini::elements::Element;

use super::{alt_backquote, double_click, drag_by, open_app};
use testkit::{
    browser::Browser,
    server::{PASSWORD, TestServer},
};

/// (x, y, width, height), rounded to whole pixels.
async fn rect(el: &Element) -> (i64, i64, i64, i64) {
    let (x, y, w, h) = el.rectangle().await.unwrap();
    (
        x.round() as i64,
        y.round() as i64,
        w.round() as i64,
        h.round() as i64,
    )
}

async fn z_index(el: &Element) -> i64 {
    el.css_value("z-index").await.unwrap().parse().unwrap()
}

#[tokio::test]
async fn resize_maximise_minimise_and_cycle_windows() {
    let server = TestServer::with_frontend(&[crate::api::TEST_HOST]).await;
    let browser = Browser::start().await;
    browser.login(&server.url("/"), "root", PASSWORD).await;
    // Settings opens at a size that leaves room to grow on a 1280-pixel-wide screen.
    open_app(&browser, "settings").await;
    let settings = browser.find("section.window[data-window='settings']").await;
    let (x, y, w, h) = rect(&settings).await;

    drag_by(
        &browser,
        &browser.find("section.window .resize.se").await,
        100.0,
        50.0,
    )
    .await;
    assert_eq!(
        rect(&settings).await,
        (x, y, w + 100, h + 50),
        "the corner follows the mouse"
    );
    drag_by(
        &browser,
        &browser.find("section.window .resize.w").await,
        40.0,
        0.0,
    )
    .await;
    assert_eq!(
        rect(&settings).await,
        (x + 40, y, w + 60, h + 50),
        "the left edge moves alone"
    );
    let before = rect(&settings).await;

    double_click(&browser, &browser.find("section.window .title").await).await;
    let desktop = rect(&browser.find(".desktop").await).await;
    assert_eq!(
        rect(&settings).await,
        desktop,
        "maximised fills the desktop"
    );
    double_click(&browser, &browser.find("section.window .title").await).await;
    assert_eq!(rect(&settings).await, before, "restored where it was");

    browser.click("section.window button.minimize").await;
    assert!(
        !settings.is_displayed().await.unwrap(),
        "minimised to the taskbar"
    );
    browser.click(".task-list button.task").await;
    assert!(
        settings.is_displayed().await.unwrap(),
        "back from the taskbar"
    );

    browser.click(".launcher-button").await;
    browser
        .click(".launcher-menu button[data-app='user-admin']")
        .await;
    let admin = browser
        .find("section.window[data-window='user-admin']")
        .await;
    assert!(
        z_index(&admin).await > z_index(&settings).await,
        "the new window is in front"
    );
    alt_backquote(&browser).await;
    assert!(
        z_index(&settings).await > z_index(&admin).await,
        "Alt+` brought the other forward"
    );
    browser.close().await;
}

#[tokio::test]
async fn open_windows_come_back_after_a_reload() {
    let server = TestServer::with_frontend(&[crate::api::TEST_HOST]).await;
    let browser = Browser::start().await;
    browser.login(&server.url("/"), "root", PASSWORD).await;
    open_app(&browser, "vm-manager").await;
    let title = browser.find("section.window .title").await;
    drag_by(&browser, &title, 150.0, 80.0).await;
    let placed = rect(&browser.find("section.window").await).await;

    // Saved on the server (seen from another session of the same user)...
    let other_session = server.admin().await;
    testkit::eventually(
        "the window's place to be saved",
        testkit::browser::PATIENCE,
        || async {
            let (_, saved) = other_session.get("/api/v1/me/desktop").await;
            let x = saved["desktop"]["windows"][0]["at"]["x"].as_i64()?;
            (x == placed.0).then_some(())
        },
    )
    .await;

    // ...so a reload brings it back where it was.
    browser.client.refresh().await.unwrap();
    let restored = browser
        .find("section.window[data-window='vm-manager']")
        .await;
    assert_eq!(rect(&restored).await, placed);
    browser.find("tr[data-vm='test']").await;
    browser.close().await;
}
