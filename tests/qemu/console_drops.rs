//! Dropped connections (real QEMU, real Chromium): the desktop is reached through a relay that
//! the test cuts and holds shut for a while, as a proxy's restart or a network blip would.
//! Both console windows say the connection was lost, keep trying, and come back by
//! themselves once the way is open again; keys then reach the guest.

use std::time::Duration;

use serde_json::json;

use testkit::{
    browser::Browser,
    eventually,
    qemu::boot_demo,
    relay::Relay,
    server::{PASSWORD, console_window},
};

use super::console_window::{SerialLog, paste};

const CONSOLES: [&str; 2] = ["vnc-console", "serial-console"];

/// The `data-link` of each console window's status line.
async fn links(browser: &Browser) -> Vec<String> {
    let mut links = Vec::new();
    for app in CONSOLES {
        let css = format!("section.window[data-window='{app}'] .console-status");
        let status = browser.find(&css).await;
        links.push(status.attr("data-link").await.unwrap().unwrap_or_default());
    }
    links
}

async fn both(browser: &Browser, link: &str) {
    let what = format!("both consoles {link}");
    eventually(&what, Duration::from_secs(40), || async {
        links(browser).await.iter().all(|l| l == link).then_some(())
    })
    .await;
}

#[tokio::test]
async fn consoles_come_back_by_themselves_when_the_connection_drops() {
    let demo = boot_demo("drops", |_| {}).await;
    let uuid = demo.vm["uuid"].as_str().unwrap();
    demo.alice
        .save_windows(json!([
            console_window("vnc-console", uuid, 20),
            console_window("serial-console", uuid, 520)
        ]))
        .await;
    let relay = Relay::start(demo.server.addr).await;
    let browser = Browser::start().await;
    browser.login(&relay.url("/"), "alice", PASSWORD).await;
    both(&browser, "open").await;

    relay.cut_and_hold();
    both(&browser, "reconnecting").await;
    let status = browser
        .find("section.window[data-window='vnc-console'] .console-status")
        .await;
    assert_eq!(
        status.text().await.unwrap(),
        "Connection lost: reconnecting…"
    );
    let before = relay.accepted();
    relay.open();
    both(&browser, "open").await;
    assert!(relay.accepted() >= before + 2, "new connections were made");

    // The new connections carry keys: pasted into the VNC console, typed into the serial one.
    let serial = SerialLog::of(&demo);
    let screen = browser.find(".vnc-console .screen").await;
    paste(&browser, &screen, "echo vnc-back-$((3*3)) > /dev/ttyS0\n").await;
    serial.shows("vnc-back-9", 1).await;
    let terminal = browser
        .find("section.window[data-window='serial-console'] pre.terminal")
        .await;
    terminal.click().await.unwrap();
    terminal
        .send_keys("echo serial-back-$((4*4))\u{E007}")
        .await
        .unwrap();
    serial.shows("serial-back-16", 1).await;
    browser.close().await;
}
