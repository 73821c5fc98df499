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
