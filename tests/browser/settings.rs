//! Settings: the wallpaper follows the user (after logout, in another browser profile) and
//! is theirs alone, an uploaded image too; the language switches the desktop at once.

use image::{Rgb, RgbImage};
use shared::Role;

use super::open_app;
use testkit::{
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
    browser.logout().await;
    browser.login(&server.url("/"), "alice", PASSWORD).await;
    browser.find(".desktop[data-wallpaper='forest.svg']").await;
    let elsewhere = Browser::start().await;
    elsewhere.login(&server.url("/"), "alice", PASSWORD).await;
    elsewhere
        .find(".desktop[data-wallpaper='forest.svg']")
        .await;
    elsewhere.logout().await;
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

/// The size of the image at the desktop's background URL, as the browser loads it.
async fn wallpaper_size(browser: &Browser) -> Option<(u64, u64)> {
    let script = r#"
        const done = arguments[arguments.length - 1];
        const css = getComputedStyle(document.querySelector('.desktop')).backgroundImage;
        const url = /url\("(.*)"\)/.exec(css);
        if (!url) { done(null); return; }
        const img = new Image();
        img.onload = () => done([img.naturalWidth, img.naturalHeight]);
        img.onerror = () => done(null);
        img.src = url[1];
    "#;
    let size = browser.client.execute_async(script, vec![]).await.ok()?;
    Some((size[0].as_u64()?, size[1].as_u64()?))
}

/// Waits until the desktop's background is the 64 × 48 image the test uploads.
async fn shows_the_upload(browser: &Browser) {
    eventually(
        "the desktop to show the uploaded image",
        PATIENCE,
        || async { (wallpaper_size(browser).await == Some((64, 48))).then_some(()) },
    )
    .await;
}

#[tokio::test]
async fn an_uploaded_image_becomes_the_wallpaper_and_survives_a_reload() {
    let server = TestServer::with_frontend(&[crate::api::TEST_HOST]).await;
    server.add_user("alice", Role::User);
    let files = tempfile::tempdir().unwrap();
    let photo = files.path().join("holiday.png");
    RgbImage::from_pixel(64, 48, Rgb([200, 40, 40]))
        .save(&photo)
        .unwrap();
    let notes = files.path().join("notes.png");
    std::fs::write(&notes, "not an image, whatever its name says").unwrap();

    let browser = Browser::start().await;
    browser.login(&server.url("/"), "alice", PASSWORD).await;
    browser.find(".desktop[data-wallpaper='default.svg']").await;
    open_app(&browser, "settings").await;
    let input = "input[type='file'][name='wallpaper-upload']";
    browser
        .find(input)
        .await
        .send_keys(photo.to_str().unwrap())
        .await
        .unwrap();
    let desktop = browser.find(".desktop[data-wallpaper^='upload:']").await;
    let chosen = desktop.attr("data-wallpaper").await.unwrap().unwrap();
    browser.find(".wallpapers button.uploaded.chosen").await;
    shows_the_upload(&browser).await;
    let alice_api = server.login("alice").await;
    eventually(
        "the upload to be saved as the wallpaper",
        PATIENCE,
        || async {
            let (_, saved) = alice_api.get("/api/v1/me/desktop").await;
            (saved["desktop"]["wallpaper"] == chosen.as_str()).then_some(())
        },
    )
    .await;

    // A file that is no image is refused with a clear message; the wallpaper stays.
    browser
        .find(input)
        .await
        .send_keys(notes.to_str().unwrap())
        .await
        .unwrap();
    browser
        .text_where(".wallpaper-error", |t| {
            t == "Only PNG, JPEG, GIF and WebP images can be used."
        })
        .await;

    browser.client.refresh().await.unwrap();
    browser
        .find(&format!(".desktop[data-wallpaper='{chosen}']"))
        .await;
    shows_the_upload(&browser).await;
    browser.close().await;
}
