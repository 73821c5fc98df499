//! Saved images are private: bob cannot list, boot or delete alice's image; they count in
//! alice's disk quota; an admin can publish one to the shared catalogue.

use std::time::Duration;

use reqwest::Method;
use serde_json::{Value, json};

use super::{create, pool};
use testkit::{eventually, server::Client};

/// Saves VM `uuid` (shut off) as `name` and waits for the task's end state.
async fn save(client: &Client, uuid: &str, name: &str) -> Value {
    let path = format!("/api/v1/vms/{uuid}/save-image");
    let (status, task) = client
        .send(Method::POST, &path, Some(json!({ "template": name })))
        .await;
    assert_eq!(status, 202, "{task}");
    let path = format!("/api/v1/tasks/{}", task["id"]);
    eventually("the save to finish", Duration::from_secs(20), || async {
        let (_, task) = client.get(&path).await;
        (task["state"] != "running").then_some(task)
    })
    .await
}

fn names(templates: &Value) -> Vec<String> {
    templates
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn another_users_image_cannot_be_listed_booted_or_deleted() {
    let server = pool().await;
    server.add_user("bob", shared::Role::User);
    let (alice, bob) = (server.login("alice").await, server.login("bob").await);
    let (_, vm) = create(&alice, json!({"name": "src", "template": "demo"})).await;
    let uuid = vm["uuid"].as_str().unwrap();
    let action = format!("/api/v1/vms/{uuid}/action");
    alice
        .send(Method::POST, &action, Some(json!({"action": "poweroff"})))
        .await;
    let done = save(&alice, uuid, "secret").await;
    assert_eq!(done["state"], "succeeded", "{done}");

    assert!(names(&alice.get("/api/v1/templates").await.1).contains(&"secret".to_owned()));
    assert_eq!(
        names(&bob.get("/api/v1/templates").await.1),
        ["demo"],
        "bob sees the shared catalogue only"
    );
    let (status, body) = create(&bob, json!({"name": "steal", "template": "secret"})).await;
    assert_eq!(
        (status, body["message"].clone()),
        (400, json!("Bad request: no template named secret.")),
        "answered like a template that does not exist"
    );
    assert_eq!(
        bob.send(Method::DELETE, "/api/v1/images/secret", Some(json!({})))
            .await
            .0,
        404
    );
    // Bob may have an image of the same name; a shared template name is refused.
    let (_, own) = create(&bob, json!({"name": "bobs", "template": "demo"})).await;
    let bob_uuid = own["uuid"].as_str().unwrap();
    bob.send(
        Method::POST,
        &format!("/api/v1/vms/{bob_uuid}/action"),
        Some(json!({"action": "poweroff"})),
    )
    .await;
    assert_eq!(save(&bob, bob_uuid, "secret").await["state"], "succeeded");
    let path = format!("/api/v1/vms/{bob_uuid}/save-image");
    let (status, _) = bob
        .send(Method::POST, &path, Some(json!({"template": "demo"})))
        .await;
    assert_eq!(status, 409, "the shared catalogue's names stay the admin's");

    // Alice boots her own, deletes it; it is gone for her alone.
    let (status, body) = create(&alice, json!({"name": "mine", "template": "secret"})).await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(
        alice
            .send(Method::DELETE, "/api/v1/images/secret", Some(json!({})))
            .await
            .0,
        204
    );
    assert!(!names(&alice.get("/api/v1/templates").await.1).contains(&"secret".to_owned()));
    assert!(names(&bob.get("/api/v1/templates").await.1).contains(&"secret".to_owned()));

    // An admin publishes bob's: everyone sees it, and it is no longer bob's to delete.
    let admin = server.admin().await;
    let publish = "/api/v1/admin/images/bob/secret/publish";
    assert_eq!(
        admin.send(Method::POST, publish, Some(json!({}))).await.0,
        204
    );
    let (_, listed) = alice.get("/api/v1/templates").await;
    let published = listed
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == "secret")
        .expect("shared now");
    assert!(published.get("owner").is_none(), "{published}");
    assert_eq!(
        bob.send(Method::DELETE, "/api/v1/images/secret", Some(json!({})))
            .await
            .0,
        404
    );
    assert_eq!(
        alice.send(Method::POST, publish, Some(json!({}))).await.0,
        403,
        "admins only"
    );
}

#[tokio::test]
async fn saved_images_count_in_the_disk_quota() {
    let server = pool().await;
    let admin = server.admin().await;
    let quota = json!({"max_vms": 5, "max_vcpus": 8, "max_memory_mib": 8192, "max_disk_gib": 4});
    admin
        .send(Method::PUT, "/api/v1/admin/users/alice/quota", Some(quota))
        .await;
    let alice = server.login("alice").await;
    let (status, vm) = create(&alice, json!({"name": "src", "template": "demo"})).await;
    assert_eq!(status, 201, "{vm}");
    let uuid = vm["uuid"].as_str().unwrap();
    alice
        .send(
            Method::POST,
            &format!("/api/v1/vms/{uuid}/action"),
            Some(json!({"action": "poweroff"})),
        )
        .await;
    // The demo disk is 2 GiB: the VM and one image fill a 4 GiB quota.
    assert_eq!(save(&alice, uuid, "one").await["state"], "succeeded");
    let path = format!("/api/v1/vms/{uuid}/save-image");
    let (status, body) = alice
        .send(Method::POST, &path, Some(json!({"template": "two"})))
        .await;
    assert_eq!(
        (status, body["code"].clone()),
        (403, json!("quota_exceeded")),
        "{body}"
    );
    let (status, body) = create(&alice, json!({"name": "more", "template": "demo"})).await;
    assert_eq!(body["code"], "quota_exceeded", "{status} {body}");
}
