//! Settings: the wallpaper follows the user (after logout, in another browser profile) and
//! is theirs alone; the language switches the desktop at once.

use shared::Role;

use super::open_app;
use crate::support::{
    browser::{Browser, PATIENCE},
    eventually,
    server::{PASSWORD, TestServer},
};

#[tokio::test]
async fn the_wallpaper_follows_the_user_and_the_language_switches() {
    let server = TestServer::with_frontend(&[crate::api::TEST_HOST]).await;
    server.add_user("alice", Role::User);
    server.add_user("bob", Role::User);
    let browser = Browser::start().await;
    browser.login(&server.url("/"), "alice", PASSWORD).await;
    browser.find(".desktop[data-wallpaper='default.svg']").await;
    open_app(&browser, "settings").await;
    browser
        .click(".wallpapers button[data-wallpaper='forest.svg']")
        .await;
    browser.find(".desktop[data-wallpaper='forest.svg']").await;
    let alice_api = server.login("alice").await;
    eventually("the wallpaper to be saved", PATIENCE, || async {
        let (_, saved) = alice_api.get("/api/v1/me/desktop").await;
        (saved["desktop"]["wallpaper"] == "forest.svg").then_some(())
    })
    .await;

    // After logout and login, and in another browser profile, it is still hers.
    browser.click(".taskbar button.logout").await;
    browser.login(&server.url("/"), "alice", PASSWORD).await;
    browser.find(".desktop[data-wallpaper='forest.svg']").await;
    let elsewhere = Browser::start().await;
    elsewhere.login(&server.url("/"), "alice", PASSWORD).await;
    elsewhere
        .find(".desktop[data-wallpaper='forest.svg']")
        .await;
    elsewhere.click(".taskbar button.logout").await;
    elsewhere.login(&server.url("/"), "bob", PASSWORD).await;
    elsewhere.text_where(".taskbar .user", |t| t == "bob").await;
    elsewhere
        .find(".desktop[data-wallpaper='default.svg']")
        .await;
    elsewhere.close().await;

    // The language, from Settings: the shell follows at once.
    open_app(&browser, "settings").await;
    browser
        .find("select[name='settings-language']")
        .await
        .select_by_value("zh-TW")
        .await
        .unwrap();
    browser
        .text_where(".taskbar button.logout", |t| t == "結束工作階段")
        .await;
    browser
        .text_where(".desktop-icon[data-app='settings'] span", |t| t == "設定")
        .await;
    browser.close().await;
}
