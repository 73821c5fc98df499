//! `/api/v1/me/tokens`: personal access tokens made, listed and revoked; shown once; the
//! secret works as `Authorization: Bearer` until it expires or is revoked, at once even when
//! the server had it cached.

use reqwest::Method;
use serde_json::json;
use shared::{Role, routes};

use testkit::server::TestServer;

async fn server() -> TestServer {
    let server = TestServer::api(&[crate::api::TEST_HOST]).await;
    server.add_user("alice", Role::User);
    server.add_user("bob", Role::User);
    server
}

#[tokio::test]
async fn a_token_is_shown_once_listed_with_its_last_use_and_revoked_at_once() {
    let server = server().await;
    let alice = server.login("alice").await;
    let new = json!({"name": "laptop", "scope": "write", "expires_in_days": 7});
    let (status, made) = alice.send(Method::POST, routes::ME_TOKENS, Some(new)).await;
    assert_eq!(status, 201, "{made}");
    let secret = made["secret"].as_str().unwrap().to_owned();
    assert!(
        secret.starts_with("ezilla_") && secret.len() == 71,
        "{secret}"
    );
    let expires = made["token"]["expires"].as_u64().unwrap();
    let created = made["token"]["created"].as_u64().unwrap();
    assert_eq!(expires - created, 7 * 86_400);

    let (_, listed) = alice.get(routes::ME_TOKENS).await;
    assert!(!listed.to_string().contains(&secret), "never shown again");
    assert_eq!(listed[0]["name"], "laptop");
    assert_eq!(listed[0]["last_used"], json!(null));

    let tool = server.with_token(&secret);
    let (status, me) = tool.get(routes::ME).await;
    assert_eq!((status, me["username"].clone()), (200, json!("alice")));
    let (_, listed) = alice.get(routes::ME_TOKENS).await;
    assert!(
        listed[0]["last_used"].as_u64().unwrap() >= created,
        "{listed}"
    );

    // Bob cannot see or revoke it: 404, like a token that does not exist.
    let bob = server.login("bob").await;
    let id = listed[0]["id"].as_i64().unwrap().to_string();
    let one = routes::fill(routes::ME_TOKEN, &[&id]);
    assert_eq!(bob.get(routes::ME_TOKENS).await.1, json!([]));
    assert_eq!(bob.send(Method::DELETE, &one, Some(json!({}))).await.0, 404);
    assert_eq!(
        tool.get(routes::ME).await.0,
        200,
        "cached and still alice's"
    );

    // Revoked: at once, though the server looked it up a moment ago.
    assert_eq!(
        alice.send(Method::DELETE, &one, Some(json!({}))).await.0,
        204
    );
    assert_eq!(tool.get(routes::ME).await.0, 401);
    assert_eq!(alice.get(routes::ME_TOKENS).await.1, json!([]));
}

#[tokio::test]
async fn an_expired_token_is_refused_and_still_listed() {
    let server = server().await;
    let secret = server.token("alice", "read").await;
    let tool = server.with_token(&secret);
    assert_eq!(tool.get(routes::ME).await.0, 200);
    // Its expiry passes (moved into the past in the database; the cache forgotten as after
    // any few seconds).
    server
        .state
        .auth
        .store
        .execute_for_tests("UPDATE access_tokens SET expires_at = 1")
        .await
        .unwrap();
    server.state.auth.sessions.clear();
    assert_eq!(tool.get(routes::ME).await.0, 401);
    let (_, listed) = server.login("alice").await.get(routes::ME_TOKENS).await;
    assert_eq!(listed[0]["expires"], 1, "{listed}");
}

