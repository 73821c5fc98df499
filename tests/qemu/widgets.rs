//! A VM widget on the desktop follows a real VM's screen: typing into the guest's console
//! changes the widget's thumbnail (real QEMU, real Chromium).

use std::{process::Command, time::Duration};

use testkit::{
    browser::Browser,
    eventually,
    qemu::{LOCAL_QEMU, boot_demo},
    server::PASSWORD,
};

use crate::browser::open_app;

const THUMBNAIL: &str = ".vm-widget img.vm-screen";

#[tokio::test]
async fn a_widgets_thumbnail_changes_with_the_vms_screen() {
    // Bound whole: the VM is removed when `demo` drops, at the end of the test.
    let demo = boot_demo("widget", |_| {}).await;
    let (server, name) = (&demo.server, &demo.name);

    let browser = Browser::start().await;
    browser.login(&server.url("/"), "alice", PASSWORD).await;
    open_app(&browser, "vm-manager").await;
    browser
        .click(&format!("section.window tr[data-vm='{name}'] td.name"))
        .await;
    browser.click(".vm-details button.add-widget").await;
    browser.click("section.window button.close").await;
    let before = browser.image_digest(THUMBNAIL).await;

    // The guest sits at its prompt: fetched again twice, the thumbnail is the same.
    for _ in 0..2 {
        let shown = thumbnail_src(&browser).await;
        eventually(
            "the thumbnail to be fetched again",
            Duration::from_secs(20),
            || async { (thumbnail_src(&browser).await != shown).then_some(()) },
        )
        .await;
    }
    assert_eq!(
        browser.image_digest(THUMBNAIL).await,
        before,
        "a still screen"
    );

    // Typed on the guest's VGA console, as a keyboard would.
    let keys = [
        "KEY_E",
        "KEY_C",
        "KEY_H",
        "KEY_O",
        "KEY_SPACE",
        "KEY_W",
        "KEY_I",
        "KEY_D",
    ];
    let typed = Command::new("virsh")
        .args(["-c", LOCAL_QEMU, "send-key", name])
        .args(keys)
        .status()
        .expect("virsh");
    assert!(typed.success());
    eventually(
        "the thumbnail to show the typed text",
        Duration::from_secs(30),
        || async { (browser.image_digest(THUMBNAIL).await != before).then_some(()) },
    )
    .await;
    browser.close().await;
}

async fn thumbnail_src(browser: &Browser) -> String {
    let img = browser.find(THUMBNAIL).await;
    img.attr("src").await.unwrap().unwrap_or_default()
}
