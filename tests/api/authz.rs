//! The authorization matrix, over every route the router serves (taken from the route table
//! the router is built from, so a new route is covered without touching this file).

use ezilla::{api::routes, auth::Access};
use reqwest::{Method, StatusCode};
use serde_json::json;
use shared::Role;

use testkit::{
    browser::PATIENCE,
    server::{Client, TestServer, fixture_host},
};

pub(super) const ALICE_VM: &str = "a11ce000-0000-4000-8000-000000000001";
pub(super) const BOB_VM: &str = "b0b00000-0000-4000-8000-000000000002";

/// A server on the owned-VMs fixture, with users alice and bob.
pub(super) async fn server() -> TestServer {
    let host = fixture_host("owned-host.xml");
    let server = TestServer::api(&[("one1", host.as_str())]).await;
    server.add_user("alice", Role::User);
    server.add_user("bob", Role::User);
    server
}

/// `path` with its parameters filled: a VM id becomes `vm`, a username `bob`, a snapshot
/// `snap1`.
pub(super) fn concrete(path: &str, vm: &str) -> String {
    path.replace("{id}", vm)
        .replace("{name}", "bob")
        .replace("{snapshot}", "snap1")
}

/// Sends `method path` the way a same-site client would (JSON body on writes), upgrading
/// to a WebSocket when asked, with the given `Origin`.
async fn call(
    client: &Client,
    server: &TestServer,
    method: &Method,
    path: &str,
    websocket: bool,
    origin: &str,
) -> StatusCode {
    let mut request = client
        .http
        .request(method.clone(), server.url(path))
        .header("origin", origin);
    if *method != Method::GET {
        request = request.json(&json!({}));
    }
    if websocket {
        request = request
            .header("connection", "upgrade")
            .header("upgrade", "websocket")
            .header("sec-websocket-version", "13")
            .header("sec-websocket-key", "dGhlIHNhbXBsZSBub25jZQ==");
    }
    request.send().await.expect("request").status()
}

#[tokio::test]
async fn every_non_public_route_needs_a_session() {
    let server = server().await;
    let nobody = server.anonymous();
    let own = server.url("");
    for route in routes().iter().filter(|r| r.access != Access::Public) {
        let path = concrete(route.path, ALICE_VM);
        let status = call(
            &nobody,
            &server,
            &route.method,
            &path,
            route.websocket,
            &own,
        )
        .await;
        assert_eq!(status, 401, "{} {path}", route.method);
    }
}

#[tokio::test]
async fn users_get_403_on_every_admin_route() {
    let server = server().await;
    let alice = server.login("alice").await;
    let own = server.url("");
    for route in routes().iter().filter(|r| r.access == Access::Admin) {
        let path = concrete(route.path, ALICE_VM);
        let status = call(&alice, &server, &route.method, &path, route.websocket, &own).await;
        assert_eq!(status, 403, "{} {path}", route.method);
    }
}

#[tokio::test]
async fn another_users_vm_is_404_on_every_vm_route() {
    let server = server().await;
    let alice = server.login("alice").await;
    let own = server.url("");
    let vm_routes: Vec<_> = routes()
        .into_iter()
        .filter(|r| r.path.contains("{id}") && r.access == Access::User)
        .collect();
    assert!(!vm_routes.is_empty(), "the table has per-VM routes");
    for route in &vm_routes {
        let theirs = concrete(route.path, BOB_VM);
        let status = call(
            &alice,
            &server,
            &route.method,
            &theirs,
            route.websocket,
            &own,
        )
        .await;
        assert_eq!(status, 404, "{} {theirs}", route.method);
    }
    // And the check is no blanket 404: her own VM answers (read-only routes, so that no
    // route of the loop deletes it from under the others).
    for route in vm_routes.iter().filter(|r| r.method == Method::GET) {
        let mine = concrete(route.path, ALICE_VM);
        let status = call(&alice, &server, &route.method, &mine, route.websocket, &own).await;
        assert_ne!(status, 404, "{} {mine}: her own VM", route.method);
    }
    // An id that exists nowhere answers the same as bob's.
    let (status, body) = alice
        .get("/api/v1/vms/00000000-0000-4000-8000-00000000dead")
        .await;
    let (status_bob, body_bob) = alice.get(&format!("/api/v1/vms/{BOB_VM}")).await;
    assert_eq!((status, body), (status_bob, body_bob));
}

