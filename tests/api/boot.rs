//! `GET/PUT /api/v1/vms/{id}/boot`: a VM's owner chooses whether it boots from its disk or
//! its CD first; another user's VM answers 404, a read-only token cannot change it.

use reqwest::Method;
use serde_json::json;
use shared::Role;
use testkit::server::{TestServer, fixture_host};

const ALICE_VM: &str = "a11ce000-0000-4000-8000-000000000001";
const BOB_VM: &str = "b0b00000-0000-4000-8000-000000000002";

#[tokio::test]
async fn the_owner_sets_which_device_boots_first() {
    let host = fixture_host("owned-host.xml");
    let server = TestServer::api(&[("one1", host.as_str())]).await;
    server.add_user("alice", Role::User);
    let alice = server.login("alice").await;
    let boot = format!("/api/v1/vms/{ALICE_VM}/boot");

    let (status, order) = alice.get(&boot).await;
    assert_eq!(
        (status, &order),
        (200, &json!({"first": "disk"})),
        "{order}"
    );
    for first in ["cdrom", "disk", "cdrom"] {
        let (status, body) = alice
            .send(Method::PUT, &boot, Some(json!({"first": first})))
            .await;
        assert_eq!(status, 204, "{body}");
        assert_eq!(alice.get(&boot).await.1, json!({"first": first}));
    }
    let (status, body) = alice
        .send(Method::PUT, &boot, Some(json!({"first": "floppy"})))
        .await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(alice.get(&boot).await.1, json!({"first": "cdrom"}));

    let theirs = format!("/api/v1/vms/{BOB_VM}/boot");
    assert_eq!(alice.get(&theirs).await.0, 404);
    let (status, _) = alice
        .send(Method::PUT, &theirs, Some(json!({"first": "cdrom"})))
        .await;
    assert_eq!(status, 404, "bob's VM is not alice's to change");

    let reader = server.with_token(&server.token("alice", "read").await);
    assert_eq!(reader.get(&boot).await.0, 200);
    let (status, _) = reader
        .send(Method::PUT, &boot, Some(json!({"first": "disk"})))
        .await;
    assert_eq!(status, 403, "a read-only token changes nothing");
    assert_eq!(alice.get(&boot).await.1, json!({"first": "cdrom"}));
}
