//! `GET /api/v1/vms`, and the error shape of the API.

use super::{DEAD_HOST, TEST_HOST};
use testkit::server::TestServer;

#[tokio::test]
async fn lists_the_test_drivers_vm_with_the_original_columns() {
    let server = TestServer::api(&[TEST_HOST]).await;
    let (status, body) = server.admin().await.get("/api/v1/vms").await;
    assert_eq!(status, 200);
    let vms = body["vms"].as_array().unwrap();
    assert_eq!(vms.len(), 1, "{body}");
    let vm = &vms[0];
    assert_eq!(vm["name"], "test");
    assert_eq!(vm["state"], "running");
    assert_eq!(vm["id"], 1);
    assert_eq!(vm["cores"], 2);
    assert_eq!(
        vm["memory_mib"], 8192,
        "the domain's maximum, not its balloon (2048): a guest cannot shrink its count"
    );
    assert_eq!(vm["host"], "one1");
    assert_eq!(
        vm["lcm_state"], "unknown",
        "the test driver gives no reason"
    );
    assert_eq!(
        vm["ips"],
        serde_json::json!(["192.168.122.3"]),
        "from libvirt (the test driver's own)"
    );
    assert!(
        vm["uptime_secs"].is_u64(),
        "a running VM has an uptime: {vm}"
    );
    assert_eq!(vm["uuid"].as_str().unwrap().len(), 36);
    assert_eq!(body["unreachable_hosts"].as_array().unwrap().len(), 0);
}

#[tokio::test]
async fn a_dead_host_is_named_and_the_others_still_listed() {
    let server = TestServer::api(&[TEST_HOST, DEAD_HOST]).await;
    let (status, body) = server.admin().await.get("/api/v1/vms").await;
    assert_eq!(status, 200);
    assert_eq!(body["vms"][0]["name"], "test");
    assert_eq!(body["unreachable_hosts"], serde_json::json!(["one2"]));
}

#[tokio::test]
async fn no_host_answering_is_a_json_503() {
    let server = TestServer::api(&[DEAD_HOST]).await;
    let (status, body) = server.admin().await.get("/api/v1/vms").await;
    assert_eq!(status, 503);
    assert_eq!(body["code"], "hypervisor_unavailable");
    assert!(body["message"].as_str().unwrap().contains("hypervisor"));
    assert!(
        !body.to_string().contains("nonexistent"),
        "libvirt's internals must not leak: {body}"
    );
}

#[tokio::test]
async fn unknown_api_paths_are_json_404_with_a_request_id() {
    let server = TestServer::api(&[TEST_HOST]).await;
    let response = reqwest::get(server.url("/api/v1/no-such-thing"))
        .await
        .unwrap();
    assert_eq!(response.status(), 404);
    let id = response.headers()["x-request-id"]
        .to_str()
        .unwrap()
        .to_owned();
    assert_eq!(id.len(), 36, "a UUID request id");
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["code"], "not_found");
}
