//! `GET /api/v1/health`.

use super::{DEAD_HOST, TEST_HOST, get_json};
use crate::support::server::TestServer;

#[tokio::test]
async fn health_reports_version_and_each_host() {
    let server = TestServer::api(&[TEST_HOST]).await;
    let (status, body) = get_json(&server.url("/api/v1/health")).await;
    assert_eq!(status, 200);
    assert_eq!(body["ok"], true);
    assert_eq!(body["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(body["hosts"][0]["name"], "one1");
    assert_eq!(body["hosts"][0]["kind"], "test");
    assert_eq!(body["hosts"][0]["reachable"], true);
}

#[tokio::test]
async fn health_is_not_ok_when_a_host_is_down() {
    let server = TestServer::api(&[TEST_HOST, DEAD_HOST]).await;
    let (status, body) = get_json(&server.url("/api/v1/health")).await;
    assert_eq!(status, 200, "the server itself is up");
    assert_eq!(body["ok"], false);
    assert_eq!(body["hosts"][0]["reachable"], true);
    assert_eq!(body["hosts"][1]["name"], "one2");
    assert_eq!(body["hosts"][1]["reachable"], false);
}
