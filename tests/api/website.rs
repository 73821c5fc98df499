//! A VM's website on its own origin, through Ezilla's proxy: only the owner gets an entry;
//! the entry's token works once and becomes a cookie of the VM's origin; without it the
//! origin answers 401; Ezilla's own cookies never reach the guest; WebSockets pass through.
//! The guest is a small HTTP server of the test's behind a test-driver VM whose metadata
//! names its port.

use std::{
    net::SocketAddr,
    sync::{Arc, Mutex},
};

use futures_util::{SinkExt, StreamExt};
use reqwest::{Method, redirect::Policy};
use serde_json::json;
use shared::Role;
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::{TcpListener, TcpStream},
};
use tokio_tungstenite::tungstenite::{
    Message, client::IntoClientRequest, handshake::derive_accept_key, protocol::Role as WsRole,
};

use testkit::server::TestServer;

const VM: &str = "a11ce000-0000-4000-8000-0000000000f1";

/// The guest's web server: answers every request with a page, records the request's head,
/// and echoes WebSocket messages.
async fn guest() -> (u16, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let heads = Arc::new(Mutex::new(Vec::new()));
    let seen = heads.clone();
    tokio::spawn(async move {
        while let Ok((mut conn, _)) = listener.accept().await {
            let seen = seen.clone();
            tokio::spawn(async move {
                let mut head = Vec::new();
                while !head.ends_with(b"\r\n\r\n") {
                    let mut byte = [0u8; 1];
                    if conn.read_exact(&mut byte).await.is_err() {
                        return;
                    }
                    head.push(byte[0]);
                }
                let head = String::from_utf8_lossy(&head).into_owned();
                seen.lock().unwrap().push(head.clone());
                let key = head.lines().find_map(|l| {
                    l.strip_prefix("Sec-WebSocket-Key: ")
                        .or_else(|| l.strip_prefix("sec-websocket-key: "))
                });
                match key {
                    Some(key) => {
                        let accept = derive_accept_key(key.trim().as_bytes());
                        let answer = format!(
                            "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\
                             Connection: Upgrade\r\nSec-WebSocket-Accept: {accept}\r\n\r\n"
                        );
                        conn.write_all(answer.as_bytes()).await.unwrap();
                        let mut ws = tokio_tungstenite::WebSocketStream::from_raw_socket(
                            conn,
                            WsRole::Server,
                            None,
                        )
                        .await;
                        while let Some(Ok(message)) = ws.next().await {
                            if message.is_text() && ws.send(message).await.is_err() {
                                return;
                            }
                        }
                    }
                    None => {
                        let body = "<h1>the guest's page</h1>";
                        let answer = format!(
                            "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: {}\r\n\
                             Connection: close\r\n\r\n{body}",
                            body.len()
                        );
                        let _ = conn.write_all(answer.as_bytes()).await;
                    }
                }
            });
        }
    });
    (port, heads)
}

/// A test-driver host whose one running VM, alice's, has its website on `port`.
fn host_with_website(dir: &std::path::Path, port: u16) -> String {
    let xml = format!(
        "<node><cpu><mhz>2400</mhz><model>x86_64</model><active>4</active><nodes>1</nodes>\
         <sockets>1</sockets><cores>4</cores><threads>1</threads></cpu><memory>8388608</memory>\
         <domain type='test'><name>alice-web</name><uuid>{VM}</uuid>\
         <memory unit='MiB'>512</memory><vcpu>1</vcpu><os><type>hvm</type></os>\
         <metadata><ezilla:vm xmlns:ezilla='https://ezilla.nchc.org.tw/xmlns/libvirt/1'>\
         <ezilla:owner>alice</ezilla:owner><ezilla:http_port>{port}</ezilla:http_port>\
         </ezilla:vm></metadata></domain></node>"
    );
    let file = dir.join("host.xml");
    std::fs::write(&file, xml).unwrap();
    format!("test://{}", file.display())
}

#[tokio::test]
async fn a_vms_website_opens_on_its_own_origin_for_its_owner_only() {
    let (port, heads) = guest().await;
    let dir = tempfile::tempdir().unwrap();
    let server = TestServer::api(&[("one1", host_with_website(dir.path(), port).as_str())]).await;
    server.add_user("alice", Role::User);
    server.add_user("bob", Role::User);
    let (alice, session) = server.login_with_token("alice").await;
    let path = format!("/api/v1/vms/{VM}/website");
    let (status, _) = server
        .login("bob")
        .await
        .send(Method::POST, &path, Some(json!({})))
        .await;
    assert_eq!(status, 404, "bob's request for alice's website");
    let (status, entry) = alice.send(Method::POST, &path, Some(json!({}))).await;
    assert_eq!(status, 200, "{entry}");
    let url = entry["url"].as_str().unwrap().to_owned();
    let origin = format!("http://{VM}.vm.localhost:{}", server.addr.port());
    assert!(
        url.starts_with(&format!("{origin}/.ezilla/enter?token=")),
        "{url}"
    );

    // The VM's origin, as a browser reaches it (`*.localhost` is the loopback).
    let site = reqwest::Client::builder()
        .redirect(Policy::none())
        .resolve(
            &format!("{VM}.vm.localhost"),
            SocketAddr::from(([127, 0, 0, 1], server.addr.port())),
        )
        .build()
        .unwrap();
    let without = site.get(format!("{origin}/")).send().await.unwrap();
    assert_eq!(without.status(), 401, "no cookie, no website");
    let entered = site.get(&url).send().await.unwrap();
    assert_eq!(entered.status(), 303);
    let cookie = entered.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(
        cookie.starts_with("ezilla_site=") && cookie.contains("HttpOnly"),
        "{cookie}"
    );
    assert!(
        !cookie.contains("Domain="),
        "a cookie of the VM's origin only: {cookie}"
    );
    let again = site.get(&url).send().await.unwrap();
    assert_eq!(again.status(), 401, "the entry works once");

    let site_cookie = cookie.split(';').next().unwrap().to_owned();
    let cookies = format!("{site_cookie}; ezilla_session={session}; theme=dark");
    let page = site
        .get(format!("{origin}/docs"))
        .header("cookie", &cookies)
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    assert_eq!(page.text().await.unwrap(), "<h1>the guest's page</h1>");
    let head = heads.lock().unwrap().last().cloned().unwrap();
    assert!(head.starts_with("GET /docs HTTP/1.1"), "{head}");
    assert!(
        head.to_ascii_lowercase().contains("cookie: theme=dark"),
        "{head}"
    );
    assert!(
        !head.contains("ezilla_session") && !head.contains("ezilla_site"),
        "Ezilla's cookies stay out: {head}"
    );

    // WebSockets pass through.
    let tcp = TcpStream::connect(server.addr).await.unwrap();
    let mut request = format!("ws://{VM}.vm.localhost:{}/live", server.addr.port())
        .into_client_request()
        .unwrap();
    request
        .headers_mut()
        .insert("cookie", site_cookie.parse().unwrap());
    let (mut ws, _) = tokio_tungstenite::client_async(request, tcp).await.unwrap();
    ws.send(Message::text("ping-through")).await.unwrap();
    let echoed = ws.next().await.unwrap().unwrap();
    assert_eq!(echoed.to_text().unwrap(), "ping-through");
}
