//! Console windows that cannot open say why: a console window of another user's VM (say,
//! restored from a desktop saved before the VM changed hands) is refused, and its status
//! line reads the server's reason, in both kinds of console; one whose WebSocket a proxy in
//! between does not pass says that, rather than showing a blank screen.

use serde_json::json;
use shared::Role;

use testkit::{
    browser::Browser,
    relay::Relay,
    server::{PASSWORD, TestServer, console_window, fixture_host, frontend_dist},
};

const ALICE_VM: &str = "a11ce000-0000-4000-8000-000000000001";
const BOB_VM: &str = "b0b00000-0000-4000-8000-000000000002";

#[tokio::test]
async fn another_users_console_is_refused_with_the_reason() {
    let host = fixture_host("owned-host.xml");
    let server = TestServer::start_with_static(&[("one1", host.as_str())], frontend_dist()).await;
    server.add_user("alice", Role::User);
    server.add_user("bob", Role::User);
    let alice = server.login("alice").await;
    alice
        .save_windows(json!([
            console_window("vnc-console", BOB_VM, 20),
            console_window("serial-console", BOB_VM, 520)
        ]))
        .await;

    let browser = Browser::start().await;
    browser.login(&server.url("/"), "alice", PASSWORD).await;
    for app in ["vnc-console", "serial-console"] {
        let status = format!("section.window[data-window='{app}'] .console-status");
        let text = browser
            .text_where(&status, |t| t.starts_with("Cannot open the console"))
            .await;
        assert_eq!(text, "Cannot open the console: Not found.", "{app}");
    }
    browser.close().await;
}

#[tokio::test]
async fn a_console_whose_websocket_a_proxy_blocks_says_so() {
    let host = fixture_host("owned-host.xml");
    let server = TestServer::start_with_static(&[("one1", host.as_str())], frontend_dist()).await;
    server.add_user("alice", Role::User);
    let alice = server.login("alice").await;
    alice
        .save_windows(json!([console_window("serial-console", ALICE_VM, 20)]))
        .await;
    let proxy = Relay::without_websockets(server.addr).await;

    let browser = Browser::start().await;
    browser.login(&proxy.url("/"), "alice", PASSWORD).await;
    let status = "section.window[data-window='serial-console'] .console-status";
    let text = browser
        .text_where(status, |t| t.starts_with("Cannot open the console"))
        .await;
    assert_eq!(
        text,
        "Cannot open the console: its connection did not get through, though Ezilla would \
         open it (a proxy in between that does not pass WebSockets?)"
    );
    browser.close().await;
}