#[tokio::test]
async fn cross_origin_websocket_upgrades_get_403() {
    let server = server().await;
    let alice = server.login("alice").await;
    let sockets: Vec<_> = routes().into_iter().filter(|r| r.websocket).collect();
    assert!(!sockets.is_empty(), "the table has WebSocket routes");
    for route in &sockets {
        let path = concrete(route.path, ALICE_VM);
        for origin in ["http://evil.test", "null"] {
            let status = call(&alice, &server, &route.method, &path, true, origin).await;
            assert_eq!(status, 403, "{path} from {origin}");
        }
        let own = server.url("");
        let status = call(&alice, &server, &route.method, &path, true, &own).await;
        // From its own origin the upgrade passes; the test driver's VMs have no consoles.
        let expected = if route.path == shared::routes::EVENTS {
            101
        } else {
            409
        };
        assert_eq!(status, expected, "{path} from its own origin");
    }
}

/// A console route asked without the upgrade (what the browser does when its socket was
/// refused) answers the same checks, without opening anything.
#[tokio::test]
async fn a_console_asked_without_the_upgrade_says_why_it_would_not_open() {
    use shared::routes::{VM_CONSOLE_SERIAL, VM_CONSOLE_VNC};
    let server = server().await;
    let alice = server.login("alice").await;
    let ask = |path: &str, header: bool| {
        let mut request = alice.http.get(server.url(path));
        if header {
            request = request.header(shared::auth::CSRF_HEADER, "1");
        }
        async move {
            let response = request.send().await.unwrap();
            let status = response.status().as_u16();
            let body: serde_json::Value = response.json().await.unwrap_or_default();
            (status, body["code"].as_str().unwrap_or_default().to_owned())
        }
    };
    let serial = concrete(VM_CONSOLE_SERIAL, ALICE_VM);
    let vnc = concrete(VM_CONSOLE_VNC, ALICE_VM);
    assert_eq!(ask(&serial, true).await, (204, String::new()));
    // The test driver's VMs have no VNC display.
    assert_eq!(ask(&vnc, true).await, (409, "invalid_state".into()));
    // Neither its own Origin nor the custom header: a page of another site.
    assert_eq!(ask(&serial, false).await.0, 403);
    for path in [VM_CONSOLE_SERIAL, VM_CONSOLE_VNC] {
        let bobs = concrete(path, BOB_VM);
        assert_eq!(ask(&bobs, true).await, (404, "not_found".into()));
    }
    let action = concrete(shared::routes::VM_ACTION, ALICE_VM);
    let (status, _) = alice
        .send(Method::POST, &action, Some(json!({"action": "poweroff"})))
        .await;
    assert_eq!(status, 204);
    testkit::eventually("a stopped VM's console refused", PATIENCE, || async {
        (ask(&serial, true).await == (409, "invalid_state".into())).then_some(())
    })
    .await;
}

#[tokio::test]
async fn users_see_their_own_vms_and_admins_all_with_owners() {
    let server = server().await;
    let (_, mine) = server.login("alice").await.get("/api/v1/vms").await;
    let names = testkit::vm_names(&mine);
    assert_eq!(names, [json!("alice-web")]);
    assert_eq!(mine["vms"][0]["owner"], "alice");

    let (_, all) = server.admin().await.get("/api/v1/vms").await;
    let owners: Vec<_> = all["vms"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["owner"].clone())
        .collect();
    assert_eq!(owners, [json!("alice"), json!("bob"), json!(null)]);
}

#[tokio::test]
async fn state_changing_requests_need_json_or_the_custom_header() {
    let server = server().await;
    let alice = server.login("alice").await;
    // A cross-site form can post, but not with a JSON body or a custom header.
    let form = alice
        .http
        .post(server.url("/api/v1/auth/logout"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("a=1")
        .send()
        .await
        .unwrap();
    assert_eq!(form.status(), 403);
    assert_eq!(alice.get("/api/v1/me").await.0, 200, "still logged in");
    let with_header = alice
        .http
        .post(server.url("/api/v1/auth/logout"))
        .header(shared::auth::CSRF_HEADER, "1")
        .send()
        .await
        .unwrap();
    assert_eq!(with_header.status(), 204);
}
