//! Templates for admins: one whose volume backs VMs' disks is not deleted; the refusal names
//! the VMs; once they are gone it is.

use reqwest::Method;
use serde_json::json;

use testkit::server::TestServer;

#[tokio::test]
async fn a_template_backing_vms_is_kept_until_they_go() {
    let server = TestServer::pool_of_three(false).await;
    let (admin, alice) = (server.admin().await, server.login("alice").await);
    let (status, vm) = alice
        .send(
            Method::POST,
            "/api/v1/vms",
            Some(json!({"name": "web", "template": "demo"})),
        )
        .await;
    assert_eq!(status, 201, "{vm}");
    let (status, refused) = admin
        .send(Method::DELETE, "/api/v1/templates/demo", Some(json!({})))
        .await;
    assert_eq!(status, 409, "{refused}");
    assert!(
        refused["message"].as_str().unwrap_or("").contains("web"),
        "the refusal names the VM: {refused}"
    );
    let path = format!("/api/v1/vms/{}?disks=true", vm["uuid"].as_str().unwrap());
    assert_eq!(
        alice.send(Method::DELETE, &path, Some(json!({}))).await.0,
        204
    );
    let (status, body) = admin
        .send(Method::DELETE, "/api/v1/templates/demo", Some(json!({})))
        .await;
    assert_eq!(status, 204, "{body}");
    assert_eq!(
        admin
            .send(Method::DELETE, "/api/v1/templates/demo", Some(json!({})))
            .await
            .0,
        404
    );
}

#[tokio::test]
async fn an_admin_changes_what_a_template_gives_new_vms() {
    let server = TestServer::pool_of_three(false).await;
    let (admin, alice) = (server.admin().await, server.login("alice").await);
    let defaults = json!({"os": "Demo Linux", "cores": 2, "memory_mib": 512, "disk_gib": 4, "cloud_init": false});
    let demo = "/api/v1/templates/demo";
    assert_eq!(
        alice
            .send(Method::PUT, demo, Some(defaults.clone()))
            .await
            .0,
        403,
        "admins only"
    );
    let (status, changed) = admin.send(Method::PUT, demo, Some(defaults.clone())).await;
    assert_eq!(status, 200, "{changed}");
    assert_eq!(
        (
            &changed["os"],
            &changed["cores"],
            &changed["memory_mib"],
            &changed["disk_gib"]
        ),
        (&json!("Demo Linux"), &json!(2), &json!(512), &json!(4))
    );
    let (_, listed) = alice.get("/api/v1/templates").await;
    let listed = listed
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == "demo")
        .cloned()
        .unwrap();
    assert_eq!(listed, changed, "what users see");

    let (status, vm) = alice
        .send(
            Method::POST,
            "/api/v1/vms",
            Some(json!({"name": "sized", "template": "demo"})),
        )
        .await;
    assert_eq!(status, 201, "{vm}");
    assert_eq!(
        (&vm["cores"], &vm["memory_mib"], &vm["os"]),
        (&json!(2), &json!(512), &json!("Demo Linux")),
        "a new VM gets the new defaults: {vm}"
    );

    for bad in [
        json!({"os": "Demo", "cores": 0, "memory_mib": 512, "disk_gib": 4, "cloud_init": false}),
        json!({"os": "Demo", "cores": 1, "memory_mib": 8, "disk_gib": 4, "cloud_init": false}),
        json!({"os": "", "cores": 1, "memory_mib": 512, "disk_gib": 4, "cloud_init": false}),
        json!({"os": "a\u{7}b", "cores": 1, "memory_mib": 512, "disk_gib": 4, "cloud_init": false}),
        json!({"os": "x".repeat(65), "cores": 1, "memory_mib": 512, "disk_gib": 4, "cloud_init": false}),
    ] {
        let (status, body) = admin.send(Method::PUT, demo, Some(bad.clone())).await;
        assert_eq!(status, 400, "{bad} -> {body}");
    }
    let missing = "/api/v1/templates/nosuch";
    assert_eq!(
        admin.send(Method::PUT, missing, Some(defaults)).await.0,
        404
    );
}
