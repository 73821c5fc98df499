//! Where things go: a widget dropped near the bottom and every window stay inside the visible
//! desktop, above the taskbar, also after the browser window shrinks; the VM Manager opens
//! large enough for its table's columns, and its table scrolls sideways when made narrower.

use reqwest::Method;
use serde_json::json;

use super::{drag_by, drag_to, open_app};
use testkit::{
    browser::{Browser, PATIENCE},
    eventually,
    server::{PASSWORD, TestServer},
};

/// The part of the viewport the desktop has: (width, height above the taskbar).
async fn desktop_area(browser: &Browser) -> (f64, f64) {
    let (_, taskbar_top, _, _) = browser.find(".taskbar").await.rectangle().await.unwrap();
    let width = browser
        .client
        .execute("return window.innerWidth", vec![])
        .await
        .unwrap();
    (width.as_f64().unwrap(), taskbar_top)
}

/// Waits until every element `css` lies inside the desktop area.
async fn all_inside(browser: &Browser, css: &str) {
    eventually(
        &format!("every `{css}` inside the desktop"),
        PATIENCE,
        || async {
            let (width, height) = desktop_area(browser).await;
            let elements = browser
                .client
                .find_all(fantoccini::Locator::Css(css))
                .await
                .ok()?;
            for el in elements {
                let (x, y, w, h) = el.rectangle().await.ok()?;
                if x < -0.5 || y < -0.5 || x + w > width + 0.5 || y + h > height + 0.5 {
                    return None;
                }
            }
            Some(())
        },
    )
    .await;
}

#[tokio::test]
async fn widgets_and_windows_stay_above_the_taskbar_as_the_browser_shrinks() {
    let server = TestServer::pool_of_three(true).await;
    let api = server.login("alice").await;
    let body = json!({"name": "low", "template": "demo"});
    let (status, vm) = api.send(Method::POST, "/api/v1/vms", Some(body)).await;
    assert_eq!(status, 201, "{vm}");
    let browser = Browser::start().await;
    browser.set_viewport(1366, 800).await;
    browser.login(&server.url("/"), "alice", PASSWORD).await;
    open_app(&browser, "vm-manager").await;
    // Made smaller, so the spot near the bottom right is bare desktop.
    let manager = "section.window[data-window='vm-manager']";
    drag_by(
        &browser,
        &browser.find(&format!("{manager} .resize.se")).await,
        -300.0,
        -100.0,
    )
    .await;
    let row = browser.find("tr[data-vm='low'] td.name").await;
    drag_to(&browser, &row, 1100.0, 650.0).await;
    browser
        .find(".vm-widget[data-name='low'] .widget-buttons button")
        .await;
    all_inside(&browser, ".vm-widget").await;

    browser.set_viewport(900, 560).await;
    all_inside(&browser, ".vm-widget").await;
    all_inside(&browser, "section.window").await;
    // A window dragged down onto the taskbar stops above it.
    drag_by(
        &browser,
        &browser.find(&format!("{manager} .title")).await,
        0.0,
        400.0,
    )
    .await;
    all_inside(&browser, "section.window").await;
}

#[tokio::test]
async fn the_vm_table_shows_every_column_or_scrolls_to_it() {
    let server = TestServer::pool_of_three(true).await;
    let api = server.login("alice").await;
    let body = json!({"name": "a-vm-with-a-rather-long-name", "template": "demo"});
    let (status, vm) = api.send(Method::POST, "/api/v1/vms", Some(body)).await;
    assert_eq!(status, 201, "{vm}");
    let browser = Browser::start().await;
    // The admin's table has the most columns (Owner).
    browser.login(&server.url("/"), "root", PASSWORD).await;
    for (width, height) in [(1920, 1080), (1366, 800)] {
        browser.set_viewport(width, height).await;
        open_app(&browser, "vm-manager").await;
        browser
            .find("tr[data-vm='a-vm-with-a-rather-long-name']")
            .await;
        let body = browser
            .find("section.window[data-window='vm-manager'] .window-body")
            .await;
        let (bx, _, bw, _) = body.rectangle().await.unwrap();
        let headers = browser
            .client
            .find_all(fantoccini::Locator::Css(".vm-table th"))
            .await
            .unwrap();
        assert_eq!(headers.len(), 11);
        for th in &headers {
            let (x, _, w, _) = th.rectangle().await.unwrap();
            assert!(
                x >= bx && x + w <= bx + bw + 0.5,
                "column `{}` is cut at the default size in {width}x{height}",
                th.text().await.unwrap()
            );
        }
        if width == 1920 {
            browser
                .click("section.window[data-window='vm-manager'] button.close")
                .await;
        }
    }

    // Made narrow, the table scrolls sideways within the window to its last columns.
    let manager = "section.window[data-window='vm-manager']";
    drag_by(
        &browser,
        &browser.find(&format!("{manager} .resize.e")).await,
        -600.0,
        0.0,
    )
    .await;
    let script = r#"
        const table = document.querySelector('.vm-table');
        const scroller = table.parentElement;
        scroller.scrollLeft = scroller.scrollWidth;
        const os = [...table.querySelectorAll('th')].find(th => th.textContent === 'OS');
        const seen = scroller.getBoundingClientRect();
        const body = scroller.closest('.window-body').getBoundingClientRect();
        const r = os.getBoundingClientRect();
        return scroller.scrollWidth > scroller.clientWidth
            && getComputedStyle(scroller).overflowX === 'auto'
            && r.left >= seen.left && r.right <= seen.right + 0.5 && seen.right <= body.right + 0.5;
    "#;
    let scrolls = browser.client.execute(script, vec![]).await.unwrap();
    assert_eq!(
        scrolls,
        json!(true),
        "the narrow table scrolls to its OS column"
    );
}
