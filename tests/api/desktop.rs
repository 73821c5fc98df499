//! `GET/PUT /api/v1/me/desktop`: saved per user, versioned so two tabs lose no change.

use serde_json::{Value, json};
use shared::Role;

use super::TEST_HOST;
use testkit::server::{Client, TestServer};

async fn load(client: &Client, server: &TestServer) -> (String, Value) {
    let response = client
        .http
        .get(server.url("/api/v1/me/desktop"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let etag = response.headers()["etag"].to_str().unwrap().to_owned();
    (etag, response.json().await.unwrap())
}

async fn save(
    client: &Client,
    server: &TestServer,
    etag: Option<&str>,
    desktop: &Value,
) -> (u16, Value) {
    let mut request = client
        .http
        .put(server.url("/api/v1/me/desktop"))
        .json(desktop);
    if let Some(etag) = etag {
        request = request.header("if-match", etag);
    }
    let response = request.send().await.unwrap();
    (response.status().as_u16(), response.json().await.unwrap())
}

#[tokio::test]
async fn two_tabs_editing_at_once_lose_no_change() {
    let server = TestServer::api(&[TEST_HOST]).await;
    server.add_user("alice", Role::User);
    let (tab_a, tab_b) = (server.login("alice").await, server.login("alice").await);

    let (etag, first) = load(&tab_a, &server).await;
    assert_eq!(
        (etag.as_str(), first["version"].clone()),
        ("\"0\"", json!(0))
    );
    assert_eq!(
        first["desktop"]["wallpaper"], "",
        "the defaults before any save"
    );
    let (etag_b, _) = load(&tab_b, &server).await;

    let mut a = first["desktop"].clone();
    a["wallpaper"] = json!("aurora.svg");
    let (status, saved) = save(&tab_a, &server, Some(&etag), &a).await;
    assert_eq!(
        (status, saved["version"].clone()),
        (200, json!(1)),
        "{saved}"
    );

    // Tab B still holds version 0: its save is refused, not applied over A's.
    let mut b = first["desktop"].clone();
    b["favourites"] = json!(["vm-manager"]);
    let (status, refused) = save(&tab_b, &server, Some(&etag_b), &b).await;
    assert_eq!(
        (status, refused["code"].clone()),
        (409, json!("version_conflict"))
    );

    // B fetches again and reapplies its change on top of A's.
    let (etag_b, fresh) = load(&tab_b, &server).await;
    let mut b = fresh["desktop"].clone();
    b["favourites"] = json!(["vm-manager"]);
    let (status, _) = save(&tab_b, &server, Some(&etag_b), &b).await;
    assert_eq!(status, 200);

    let (etag, both) = load(&tab_a, &server).await;
    assert_eq!(etag, "\"2\"");
    assert_eq!(both["desktop"]["wallpaper"], "aurora.svg");
    assert_eq!(both["desktop"]["favourites"], json!(["vm-manager"]));
}

#[tokio::test]
async fn desktops_are_per_user_and_bad_saves_are_refused() {
    let server = TestServer::api(&[TEST_HOST]).await;
    server.add_user("alice", Role::User);
    server.add_user("bob", Role::User);
    let (alice, bob) = (server.login("alice").await, server.login("bob").await);
    let desktop = json!({"wallpaper": "aurora.svg", "icons": [{"app": "vm-manager", "at": {"x": 40, "y": 200}}]});
    assert_eq!(save(&alice, &server, Some("\"0\""), &desktop).await.0, 200);
    let (_, theirs) = load(&bob, &server).await;
    assert_eq!(theirs["version"], 0, "bob's desktop is his own");

    let (status, body) = save(&alice, &server, None, &desktop).await;
    assert_eq!(
        (status, body["code"].clone()),
        (428, json!("precondition_required"))
    );
    let (status, _) = save(&alice, &server, Some("yesterday"), &desktop).await;
    assert_eq!(status, 400);
    let huge = json!({"favourites": vec!["x".repeat(1000); 100]});
    let (status, _) = save(&alice, &server, Some("\"1\""), &huge).await;
    assert_eq!(status, 400, "too large");
    let (_, mine) = load(&alice, &server).await;
    assert_eq!(
        mine["desktop"]["icons"][0]["at"],
        json!({"x": 40, "y": 200}),
        "nothing lost"
    );
}
