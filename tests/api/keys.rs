//! `/api/v1/me/keys`: users' SSH public keys, validated and fingerprinted; a generated pair's
//! private half is answered once and is a working OpenSSH key; another user's key is 404.

use std::{os::unix::fs::PermissionsExt, process::Command};

use reqwest::Method;
use serde_json::json;
use shared::Role;

use super::TEST_HOST;
use testkit::server::TestServer;

/// A real ed25519 public key, made by `ssh-keygen` for this test.
fn keygen(dir: &std::path::Path, comment: &str) -> String {
    let file = dir.join(comment);
    let made = Command::new("ssh-keygen")
        .args(["-q", "-t", "ed25519", "-N", "", "-C", comment, "-f"])
        .arg(&file)
        .status()
        .expect("ssh-keygen (openssh-client)");
    assert!(made.success());
    std::fs::read_to_string(file.with_extension("pub"))
        .unwrap()
        .trim()
        .to_owned()
}

#[tokio::test]
async fn users_add_list_and_remove_their_own_keys() {
    let server = TestServer::api(&[TEST_HOST]).await;
    server.add_user("alice", Role::User);
    server.add_user("bob", Role::User);
    let (alice, bob) = (server.login("alice").await, server.login("bob").await);
    let dir = tempfile::tempdir().unwrap();
    let laptop = keygen(dir.path(), "alice@laptop");

    let (status, key) = alice
        .send(
            Method::POST,
            "/api/v1/me/keys",
            Some(json!({"public_key": laptop})),
        )
        .await;
    assert_eq!(status, 201, "{key}");
    assert_eq!(key["name"], "alice@laptop", "named by its comment");
    let shown = Command::new("ssh-keygen")
        .args(["-l", "-f"])
        .arg(dir.path().join("alice@laptop.pub"))
        .output()
        .unwrap();
    let shown = String::from_utf8_lossy(&shown.stdout);
    assert!(
        shown.contains(key["fingerprint"].as_str().unwrap()),
        "the fingerprint ssh-keygen shows: {shown} / {key}"
    );
    let again = alice
        .send(
            Method::POST,
            "/api/v1/me/keys",
            Some(json!({"public_key": laptop})),
        )
        .await;
    assert_eq!(again.0, 409, "a key once per user: {}", again.1);
    for bad in [
        "ssh-ed25519 notbase64 x",
        "hello",
        "-----BEGIN OPENSSH PRIVATE KEY-----",
    ] {
        let (status, body) = alice
            .send(
                Method::POST,
                "/api/v1/me/keys",
                Some(json!({"public_key": bad})),
            )
            .await;
        assert_eq!(
            (status, body["code"].clone()),
            (400, json!("bad_request")),
            "{bad}"
        );
    }

    let (_, theirs) = bob.get("/api/v1/me/keys").await;
    assert_eq!(theirs, json!([]), "bob sees none of alice's keys");
    let path = format!("/api/v1/me/keys/{}", key["id"]);
    let (status, _) = bob.send(Method::DELETE, &path, Some(json!({}))).await;
    assert_eq!(status, 404, "alice's key is not bob's to remove");
    let (_, mine) = alice.get("/api/v1/me/keys").await;
    assert_eq!(mine.as_array().unwrap().len(), 1);
    let (status, _) = alice.send(Method::DELETE, &path, Some(json!({}))).await;
    assert_eq!(status, 204);
    assert_eq!(alice.get("/api/v1/me/keys").await.1, json!([]));
}

#[tokio::test]
async fn a_generated_pair_is_answered_once_and_works_with_openssh() {
    let server = TestServer::api(&[TEST_HOST]).await;
    server.add_user("alice", Role::User);
    let alice = server.login("alice").await;
    let (status, pair) = alice
        .send(
            Method::POST,
            "/api/v1/me/keys/generate",
            Some(json!({"name": "made here"})),
        )
        .await;
    assert_eq!(status, 201, "{pair}");
    let dir = tempfile::tempdir().unwrap();
    let private = dir.path().join("id");
    std::fs::write(&private, pair["private_key"].as_str().unwrap()).unwrap();
    std::fs::set_permissions(&private, std::fs::Permissions::from_mode(0o600)).unwrap();
    let derived = Command::new("ssh-keygen")
        .arg("-y")
        .arg("-f")
        .arg(&private)
        .output()
        .unwrap();
    assert!(derived.status.success(), "OpenSSH reads the private key");
    let derived = String::from_utf8_lossy(&derived.stdout);
    let public = pair["key"]["public_key"].as_str().unwrap();
    assert_eq!(
        derived.split_whitespace().take(2).collect::<Vec<_>>(),
        public.split_whitespace().take(2).collect::<Vec<_>>()
    );
    let (_, listed) = alice.get("/api/v1/me/keys").await;
    assert_eq!(listed[0]["name"], "made here");
    assert!(
        !listed.to_string().contains("PRIVATE KEY"),
        "the server keeps no private half: {listed}"
    );
}

#[tokio::test]
async fn only_admins_give_cloud_init_vms_their_own_user_data() {
    let server = TestServer::api(&[TEST_HOST]).await;
    server.add_user("alice", Role::User);
    let admin = server.admin().await;
    let template = |name: &str, cloud_init: bool| {
        json!({"name": name, "os": "x", "storage_pool": "default-pool", "volume": "v",
               "cores": 1, "memory_mib": 128, "disk_gib": 1, "cloud_init": cloud_init})
    };
    for (name, cloud_init) in [("cloudy", true), ("plain", false)] {
        let (status, body) = admin
            .send(
                Method::POST,
                "/api/v1/templates",
                Some(template(name, cloud_init)),
            )
            .await;
        assert_eq!(status, 201, "{body}");
    }
    let (_, listed) = admin.get("/api/v1/templates").await;
    assert!(
        listed.to_string().contains("\"cloud_init\":true"),
        "{listed}"
    );
    let alice = server.login("alice").await;
    let create = |template: &str| json!({"name": "vm1", "template": template, "user_data": "#cloud-config\n"});
    let (status, body) = alice
        .send(Method::POST, "/api/v1/vms", Some(create("cloudy")))
        .await;
    assert_eq!(
        (status, body["code"].clone()),
        (403, json!("forbidden")),
        "{body}"
    );
    let (status, body) = admin
        .send(Method::POST, "/api/v1/vms", Some(create("plain")))
        .await;
    assert_eq!(status, 400, "no cloud-init, no user-data: {body}");
}
