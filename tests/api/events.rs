//! `GET /api/v1/events`: the caller's own VM list over a WebSocket, closed when the session
//! ends.

use std::time::Duration;

use futures_util::StreamExt;
use reqwest::Method;
use serde_json::{Value, json};
use shared::Role;
use tokio_tungstenite::tungstenite::{Message, client::IntoClientRequest};

use crate::support::server::{TestServer, fixture_host};

#[tokio::test]
async fn streams_only_the_users_vms_and_closes_on_logout() {
    let host = fixture_host("owned-host.xml");
    let server = TestServer::api(&[("one1", host.as_str())]).await;
    server.add_user("alice", Role::User);
    let (alice, token) = server.login_with_token("alice").await;

    let mut request = format!("ws://{}/api/v1/events", server.addr)
        .into_client_request()
        .unwrap();
    let headers = request.headers_mut();
    headers.insert("origin", server.url("").parse().unwrap());
    headers.insert("cookie", format!("ezilla_session={token}").parse().unwrap());
    let (mut socket, _) = tokio_tungstenite::connect_async(request).await.unwrap();

    let first = tokio::time::timeout(Duration::from_secs(10), socket.next())
        .await
        .expect("a first list at once")
        .unwrap()
        .unwrap();
    let list: Value = serde_json::from_str(first.to_text().unwrap()).unwrap();
    let names: Vec<_> = list["vms"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["name"].clone())
        .collect();
    assert_eq!(names, [json!("alice-web")]);

    let (status, _) = alice
        .send(Method::POST, "/api/v1/auth/logout", Some(json!({})))
        .await;
    assert_eq!(status, 204);
    let closed = tokio::time::timeout(Duration::from_secs(10), async {
        loop {
            match socket.next().await {
                Some(Ok(Message::Close(frame))) => return frame.map(|f| f.reason.to_string()),
                Some(Ok(_)) => continue,
                _ => return None,
            }
        }
    })
    .await
    .expect("the socket closes after logout");
    assert_eq!(closed.as_deref(), Some("session ended"));
}
