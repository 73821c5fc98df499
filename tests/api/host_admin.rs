//! Hosts for admins: a host is tried before it is added (refused with libvirt's reason);
//! one with Ezilla's VMs is removed only when forced, saying how many; its storage pools and
//! their volumes can be browsed, by admins only.

use reqwest::Method;
use serde_json::json;

use testkit::server::{TestServer, fixture_host};

#[tokio::test]
async fn hosts_are_tried_counted_and_browsed() {
    let server = TestServer::pool_of_three(false).await;
    let admin = server.admin().await;
    let alice = server.login("alice").await;

    let (status, body) = admin
        .send(
            Method::POST,
            "/api/v1/admin/hosts",
            Some(json!({"name": "late", "uri": "test:///nonexistent/ezilla-host.xml"})),
        )
        .await;
    assert_eq!(status, 400, "{body}");
    let why = body["message"].as_str().unwrap_or_default();
    assert!(
        why.contains("cannot connect to test:///nonexistent"),
        "{why}"
    );
    let (_, hosts) = admin.get("/api/v1/hosts").await;
    assert_eq!(hosts.as_array().unwrap().len(), 3, "not added");

    let uri = fixture_host("host-medium.xml");
    let (status, body) = admin
        .send(
            Method::POST,
            "/api/v1/admin/hosts",
            Some(json!({"name": "extra", "uri": uri})),
        )
        .await;
    assert_eq!((status, &body["online"]), (201, &json!(true)), "{body}");
    let (status, vm) = alice
        .send(
            Method::POST,
            "/api/v1/vms",
            Some(json!({"name": "on-extra", "template": "demo", "host": "extra"})),
        )
        .await;
    assert_eq!(status, 201, "{vm}");

    let (status, pools) = admin.get("/api/v1/admin/hosts/extra/pools").await;
    assert_eq!(status, 200, "{pools}");
    assert_eq!(pools[0]["name"], "images", "{pools}");
    assert!(pools[0]["available_bytes"].as_u64().unwrap() > 0, "{pools}");
    let (status, volumes) = admin
        .get("/api/v1/admin/hosts/extra/pools/images/volumes")
        .await;
    assert_eq!(status, 200, "{volumes}");
    let names: Vec<_> = volumes
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["name"].clone())
        .collect();
    assert!(names.contains(&json!("demo-base.img")), "{volumes}");
    assert_eq!(
        admin
            .get("/api/v1/admin/hosts/extra/pools/nope/volumes")
            .await
            .0,
        404
    );
    assert_eq!(alice.get("/api/v1/admin/hosts/extra/pools").await.0, 403);

    let (status, refused) = admin
        .send(Method::DELETE, "/api/v1/admin/hosts/extra", Some(json!({})))
        .await;
    assert_eq!(status, 409, "{refused}");
    assert!(
        refused["message"]
            .as_str()
            .unwrap_or("")
            .contains("has 1 VMs"),
        "{refused}"
    );
    let (status, body) = admin
        .send(
            Method::DELETE,
            "/api/v1/admin/hosts/extra?force=true",
            Some(json!({})),
        )
        .await;
    assert_eq!(status, 204, "{body}");
    let (_, hosts) = admin.get("/api/v1/hosts").await;
    assert_eq!(hosts.as_array().unwrap().len(), 3);
}
