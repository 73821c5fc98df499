//! VMs belong to a user's stable id, not their name: deleting a user deletes or hands over
//! their VMs (the admin's choice), and a later user of the same name sees none of them.

use reqwest::Method;
use serde_json::json;
use shared::Role;

use testkit::server::TestServer;

async fn vm_names(client: &testkit::server::Client) -> Vec<String> {
    let (_, list) = client.get("/api/v1/vms").await;
    list["vms"]
        .as_array()
        .unwrap()
        .iter()
        .map(|vm| vm["name"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn a_deleted_users_namesake_sees_none_of_the_old_vms() {
    let server = TestServer::pool_of_three(false).await;
    server.add_user("bob", Role::User);
    server.add_user("carol", Role::User);
    let admin = server.admin().await;
    for (user, vm) in [("alice", "alices"), ("carol", "carols")] {
        let client = server.login(user).await;
        let (status, body) = client
            .send(
                Method::POST,
                "/api/v1/vms",
                Some(json!({"name": vm, "template": "demo"})),
            )
            .await;
        assert_eq!(status, 201, "{body}");
    }

    let (status, body) = admin
        .send(Method::DELETE, "/api/v1/admin/users/alice", Some(json!({})))
        .await;
    assert_eq!(
        (status, body["code"].clone()),
        (409, json!("conflict")),
        "a user with VMs needs a choice: {body}"
    );
    let (status, body) = admin
        .send(
            Method::DELETE,
            "/api/v1/admin/users/alice?vms=handover&to=bob",
            Some(json!({})),
        )
        .await;
    assert_eq!(status, 204, "{body}");
    let (status, _) = admin
        .send(
            Method::DELETE,
            "/api/v1/admin/users/carol?vms=delete",
            Some(json!({})),
        )
        .await;
    assert_eq!(status, 204);

    let bob = server.login("bob").await;
    assert_eq!(vm_names(&bob).await, ["alices"], "handed over");
    let (_, list) = bob.get("/api/v1/vms").await;
    assert_eq!(list["vms"][0]["owner"], "bob");
    assert!(
        !vm_names(&admin).await.contains(&"carols".to_owned()),
        "deleted with carol"
    );

    server.add_user("alice", Role::User);
    server.add_user("carol", Role::User);
    for namesake in ["alice", "carol"] {
        let client = server.login(namesake).await;
        assert!(vm_names(&client).await.is_empty(), "{namesake}");
    }
}
