//! The serial console in a desktop window (real QEMU, real Chromium): opened from the VM
//! Manager, it shows the guest's shell, takes typed keys and pasted text as keystrokes.

use std::time::Duration;

use serde_json::json;

use super::lifecycle::boot_demo;
use crate::{
    browser::open_app,
    support::{browser::Browser, eventually, server::PASSWORD},
};

const TERMINAL: &str = "section.window[data-window='serial-console'] pre.terminal";

/// Waits until the terminal's text satisfies `ok`.
async fn terminal_where(browser: &Browser, what: &str, ok: impl Fn(&str) -> bool) {
    eventually(what, Duration::from_secs(30), || async {
        let text = browser.find(TERMINAL).await.text().await.ok()?;
        ok(&text).then_some(())
    })
    .await;
}

#[tokio::test]
async fn the_serial_console_window_talks_to_the_guest() {
    let demo = boot_demo("serial", |_| {}).await;
    let browser = Browser::start().await;
    browser
        .login(&demo.server.url("/"), "alice", PASSWORD)
        .await;
    open_app(&browser, "vm-manager").await;
    browser
        .click(&format!(
            "section.window tr[data-vm='{}'] td.name",
            demo.name
        ))
        .await;
    browser.click(".vm-actions button.serial-console").await;
    let terminal = browser.find(TERMINAL).await;
    terminal.click().await.unwrap();

    // Typed keys reach the guest's shell, and its answer shows.
    terminal
        .send_keys("echo typed-$((6*7))\u{E007}")
        .await
        .unwrap();
    terminal_where(&browser, "the guest's answer to typed keys", |t| {
        t.lines().any(|l| l.trim() == "typed-42")
    })
    .await;

    // Pasted text arrives as keystrokes.
    let paste = r#"
        const data = new DataTransfer();
        data.setData('text', arguments[1]);
        arguments[0].dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true }));
    "#;
    browser
        .client
        .execute(
            paste,
            vec![
                serde_json::to_value(&terminal).unwrap(),
                json!("echo pasted-$((5+5))\n"),
            ],
        )
        .await
        .unwrap();
    terminal_where(&browser, "the guest's answer to pasted text", |t| {
        t.lines().any(|l| l.trim() == "pasted-10")
    })
    .await;
    browser.close().await;
}
