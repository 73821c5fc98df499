//! A Debian VM on a `qemu+ssh` host, used from the desktop in Chromium: its SSH window logs
//! in without asking and runs what is typed, and resizing the window changes the shell's
//! `stty size`; its website window shows the page the guest serves (written by the test),
//! through the host's SSH, on the VM's own origin.

use std::time::Duration;

use reqwest::Method;
use shared::Role;

use testkit::{
    browser::Browser,
    eventually,
    qemu::Cleanup,
    server::{PASSWORD, TestServer},
};

use super::debian::{create_and_ssh, debian_template, generated_key};
use crate::browser::{drag_by, open_app};

const TERMINAL: &str = "section.window[data-window='ssh-terminal'] pre.terminal";
const FRAME: &str = "section.window[data-window='website'] iframe.site";

/// The terminal's text, once it satisfies `ok`.
async fn terminal_where(browser: &Browser, what: &str, ok: impl Fn(&str) -> bool) -> String {
    eventually(what, Duration::from_secs(60), || async {
        let text = browser.find(TERMINAL).await.text().await.ok()?;
        ok(&text).then_some(text)
    })
    .await
}

/// The size the terminal says it has (`data-size`, columns x rows), as `stty size` prints it.
async fn shown_size(browser: &Browser) -> String {
    let size = browser
        .find(TERMINAL)
        .await
        .attr("data-size")
        .await
        .unwrap()
        .unwrap();
    let (cols, rows) = size.split_once('x').unwrap();
    format!("{rows} {cols}")
}

/// Types `stty size` and waits for the answer `wanted` on a line of its own.
async fn stty_size_is(browser: &Browser, wanted: &str) {
    let terminal = browser.find(TERMINAL).await;
    terminal.click().await.unwrap();
    terminal
        .send_keys("clear; stty size\u{E007}")
        .await
        .unwrap();
    terminal_where(browser, &format!("stty size {wanted}"), |t| {
        t.lines().any(|l| l.trim() == wanted)
    })
    .await;
}

#[tokio::test]
async fn ssh_and_website_windows_of_a_debian_vm_on_a_remote_host() {
    virt::error::clear_error_callback();
    let uri = super::remote::remote_uri();
    let server = TestServer::with_frontend(&[("remote", uri.as_str())]).await;
    server.add_user("alice", Role::User);
    let (status, body) = server
        .admin()
        .await
        .send(Method::POST, "/api/v1/templates", Some(debian_template()))
        .await;
    assert_eq!(status, 201, "{body}");
    let alice = server.login("alice").await;
    let keys = tempfile::tempdir().unwrap();
    let key = generated_key(&alice, keys.path(), "alice-test").await;
    let name = format!("ezilla-test-{}-debian-desk", std::process::id());
    let _cleanup = Cleanup(vec![name.clone()]);
    // The remote host is this machine: the VM's forwarded port is on this 127.0.0.1 too.
    let marker = format!("page written by the test {}", std::process::id());
    let write_page = format!("echo '<h1>{marker}</h1>' | sudo tee /var/www/html/index.html");
    let (vm, _) = create_and_ssh(&alice, &key, &name, &write_page, " (remote host)").await;

    let browser = Browser::start().await;
    browser.login(&server.url("/"), "alice", PASSWORD).await;
    open_app(&browser, "vm-manager").await;
    browser
        .click(&format!("section.window tr[data-vm='{name}'] td.name"))
        .await;
    browser.click(".vm-actions button.ssh-terminal").await;
    terminal_where(&browser, "the shell's prompt", |t| {
        t.contains(&format!("alice@{name}")) && t.contains('$')
    })
    .await;
    let terminal = browser.find(TERMINAL).await;
    terminal.click().await.unwrap();
    terminal
        .send_keys("echo typed-$((6*7))\u{E007}")
        .await
        .unwrap();
    terminal_where(&browser, "the answer to typed keys", |t| {
        t.lines().any(|l| l.trim() == "typed-42")
    })
    .await;
    let before = shown_size(&browser).await;
    stty_size_is(&browser, &before).await;
    drag_by(
        &browser,
        &browser
            .find("section.window[data-window='ssh-terminal'] .resize.se")
            .await,
        -160.0,
        -120.0,
    )
    .await;
    let after = shown_size(&browser).await;
    assert_ne!(before, after, "a smaller window, a smaller terminal");
    stty_size_is(&browser, &after).await;

    browser.click(".vm-actions button.website").await;
    let frame = browser.find(FRAME).await;
    eventually(
        "the guest's page in the window",
        Duration::from_secs(60),
        || {
            let (browser, frame, marker) = (&browser, frame.clone(), marker.clone());
            async move {
                frame.enter_frame().await.ok()?;
                let text = browser
                    .client
                    .find(fantoccini::Locator::Css("body"))
                    .await
                    .ok()?
                    .text()
                    .await
                    .ok();
                browser.client.enter_parent_frame().await.ok()?;
                text.filter(|t| t.contains(&marker))
            }
        },
    )
    .await;
    let src = frame.attr("src").await.unwrap().unwrap();
    let uuid = vm["uuid"].as_str().unwrap();
    assert!(
        src.contains(&format!("{uuid}.vm.localhost")),
        "the VM's own origin: {src}"
    );
    browser.close().await;
}
