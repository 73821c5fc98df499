//! `GET /api/v1/health`: public, it says only ok and the version; logged in, each host; to
//! admins, the hosts' URIs too.

use shared::Role;

use super::{DEAD_HOST, TEST_HOST, get_json};
use testkit::server::TestServer;

#[tokio::test]
async fn health_tells_the_public_only_ok_and_the_version() {
    let server = TestServer::api(&[TEST_HOST, DEAD_HOST]).await;
    let (status, body) = get_json(&server.url("/api/v1/health")).await;
    assert_eq!(status, 200);
    assert_eq!(body["ok"], true, "the server itself is up");
    assert_eq!(body["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(body["hosts"], serde_json::json!([]), "{body}");
}

#[tokio::test]
async fn health_tells_users_each_host_and_admins_its_uri() {
    let server = TestServer::api(&[TEST_HOST, DEAD_HOST]).await;
    server.add_user("alice", Role::User);
    let (status, body) = server.login("alice").await.get("/api/v1/health").await;
    assert_eq!(status, 200);
    assert_eq!(body["ok"], false, "a host is down");
    assert_eq!(body["hosts"][0]["name"], "one1");
    assert_eq!(body["hosts"][0]["kind"], "test");
    assert_eq!(body["hosts"][0]["reachable"], true);
    assert_eq!(body["hosts"][1]["reachable"], false);
    assert!(body["hosts"][0].get("uri").is_none(), "{body}");
    let (_, body) = server.admin().await.get("/api/v1/health").await;
    assert_eq!(body["hosts"][0]["uri"], TEST_HOST.1);
}
