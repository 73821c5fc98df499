//! Windows as a person sees them: opaque (the part of a front window over another is the same,
//! pixel for pixel, with and without the one behind), one per app and one console per VM
//! (opening again brings it to the front), the taskbar's highlighted button is the front
//! window's, and a drag across windows selects no text.

use fantoccini::Locator;
use reqwest::Method;
use serde_json::json;

use super::{drag_by, open_app};
use testkit::{
    browser::Browser,
    eventually,
    screenshots::{self, Region},
    server::{PASSWORD, TestServer},
};

/// How many elements `css` matches now.
async fn count(browser: &Browser, css: &str) -> usize {
    browser
        .client
        .find_all(Locator::Css(css))
        .await
        .unwrap()
        .len()
}

/// The front window's app, as its z-index says.
async fn front_window(browser: &Browser) -> String {
    let script = r#"
        const windows = [...document.querySelectorAll('section.window')]
            .filter(w => getComputedStyle(w).display !== 'none');
        windows.sort((a, b) => Number(b.style.zIndex) - Number(a.style.zIndex));
        return windows.length ? windows[0].dataset.window : null;
    "#;
    let front = browser.client.execute(script, vec![]).await.unwrap();
    front.as_str().unwrap_or_default().to_owned()
}

/// The taskbar button of the window titled `title`.
async fn task_button(browser: &Browser, title: &str) -> fantoccini::elements::Element {
    let xpath = format!(
        "//ul[contains(@class, 'task-list')]//button[contains(@class, 'task') and normalize-space()='{title}']"
    );
    browser
        .client
        .wait()
        .at_most(testkit::browser::PATIENCE)
        .for_element(Locator::XPath(&xpath))
        .await
        .unwrap_or_else(|e| panic!("no taskbar button `{title}`: {e}"))
}

#[tokio::test]
async fn a_front_window_hides_what_is_behind_it() {
    let server = TestServer::pool_of_three(true).await;
    let browser = Browser::start().await;
    browser.set_viewport(1366, 800).await;
    browser.login(&server.url("/"), "alice", PASSWORD).await;

    open_app(&browser, "cloud-visualizer").await;
    let visualizer = browser
        .find("section.window[data-window='cloud-visualizer']")
        .await;
    let title_bar = browser
        .find("section.window[data-window='cloud-visualizer'] .title-bar")
        .await;
    let (_, bar_top, _, bar_height) = title_bar.rectangle().await.unwrap();
    // The body, under the title bar, off the rounded corners.
    let body = Region::of(&visualizer, 4)
        .await
        .below((bar_top + bar_height).ceil() as u32);
    let alone = screenshots::settled(&browser, body).await;

    // VM Manager opens in front, overlapping; the taskbar brings the Visualizer back over it.
    open_app(&browser, "vm-manager").await;
    assert_eq!(front_window(&browser).await, "vm-manager");
    task_button(&browser, "Cloud Visualizer")
        .await
        .click()
        .await
        .unwrap();
    assert_eq!(front_window(&browser).await, "cloud-visualizer");
    let manager = browser
        .find("section.window[data-window='vm-manager']")
        .await;
    let overlap = Region::of(&manager, 0).await;
    assert!(
        overlap.x < body.x + body.w && overlap.y < body.y + body.h,
        "the VM Manager lies behind the Visualizer's body"
    );
    let over = screenshots::settled(&browser, body).await;
    let differing = screenshots::differing_pixels(&alone, &over, body);
    assert_eq!(
        differing, 0,
        "the Visualizer's body shows the VM Manager behind it ({differing} pixels changed)"
    );
}

/// Whether the taskbar draws the button of the window titled `front` highlighted, brighter
/// than every other, and marks only it active.
async fn highlighted(browser: &Browser, front: &str, others: &[&str]) {
    let shot = screenshots::take(browser).await;
    let shot = &shot;
    let luma = |button| async move {
        let button = task_button(browser, button).await;
        screenshots::mean_luma(shot, Region::of(&button, 2).await)
    };
    let lit = luma(front).await;
    for other in others {
        let dim = luma(other).await;
        assert!(
            lit > dim + 10.0,
            "the front window's taskbar button ({front}: {lit:.0}) stands out from {other}'s ({dim:.0})"
        );
    }
    let class = task_button(browser, front)
        .await
        .attr("class")
        .await
        .unwrap();
    assert!(class.unwrap_or_default().split(' ').any(|c| c == "active"));
    assert_eq!(count(browser, ".task-list button.task.active").await, 1);
}

