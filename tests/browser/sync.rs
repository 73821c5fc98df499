//! The desktop is each user's own and is never silently lost: two tabs of one user editing at
//! once keep both changes; two users editing at once each keep their own desktop.

use fantoccini::{Locator, wd::WindowHandle};
use shared::Role;

use super::{drag_by, open_app, right_click};
use testkit::{
    browser::{Browser, PATIENCE},
    eventually,
    server::{Client, PASSWORD, TestServer},
};

/// Waits until the server's copy of the user's desktop satisfies `ok`.
async fn saved_where(api: &Client, what: &str, ok: impl Fn(&serde_json::Value) -> bool) {
    eventually(what, PATIENCE, || async {
        let (_, body) = api.get("/api/v1/me/desktop").await;
        ok(&body["desktop"]).then_some(())
    })
    .await;
}

fn pinned(desktop: &serde_json::Value, app: &str) -> bool {
    desktop["favourites"]
        .as_array()
        .is_some_and(|f| f.iter().any(|a| a == app))
}

async fn pin_from_icon(browser: &Browser, app: &str) {
    let icon = browser
        .find(&format!(".desktop-icon[data-app='{app}']"))
        .await;
    right_click(browser, &icon).await;
    browser.click(".icon-menu button.pin").await;
}

#[tokio::test]
async fn two_tabs_editing_at_once_lose_no_change() {
    let server = TestServer::with_frontend(&[crate::api::TEST_HOST]).await;
    server.add_user("carol", Role::User);
    let api = server.login("carol").await;
    let browser = Browser::start().await;
    browser.login(&server.url("/"), "carol", PASSWORD).await;
    browser.find(".taskbar .clock").await;
    let first: WindowHandle = browser.client.window().await.unwrap();
    let second = browser.client.new_window(true).await.unwrap().handle;
    browser
        .client
        .switch_to_window(second.clone())
        .await
        .unwrap();
    browser.client.goto(&server.url("/")).await.unwrap();
    browser.find(".taskbar .clock").await;

    // Both tabs have the same version. The first pins Settings...
    browser
        .client
        .switch_to_window(first.clone())
        .await
        .unwrap();
    pin_from_icon(&browser, "settings").await;
    saved_where(&api, "the first tab's pin", |d| pinned(d, "settings")).await;

    // ...the second, still on the old version, changes the wallpaper and pins VM Creator.
    browser
        .client
        .switch_to_window(second.clone())
        .await
        .unwrap();
    pin_from_icon(&browser, "vm-creator").await;
    open_app(&browser, "settings").await;
    browser
        .click(".wallpapers button[data-wallpaper='dawn.svg']")
        .await;
    saved_where(&api, "both tabs' changes", |d| {
        pinned(d, "settings") && pinned(d, "vm-creator") && d["wallpaper"] == "dawn.svg"
    })
    .await;
    // The second tab shows the first tab's pin too, after its save merged them.
    browser
        .find(".taskbar .favourite[data-app='settings']")
        .await;

    // The first tab, reloaded, has everything.
    browser.client.switch_to_window(first).await.unwrap();
    browser.client.refresh().await.unwrap();
    browser.find(".desktop[data-wallpaper='dawn.svg']").await;
    browser
        .find(".taskbar .favourite[data-app='settings']")
        .await;
    browser
        .find(".taskbar .favourite[data-app='vm-creator']")
        .await;
    browser.close().await;
}

#[tokio::test]
async fn two_users_desktops_are_independent() {
    let server = TestServer::with_frontend(&[crate::api::TEST_HOST]).await;
    server.add_user("alice", Role::User);
    server.add_user("bob", Role::User);
    let (alice, bob) = (Browser::start().await, Browser::start().await);
    alice.login(&server.url("/"), "alice", PASSWORD).await;
    bob.login(&server.url("/"), "bob", PASSWORD).await;
    let (alice_api, bob_api) = (server.login("alice").await, server.login("bob").await);

    // At the same time: alice moves an icon and pins an app; bob picks a wallpaper.
    let icon = alice.find(".desktop-icon[data-app='settings']").await;
    drag_by(&alice, &icon, 324.0, 0.0).await;
    pin_from_icon(&alice, "vm-manager").await;
    open_app(&bob, "settings").await;
    bob.click(".wallpapers button[data-wallpaper='forest.svg']")
        .await;
    saved_where(&alice_api, "alice's desktop", |d| {
        pinned(d, "vm-manager") && d["icons"][0]["app"] == "settings"
    })
    .await;
    saved_where(&bob_api, "bob's desktop", |d| {
        d["wallpaper"] == "forest.svg"
    })
    .await;

    // Neither sees the other's changes, after a reload too.
    alice.client.refresh().await.unwrap();
    bob.client.refresh().await.unwrap();
    alice.find(".desktop[data-wallpaper='default.svg']").await;
    alice
        .find(".taskbar .favourite[data-app='vm-manager']")
        .await;
    bob.find(".desktop[data-wallpaper='forest.svg']").await;
    assert!(
        bob.client
            .find(Locator::Css(".taskbar .favourite"))
            .await
            .is_err(),
        "bob has nothing pinned"
    );
    let (_, bob_saved) = bob_api.get("/api/v1/me/desktop").await;
    assert!(bob_saved["desktop"]["icons"].as_array().unwrap().is_empty());
    let moved = alice.find(".desktop-icon[data-app='settings']").await;
    let unmoved = bob.find(".desktop-icon[data-app='settings']").await;
    let (ax, ..) = moved.rectangle().await.unwrap();
    let (bx, ..) = unmoved.rectangle().await.unwrap();
    assert!(
        ax > bx + 200.0,
        "alice's icon moved, bob's did not: {ax} vs {bx}"
    );
    alice.close().await;
    bob.close().await;
}
