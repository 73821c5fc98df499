//! The authorization matrix for personal access tokens, over every route of the table: a bad
//! token is 401 everywhere, a read token changes nothing and opens no console, a user's token
//! is 403 on admin routes and 404 on another user's VM; tokens need no `Origin` and no CSRF
//! header (a tool sends neither), and an admin's token carries the admin's rights.

use ezilla::{
    api::{Route, routes},
    auth::Access,
};
use reqwest::{Method, StatusCode};
use serde_json::json;

use super::authz::{ALICE_VM, BOB_VM, concrete, server};
use testkit::server::{Client, TestServer};

/// Sends `method path` as a tool would: the bearer token alone (the client's default
/// header), no `Origin`, no CSRF header, a JSON body on writes; upgrading for WebSockets.
async fn call(client: &Client, server: &TestServer, route: &Route, path: &str) -> StatusCode {
    let mut request = client.http.request(route.method.clone(), server.url(path));
    if route.method != Method::GET {
        request = request.json(&json!({}));
    }
    if route.websocket {
        request = request
            .header("connection", "upgrade")
            .header("upgrade", "websocket")
            .header("sec-websocket-version", "13")
            .header("sec-websocket-key", "dGhlIHNhbXBsZSBub25jZQ==");
    }
    request.send().await.expect("request").status()
}

fn opens_a_console(route: &Route) -> bool {
    route.websocket && route.path != shared::routes::EVENTS
}

#[tokio::test]
async fn a_bad_token_is_401_on_every_route_even_with_a_session() {
    let server = server().await;
    // Alice's live session cookie does not rescue a wrong token: a bearer request is judged
    // by its token alone.
    let (_, session) = server.login_with_token("alice").await;
    let wrong = format!("ezilla_{}", "0".repeat(64));
    for secret in [wrong.as_str(), "not-a-token", &session] {
        let client = server.with_token(secret);
        for route in routes().iter().filter(|r| r.access != Access::Public) {
            let path = concrete(route.path, ALICE_VM);
            let status = call(&client, &server, route, &path).await;
            assert_eq!(status, 401, "{} {path} with {secret}", route.method);
        }
    }
}

#[tokio::test]
async fn a_read_token_changes_nothing_and_opens_no_console() {
    let server = server().await;
    // An admin's read token: every route is open to its role, so only the scope refuses.
    let read = server.with_token(&server.token("root", "read").await);
    for route in routes().iter().filter(|r| r.access != Access::Public) {
        let path = concrete(route.path, ALICE_VM);
        let status = call(&read, &server, route, &path).await;
        if route.method == Method::GET && !opens_a_console(route) {
            assert!(
                ![401, 403].contains(&status.as_u16()),
                "{} {path}: {status}",
                route.method
            );
        } else {
            assert_eq!(status, 403, "{} {path}", route.method);
        }
    }
    // The events socket opens, with no Origin.
    let events = routes()
        .into_iter()
        .find(|r| r.path == shared::routes::EVENTS)
        .unwrap();
    assert_eq!(call(&read, &server, &events, events.path).await, 101);
    let (_, vms) = read.get("/api/v1/vms").await;
    assert_eq!(
        vms["vms"].as_array().unwrap().len(),
        3,
        "the admin's view: {vms}"
    );
}

#[tokio::test]
async fn a_users_token_is_403_on_admin_routes_and_404_on_another_users_vm() {
    let server = server().await;
    let alice = server.with_token(&server.token("alice", "write").await);
    for route in routes().iter().filter(|r| r.access == Access::Admin) {
        let path = concrete(route.path, ALICE_VM);
        assert_eq!(
            call(&alice, &server, route, &path).await,
            403,
            "{} {path}",
            route.method
        );
    }
    let vm_routes: Vec<_> = routes()
        .into_iter()
        .filter(|r| r.path.contains("{id}") && r.access == Access::User)
        .collect();
    for route in &vm_routes {
        let theirs = concrete(route.path, BOB_VM);
        assert_eq!(
            call(&alice, &server, route, &theirs).await,
            404,
            "{} {theirs}",
            route.method
        );
    }
    // Her own VM answers, sockets included (no Origin: the token is enough; the test
    // driver's VMs have no consoles, hence 409).
    for route in vm_routes.iter().filter(|r| r.method == Method::GET) {
        let mine = concrete(route.path, ALICE_VM);
        let status = call(&alice, &server, route, &mine).await;
        let expected_409 = route.websocket;
        assert!(
            status != 404 && (!expected_409 || status == 409),
            "{} {mine}: {status}",
            route.method
        );
    }
    let (status, list) = alice.get("/api/v1/vms").await;
    assert_eq!(status, 200);
    assert_eq!(testkit::vm_names(&list), [json!("alice-web")]);
}

#[tokio::test]
async fn an_admins_write_token_carries_the_admins_rights_without_csrf_or_origin() {
    let server = server().await;
    server.add_user("carol", shared::Role::User);
    let root = server.with_token(&server.token("root", "write").await);
    // No JSON body and no CSRF header: a form-like POST that a session could not make.
    let response = root
        .http
        .delete(server.url("/api/v1/admin/users/carol"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 204);
    let (_, users) = root.get("/api/v1/admin/users").await;
    assert!(!users.to_string().contains("\"carol\""), "{users}");
    // The same request with a session but without the header is refused (CSRF).
    let session = server.admin().await;
    let response = session
        .http
        .delete(server.url("/api/v1/admin/users/alice"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 403);
}