#[tokio::test]
async fn the_taskbar_highlights_the_front_window() {
    let server = TestServer::pool_of_three(true).await;
    let browser = Browser::start().await;
    browser.login(&server.url("/"), "alice", PASSWORD).await;
    open_app(&browser, "vm-manager").await;
    open_app(&browser, "cloud-visualizer").await;
    highlighted(&browser, "Cloud Visualizer", &["VM Manager"]).await;
    browser
        .click("section.window[data-window='vm-manager'] .title")
        .await;
    highlighted(&browser, "VM Manager", &["Cloud Visualizer"]).await;
}

#[tokio::test]
async fn apps_open_once_and_consoles_once_per_vm() {
    let server = TestServer::pool_of_three(true).await;
    let api = server.login("alice").await;
    for name in ["c1", "c2"] {
        let body = json!({"name": name, "template": "demo"});
        let (status, vm) = api.send(Method::POST, "/api/v1/vms", Some(body)).await;
        assert_eq!(status, 201, "{vm}");
    }
    let browser = Browser::start().await;
    browser.login(&server.url("/"), "alice", PASSWORD).await;
    open_app(&browser, "vm-manager").await;
    open_app(&browser, "vm-creator").await;
    assert_eq!(front_window(&browser).await, "vm-creator");
    open_app(&browser, "vm-manager").await;
    assert_eq!(
        count(&browser, "section.window[data-window='vm-manager']").await,
        1
    );
    assert_eq!(
        front_window(&browser).await,
        "vm-manager",
        "brought to the front"
    );

    // One serial console per VM: again for c1 brings c1's back; c2 gets its own.
    for vm in ["c1", "c1", "c2"] {
        browser.click(&format!("tr[data-vm='{vm}'] td.name")).await;
        browser
            .click("section.window[data-window='vm-manager'] button.serial-console")
            .await;
        browser
            .click("section.window[data-window='vm-manager'] .title")
            .await;
    }
    eventually(
        "two serial consoles",
        testkit::browser::PATIENCE,
        || async {
            (count(&browser, "section.window[data-window='serial-console']").await == 2)
                .then_some(())
        },
    )
    .await;

    // After a reload, the restored VM Manager is the one the icon brings forward.
    eventually(
        "the desktop to be saved",
        testkit::browser::PATIENCE,
        || async {
            let (_, body) = api.get("/api/v1/me/desktop").await;
            (body["desktop"]["windows"].as_array()?.len() == 4).then_some(())
        },
    )
    .await;
    browser.client.refresh().await.unwrap();
    browser
        .find("section.window[data-window='vm-manager']")
        .await;
    open_app(&browser, "vm-manager").await;
    open_app(&browser, "vm-creator").await;
    assert_eq!(
        count(&browser, "section.window[data-window='vm-manager']").await,
        1
    );
    assert_eq!(
        count(&browser, "section.window[data-window='vm-creator']").await,
        1
    );
    assert_eq!(count(&browser, "section.window").await, 4);

    // A VM opened from the Visualizer shows in the one VM Manager, selected.
    open_app(&browser, "cloud-visualizer").await;
    browser.click(".vm-tile[data-vm='c2']").await;
    browser
        .text_where(".vm-details dd.name", |t| t == "c2")
        .await;
    assert_eq!(
        count(&browser, "section.window[data-window='vm-manager']").await,
        1
    );
    assert_eq!(front_window(&browser).await, "vm-manager");
}

#[tokio::test]
async fn a_drag_across_windows_selects_no_text() {
    let server = TestServer::pool_of_three(true).await;
    let browser = Browser::start().await;
    browser.login(&server.url("/"), "alice", PASSWORD).await;
    open_app(&browser, "cloud-visualizer").await;
    open_app(&browser, "vm-manager").await;
    // From the Visualizer's text, over the VM Manager in front of it, and on.
    let text = browser
        .find("section.window[data-window='cloud-visualizer'] .pool-free")
        .await;
    drag_by(&browser, &text, 200.0, 200.0).await;
    let selected = browser
        .client
        .execute("return String(window.getSelection())", vec![])
        .await
        .unwrap();
    assert_eq!(selected.as_str(), Some(""), "the drag selected text");
}
