//! The desktop without a mouse: Tab reaches the launcher, whose menu opens on Enter with the
//! focus on its first app, moves with the arrow keys and closes on Escape; an icon's context
//! menu opens on Shift+F10; Alt+` gives the focus to the window it brings forward; the focus
//! is always visible.

use super::alt_backquote;
use testkit::{
    browser::Browser,
    eventually,
    server::{PASSWORD, TestServer},
};

const TAB: &str = "\u{E004}";
const ENTER: &str = "\u{E007}";
const ESCAPE: &str = "\u{E00C}";
const ARROW_DOWN: &str = "\u{E015}";
const ARROW_UP: &str = "\u{E013}";
const SHIFT_F10: &str = "\u{E008}\u{E03A}";

/// Sends `keys` to whatever has the focus.
async fn press(browser: &Browser, keys: &str) {
    let focused = browser.client.active_element().await.unwrap();
    focused.send_keys(keys).await.unwrap();
}

/// What has the focus: a CSS-ish description (`tag.class[data-app]`), and whether the focus
/// ring shows (a non-zero outline).
async fn focused(browser: &Browser) -> (String, bool) {
    let script = r#"
        const el = document.activeElement;
        const style = getComputedStyle(el);
        const name = el.tagName.toLowerCase() + (el.className ? '.' + el.className.split(' ')[0] : '')
            + (el.dataset.app ? '[' + el.dataset.app + ']' : '');
        return [name, style.outlineStyle !== 'none' && style.outlineWidth !== '0px'];
    "#;
    let value = browser.client.execute(script, vec![]).await.unwrap();
    (
        value[0].as_str().unwrap().to_owned(),
        value[1].as_bool().unwrap(),
    )
}

/// Waits until the focus is on `name` (as `focused` describes it) and is visible.
async fn focus_is_on(browser: &Browser, name: &str) {
    eventually(
        &format!("the focus on {name}"),
        testkit::browser::PATIENCE,
        || async {
            let (now, visible) = focused(browser).await;
            (now == name && visible).then_some(())
        },
    )
    .await;
}

#[tokio::test]
async fn the_desktop_works_from_the_keyboard() {
    let server = TestServer::with_frontend(&[crate::api::TEST_HOST]).await;
    let browser = Browser::start().await;
    browser.login(&server.url("/"), "root", PASSWORD).await;
    browser.find(".taskbar .clock").await;

    // Tab goes through the desktop's icons to the launcher.
    let mut reached = false;
    for _ in 0..20 {
        press(&browser, TAB).await;
        if focused(&browser).await.0 == "button.launcher-button" {
            reached = true;
            break;
        }
    }
    assert!(reached, "Tab reaches the launcher");
    focus_is_on(&browser, "button.launcher-button").await;

    press(&browser, ENTER).await;
    focus_is_on(&browser, "button[vm-manager]").await;
    press(&browser, ARROW_DOWN).await;
    focus_is_on(&browser, "button[vm-creator]").await;
    press(&browser, ARROW_UP).await;
    press(&browser, ARROW_UP).await;
    focus_is_on(&browser, "button[templates]").await;
    press(&browser, ESCAPE).await;
    focus_is_on(&browser, "button.launcher-button").await;
    assert!(
        browser
            .client
            .find(fantoccini::Locator::Css(".launcher-menu"))
            .await
            .is_err()
    );

    // Two windows, opened from the launcher by the keyboard.
    for app in ["vm-manager", "settings"] {
        press(&browser, ENTER).await;
        focus_is_on(&browser, "button[vm-manager]").await;
        while focused(&browser).await.0 != format!("button[{app}]") {
            press(&browser, ARROW_DOWN).await;
        }
        press(&browser, ENTER).await;
        browser
            .find(&format!("section.window[data-window='{app}']"))
            .await;
        browser.find(".launcher-button").await.click().await.ok();
        press(&browser, ESCAPE).await;
    }

    // Alt+` brings the rearmost window forward, with the focus in it.
    alt_backquote(&browser).await;
    focus_is_on(&browser, "section.window").await;
    let window = browser.client.active_element().await.unwrap();
    assert_eq!(
        window.attr("data-window").await.unwrap().as_deref(),
        Some("vm-manager")
    );

    // An icon's context menu from the keyboard.
    let icon = browser.find(".desktop-icon[data-app='settings']").await;
    browser
        .client
        .execute(
            "arguments[0].focus()",
            vec![serde_json::to_value(&icon).unwrap()],
        )
        .await
        .unwrap();
    press(&browser, SHIFT_F10).await;
    focus_is_on(&browser, "button.open").await;
    press(&browser, ARROW_DOWN).await;
    focus_is_on(&browser, "button.pin").await;
    press(&browser, ENTER).await;
    browser
        .find(".taskbar .favourite[data-app='settings']")
        .await;
    browser.close().await;
}
