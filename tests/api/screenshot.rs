//! `GET /api/v1/vms/{id}/screenshot?width=N`: PNG scaled on the server, owner-checked.

use reqwest::Method;
use serde_json::json;
use shared::Role;

use crate::support::server::{TestServer, fixture_host};

const ALICE_VM: &str = "a11ce000-0000-4000-8000-000000000001";

/// The PNG's width and height.
fn png_size(bytes: &[u8]) -> (u32, u32) {
    let reader = png::Decoder::new(std::io::Cursor::new(bytes))
        .read_info()
        .expect("a PNG");
    (reader.info().width, reader.info().height)
}

#[tokio::test]
async fn screenshots_are_scaled_pngs_of_running_vms_only() {
    let host = fixture_host("owned-host.xml");
    let server = TestServer::api(&[("one1", host.as_str())]).await;
    server.add_user("alice", Role::User);
    let alice = server.login("alice").await;
    let url = |query: &str| server.url(&format!("/api/v1/vms/{ALICE_VM}/screenshot{query}"));

    let response = alice.http.get(url("?width=200")).send().await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "image/png");
    let (width, height) = png_size(&response.bytes().await.unwrap());
    // The test driver's screen is 1120 x 832.
    assert_eq!((width, height), (200, 148));

    let (w, _) = png_size(
        &alice
            .http
            .get(url(""))
            .send()
            .await
            .unwrap()
            .bytes()
            .await
            .unwrap(),
    );
    assert_eq!(w, 640, "the default width");
    for bad in ["?width=0", "?width=5000", "?width=wide"] {
        let (status, body) = alice
            .get(&format!("/api/v1/vms/{ALICE_VM}/screenshot{bad}"))
            .await;
        assert_eq!(
            (status, body["code"].clone()),
            (400, json!("bad_request")),
            "{bad}: JSON like every error"
        );
    }

    let action = format!("/api/v1/vms/{ALICE_VM}/action");
    alice
        .send(Method::POST, &action, Some(json!({"action": "poweroff"})))
        .await;
    let (status, body) = alice
        .get(&format!("/api/v1/vms/{ALICE_VM}/screenshot?width=100"))
        .await;
    assert_eq!(
        (status, body["code"].clone()),
        (409, json!("invalid_state")),
        "a VM that is off has no screen"
    );
}
