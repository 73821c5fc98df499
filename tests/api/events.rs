//! `GET /api/v1/events`: the caller's own VM list over a WebSocket, closed when the session
//! ends.

use std::time::Duration;

use futures_util::StreamExt;
use reqwest::Method;
use serde_json::{Value, json};
use shared::Role;
use tokio_tungstenite::tungstenite::Message;

use testkit::server::{TestServer, fixture_host};

#[tokio::test]
async fn streams_only_the_users_vms_and_closes_on_logout() {
    let host = fixture_host("owned-host.xml");
    let server = TestServer::api(&[("one1", host.as_str())]).await;
    server.add_user("alice", Role::User);
    let (alice, token) = server.login_with_token("alice").await;

    let (mut socket, _) = server
        .websocket(shared::routes::EVENTS, &token, &server.url(""), None)
        .await
        .unwrap();

    let hosts = next_event(&mut socket).await;
    assert_eq!(hosts["type"], "hosts", "{hosts}");
    assert_eq!(hosts["hosts"][0]["name"], "one1");
    assert!(hosts["hosts"][0].get("uri").is_none(), "no URIs for users");
    let list = next_event(&mut socket).await;
    assert_eq!(list["type"], "vms", "{list}");
    let names = testkit::vm_names(&list);
    assert_eq!(names, [json!("alice-web")]);

    // A host added at runtime reaches her too.
    let admin = server.admin().await;
    let added = json!({"name": "one2", "uri": "test:///default"});
    assert_eq!(
        admin
            .send(Method::POST, "/api/v1/admin/hosts", Some(added))
            .await
            .0,
        201
    );
    let hosts = loop {
        let event = next_event(&mut socket).await;
        if event["type"] == "hosts" {
            break event;
        }
    };
    assert_eq!(hosts["hosts"].as_array().unwrap().len(), 2, "{hosts}");

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

/// The next event on `socket`, as JSON; fails the test after 10 s.
async fn next_event<S, E>(socket: &mut S) -> Value
where
    S: futures_util::Stream<Item = Result<Message, E>> + Unpin,
    E: std::fmt::Debug,
{
    let message = tokio::time::timeout(Duration::from_secs(10), socket.next())
        .await
        .expect("an event in time")
        .expect("the socket is open")
        .expect("a message");
    serde_json::from_str(message.to_text().unwrap()).unwrap()
}