#[tokio::test]
async fn tokens_are_made_and_revoked_from_a_session_only_and_inputs_are_bounded() {
    let server = server().await;
    let alice = server.login("alice").await;
    let tool = server.with_token(&server.token("alice", "write").await);
    let new = json!({"name": "child", "scope": "write", "expires_in_days": 1});
    let (status, body) = tool.send(Method::POST, routes::ME_TOKENS, Some(new)).await;
    assert_eq!((status, body["code"].clone()), (403, json!("forbidden")));
    let (_, listed) = tool.get(routes::ME_TOKENS).await;
    let one = routes::fill(routes::ME_TOKEN, &[&listed[0]["id"].to_string()]);
    assert_eq!(
        tool.send(Method::DELETE, &one, Some(json!({}))).await.0,
        403
    );

    for bad in [
        json!({"name": "", "scope": "read", "expires_in_days": 1}),
        json!({"name": "x".repeat(101), "scope": "read", "expires_in_days": 1}),
        json!({"name": "a\u{7}b", "scope": "read", "expires_in_days": 1}),
        json!({"name": "x", "scope": "read", "expires_in_days": 0}),
        json!({"name": "x", "scope": "read", "expires_in_days": 367}),
        json!({"name": "x", "scope": "admin", "expires_in_days": 1}),
        json!({"name": "x", "scope": "read", "expires_in_days": -1}),
    ] {
        let (status, body) = alice
            .send(Method::POST, routes::ME_TOKENS, Some(bad.clone()))
            .await;
        assert_eq!(
            (status, body["code"].clone()),
            (400, json!("bad_request")),
            "{bad}"
        );
    }
    for _ in 1..32 {
        let new = json!({"name": "many", "scope": "read", "expires_in_days": 1});
        assert_eq!(
            alice
                .send(Method::POST, routes::ME_TOKENS, Some(new))
                .await
                .0,
            201
        );
    }
    let new = json!({"name": "one too many", "scope": "read", "expires_in_days": 1});
    let (status, body) = alice.send(Method::POST, routes::ME_TOKENS, Some(new)).await;
    assert_eq!((status, body["code"].clone()), (409, json!("conflict")));
}

/// A read token follows the events socket with no `Origin` (as a tool opens it), and the
/// socket closes when the token is revoked.
#[tokio::test]
async fn a_read_token_follows_events_and_a_revoked_token_closes_its_socket() {
    use futures_util::StreamExt;
    use tokio_tungstenite::tungstenite::client::IntoClientRequest;
    let server = server().await;
    let secret = server.token("alice", "read").await;
    let mut request = format!("ws://{}{}", server.addr, routes::EVENTS)
        .into_client_request()
        .unwrap();
    request
        .headers_mut()
        .insert("authorization", format!("Bearer {secret}").parse().unwrap());
    let (mut socket, _) = tokio_tungstenite::connect_async(request)
        .await
        .expect("opens");
    let alice = server.login("alice").await;
    let (_, listed) = alice.get(routes::ME_TOKENS).await;
    let one = routes::fill(routes::ME_TOKEN, &[&listed[0]["id"].to_string()]);
    assert_eq!(
        alice.send(Method::DELETE, &one, Some(json!({}))).await.0,
        204
    );
    let closed = tokio::time::timeout(std::time::Duration::from_secs(30), async {
        while let Some(Ok(message)) = socket.next().await {
            if message.is_close() {
                return true;
            }
        }
        true
    })
    .await;
    assert_eq!(closed, Ok(true), "the socket closes after the revocation");
}

/// A password reset ends the user's access as it ends their sessions: their tokens too, at
/// once (a token made with a stolen password must not outlive the reset).
#[tokio::test]
async fn a_password_reset_revokes_the_users_tokens() {
    let server = server().await;
    let tool = server.with_token(&server.token("alice", "write").await);
    let bobs = server.with_token(&server.token("bob", "write").await);
    assert_eq!(tool.get(routes::ME).await.0, 200, "cached now");
    let reset = json!({"password": "a brand new password"});
    let path = routes::fill(routes::ADMIN_USER_PASSWORD, &["alice"]);
    let (status, _) = server
        .admin()
        .await
        .send(Method::PUT, &path, Some(reset))
        .await;
    assert_eq!(status, 204);
    assert_eq!(tool.get(routes::ME).await.0, 401);
    assert_eq!(bobs.get(routes::ME).await.0, 200, "bob's are his");
}
