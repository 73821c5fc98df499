//! Per-user and per-VM bounds: events sockets per user, snapshots per VM, and the host URIs
//! an admin may add at runtime.

use std::{path::PathBuf, time::Duration};

use reqwest::Method;
use serde_json::json;
use shared::Role;

use testkit::server::{TestServer, fixture_host};

const ALICE_VM: &str = "a11ce000-0000-4000-8000-000000000001";

#[tokio::test]
async fn events_sockets_per_user_are_limited() {
    let server = TestServer::start_with(&[super::TEST_HOST], PathBuf::from("/x"), |s| {
        s.events_per_user = 2;
    })
    .await;
    server.add_user("alice", Role::User);
    let (_, token) = server.login_with_token("alice").await;
    let origin = server.url("");
    let open = || server.websocket(shared::routes::EVENTS, &token, &origin, None);
    let (first, second) = (open().await.unwrap(), open().await.unwrap());
    let refused = open().await.expect_err("a third is refused");
    match refused {
        tokio_tungstenite::tungstenite::Error::Http(response) => {
            assert_eq!(response.status(), 429)
        }
        other => panic!("{other}"),
    }
    // Another user has places of their own; a closed socket gives its place back.
    server.add_user("bob", Role::User);
    let (_, bob) = server.login_with_token("bob").await;
    server
        .websocket(shared::routes::EVENTS, &bob, &origin, None)
        .await
        .expect("bob's own");
    drop(first);
    testkit::eventually(
        "a place to free",
        std::time::Duration::from_secs(10),
        || {
            let open = open();
            async move { open.await.ok() }
        },
    )
    .await;
    drop(second);
}

#[tokio::test]
async fn snapshots_per_vm_are_limited() {
    let host = fixture_host("owned-host.xml");
    let server = TestServer::start_with(&[("one1", host.as_str())], PathBuf::from("/x"), |s| {
        s.snapshots_per_vm = 2;
    })
    .await;
    server.add_user("alice", Role::User);
    let alice = server.login("alice").await;
    let path = format!("/api/v1/vms/{ALICE_VM}/snapshots");
    for name in ["s1", "s2"] {
        let (status, body) = alice
            .send(Method::POST, &path, Some(json!({ "name": name })))
            .await;
        assert_eq!(status, 201, "{body}");
    }
    let (status, body) = alice
        .send(Method::POST, &path, Some(json!({"name": "s3"})))
        .await;
    assert_eq!(
        (status, body["code"].clone()),
        (403, json!("quota_exceeded")),
        "{body}"
    );
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("at most 2 snapshots")
    );
}

#[tokio::test]
async fn hosts_added_at_runtime_use_listed_schemes_and_parameters_only() {
    let server = TestServer::api(&[super::TEST_HOST]).await;
    let admin = server.admin().await;
    for uri in [
        "qemu+ext:///system?command=/bin/sh",
        "qemu+ssh://root@127.0.0.1/system?netcat=/tmp/evil",
        "qemu+unix:///system?socket=/tmp/s",
    ] {
        let (status, body) = admin
            .send(
                Method::POST,
                "/api/v1/admin/hosts",
                Some(json!({"name": "evil", "uri": uri})),
            )
            .await;
        assert_eq!(
            (status, body["code"].clone()),
            (400, json!("bad_request")),
            "{uri}: {body}"
        );
    }
}

#[tokio::test]
async fn snapshots_count_in_the_disk_quota_at_their_vms_disk_size() {
    let server = TestServer::pool_of_three(false).await;
    let quota = json!({"max_vms": 5, "max_vcpus": 8, "max_memory_mib": 8192, "max_disk_gib": 5});
    server
        .admin()
        .await
        .send(Method::PUT, "/api/v1/admin/users/alice/quota", Some(quota))
        .await;
    let alice = server.login("alice").await;
    let (status, vm) = alice
        .send(
            Method::POST,
            "/api/v1/vms",
            Some(json!({"name": "snappy", "template": "demo"})),
        )
        .await;
    assert_eq!(status, 201, "{vm}");
    let path = format!("/api/v1/vms/{}/snapshots", vm["uuid"].as_str().unwrap());
    // The disk is 2 GiB: the VM and one snapshot take 4 of 5.
    let (status, body) = alice
        .send(Method::POST, &path, Some(json!({"name": "one"})))
        .await;
    assert_eq!(status, 201, "{body}");
    let (status, body) = alice
        .send(Method::POST, &path, Some(json!({"name": "two"})))
        .await;
    assert_eq!(
        (status, body["code"].clone()),
        (403, json!("quota_exceeded")),
        "{body}"
    );
    assert!(
        body["message"].as_str().unwrap().contains("snapshots"),
        "{body}"
    );
}

/// An upload that sends its headers and then nothing, holding its place at the gate.
async fn stalled_upload(server: &TestServer, token: &str, name: &str) -> tokio::net::TcpStream {
    use tokio::io::AsyncWriteExt;
    let mut socket = tokio::net::TcpStream::connect(server.addr).await.unwrap();
    let head = format!(
        "POST /api/v1/isos?name={name} HTTP/1.1\r\nHost: {}\r\nAuthorization: Bearer {token}\r\n\
         Content-Length: 1048576\r\n\r\n",
        server.addr
    );
    socket.write_all(head.as_bytes()).await.unwrap();
    socket
}

#[tokio::test]
async fn uploads_at_once_are_limited_per_user_and_given_back() {
    let server = TestServer::api(&[super::TEST_HOST]).await;
    server.add_user("alice", Role::User);
    server.add_user("bob", Role::User);
    let alice = server.with_token(&server.token("alice", "write").await);
    let bob = server.with_token(&server.token("bob", "write").await);
    let token = server.token("alice", "write").await;
    let upload = |client: &testkit::server::Client, name: &str| {
        let (client, url) = (
            client.http.clone(),
            server.url(&format!("/api/v1/isos?name={name}")),
        );
        async move {
            let response = client.post(url).body(vec![0u8; 4096]).send().await.unwrap();
            response.status().as_u16()
        }
    };
    let held = [
        stalled_upload(&server, &token, "one.iso").await,
        stalled_upload(&server, &token, "two.iso").await,
    ];
    // The stalled ones have entered once the server has read their headers.
    let third = testkit::eventually(
        "alice's third upload refused",
        Duration::from_secs(10),
        || {
            let attempt = upload(&alice, "three.iso");
            async move { (attempt.await == 429).then_some(()) }
        },
    );
    third.await;
    assert_ne!(
        upload(&bob, "his.iso").await,
        429,
        "bob's upload is not alice's to hold up"
    );
    drop(held);
    testkit::eventually("alice's places given back", Duration::from_secs(10), || {
        let attempt = upload(&alice, "three.iso");
        async move { (attempt.await != 429).then_some(()) }
    })
    .await;
}
