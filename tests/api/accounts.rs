//! Logging in and out, throttling, and the admin's user management.

use std::time::{Duration, Instant};

use reqwest::Method;
use serde_json::json;
use shared::Role;

use super::TEST_HOST;
use testkit::server::{PASSWORD, TestServer};

fn login_body(username: &str, password: &str) -> Option<serde_json::Value> {
    Some(json!({"username": username, "password": password, "language": "zh-TW"}))
}

#[tokio::test]
async fn login_sets_a_strict_cookie_and_saves_the_language() {
    let server = TestServer::api(&[TEST_HOST]).await;
    server.add_user("alice", Role::User);
    let response = server
        .anonymous()
        .http
        .post(server.url("/api/v1/auth/login"))
        .json(&login_body("alice", PASSWORD))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let cookie = response.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(cookie.starts_with("ezilla_session="), "{cookie}");
    let token = cookie["ezilla_session=".len()..].split(';').next().unwrap();
    assert_eq!(token.len(), 64, "256 random bits, hex");
    for flag in ["HttpOnly", "SameSite=Strict", "Path=/"] {
        assert!(cookie.contains(flag), "{cookie}");
    }
    let me: serde_json::Value = response.json().await.unwrap();
    assert_eq!(me["language"], "zh-TW");

    let (_, me) = server.login("alice").await.get("/api/v1/me").await;
    assert_eq!(me["username"], "alice");
    assert_eq!(me["role"], "user");
}

#[tokio::test]
async fn wrong_password_and_unknown_user_look_the_same() {
    const SAMPLES: u8 = 5;
    let server = TestServer::api(&[TEST_HOST]).await;
    let mut timings = [Vec::new(), Vec::new()];
    for n in 0..SAMPLES {
        let known = format!("alice{n}");
        server.add_user(&known, Role::User);
        // A fresh username and loopback address per sample, so throttling never answers.
        let client = reqwest::Client::builder()
            .local_address(std::net::IpAddr::from([127, 0, 0, 10 + n]))
            .build()
            .unwrap();
        for (i, user) in [known, format!("nobody{n}")].into_iter().enumerate() {
            let start = Instant::now();
            let response = client
                .post(server.url("/api/v1/auth/login"))
                .json(&login_body(&user, "wrong password").unwrap())
                .send()
                .await
                .unwrap();
            let status = response.status();
            let body: serde_json::Value = response.json().await.unwrap();
            timings[i].push(start.elapsed());
            assert_eq!(status, 401);
            assert_eq!(body["code"], "bad_credentials");
            assert_eq!(body["message"], "Wrong username or password.");
        }
    }
    // Both paths run one argon2 verification; a missing user must not answer much faster.
    let fastest = |t: &[Duration]| *t.iter().min().unwrap();
    let (known, unknown) = (fastest(&timings[0]), fastest(&timings[1]));
    assert!(
        unknown * 2 > known && known * 2 > unknown,
        "wrong password took {known:?}, unknown user {unknown:?}"
    );
}

#[tokio::test]
async fn five_failures_then_429_with_retry_after() {
    let server = TestServer::api(&[TEST_HOST]).await;
    server.add_user("alice", Role::User);
    let client = server.anonymous();
    for _ in 0..5 {
        let (status, _) = client
            .send(
                Method::POST,
                "/api/v1/auth/login",
                login_body("alice", "nope nope"),
            )
            .await;
        assert_eq!(status, 401);
    }
    let response = client
        .http
        .post(server.url("/api/v1/auth/login"))
        .json(&login_body("alice", PASSWORD).unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 429, "even the right password waits");
    let retry: u64 = response.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=300).contains(&retry), "{retry}");
}

#[tokio::test]
async fn logout_ends_the_session_on_the_server() {
    let server = TestServer::api(&[TEST_HOST]).await;
    server.add_user("alice", Role::User);
    let other_tab = server.login("alice").await;
    let client = server.anonymous();
    let response = client
        .http
        .post(server.url("/api/v1/auth/login"))
        .json(&login_body("alice", PASSWORD).unwrap())
        .send()
        .await
        .unwrap();
    let cookie = response.headers()["set-cookie"].to_str().unwrap();
    let token = cookie["ezilla_session=".len()..]
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    let replay = || async {
        reqwest::Client::new()
            .get(server.url("/api/v1/me"))
            .header("cookie", format!("ezilla_session={token}"))
            .send()
            .await
            .unwrap()
            .status()
    };
    assert_eq!(replay().await, 200);

    let (status, _) = client
        .send(Method::POST, "/api/v1/auth/logout", Some(json!({})))
        .await;
    assert_eq!(status, 204);
    assert_eq!(
        client.get("/api/v1/me").await.0,
        401,
        "the browser's cookie is cleared"
    );
    assert_eq!(
        replay().await,
        401,
        "a copy of the old cookie is dead on the server"
    );
    assert_eq!(
        other_tab.get("/api/v1/me").await.0,
        200,
        "other sessions live on"
    );
}

#[tokio::test]
async fn admins_manage_users_and_bad_input_is_refused_clearly() {
    let server = TestServer::api(&[TEST_HOST]).await;
    let admin = server.admin().await;
    let add =
        |body: Option<serde_json::Value>| admin.send(Method::POST, "/api/v1/admin/users", body);
    let new_user = |name: &str, password: &str| {
        Some(json!({"username": name, "password": password, "role": "user"}))
    };
    let (status, body) = add(new_user("carol", "s3cret-enough")).await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["quota"]["max_vms"], 5, "the configured default quota");

    let (status, body) = add(new_user("carol", "s3cret-enough")).await;
    assert_eq!((status, body["code"].clone()), (409, json!("conflict")));
    let (status, body) = add(new_user("<b>", "s3cret-enough")).await;
    assert_eq!((status, body["code"].clone()), (400, json!("bad_request")));
    let (status, _) = add(new_user("dave", "short")).await;
    assert_eq!(status, 400);
    let (status, body) = add(Some(json!({"username": 3}))).await;
    assert_eq!((status, body["code"].clone()), (400, json!("bad_request")));

    let quota = json!({"max_vms": 1, "max_vcpus": 2, "max_memory_mib": 512, "max_disk_gib": 10});
    let (status, _) = admin
        .send(
            Method::PUT,
            "/api/v1/admin/users/carol/quota",
            Some(quota.clone()),
        )
        .await;
    assert_eq!(status, 204);
    let carol = server.anonymous();
    let (status, _) = carol
        .send(
            Method::POST,
            "/api/v1/auth/login",
            Some(json!({"username": "carol", "password": "s3cret-enough", "language": "en"})),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(carol.get("/api/v1/me").await.1["quota"], quota);

    // A password reset ends the user's sessions.
    let (status, _) = admin
        .send(
            Method::PUT,
            "/api/v1/admin/users/carol/password",
            Some(json!({"password": "another-one"})),
        )
        .await;
    assert_eq!(status, 204);
    assert_eq!(carol.get("/api/v1/me").await.0, 401);

    let (_, users) = admin.get("/api/v1/admin/users").await;
    let names: Vec<_> = users
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["username"].clone())
        .collect();
    assert_eq!(names, [json!("admin"), json!("carol"), json!("root")]);
    assert!(
        !users.to_string().contains("argon2"),
        "no hashes leave the server"
    );

    let (status, _) = admin
        .send(Method::DELETE, "/api/v1/admin/users/root", Some(json!({})))
        .await;
    assert_eq!(status, 409, "an admin cannot delete their own account");
    let (status, _) = admin
        .send(Method::DELETE, "/api/v1/admin/users/carol", Some(json!({})))
        .await;
    assert_eq!(status, 204);
    let (status, _) = admin
        .send(Method::DELETE, "/api/v1/admin/users/carol", Some(json!({})))
        .await;
    assert_eq!(status, 404);
}

/// Behind a trusted proxy each client is throttled by its own address (the proxy's
/// `X-Forwarded-For`); a client that is not a trusted proxy cannot pick its address so.
#[tokio::test]
async fn forwarded_addresses_count_only_from_trusted_proxies() {
    let server = TestServer::start_with(&[TEST_HOST], "/nonexistent".into(), |s| {
        s.trusted_proxies = vec![std::net::IpAddr::from([127, 0, 0, 1])];
    })
    .await;
    server.add_user("alice", Role::User);
    let login = |from: [u8; 4], forwarded: &'static str, password: &'static str| {
        let client = reqwest::Client::builder()
            .local_address(std::net::IpAddr::from(from))
            .build()
            .unwrap();
        let url = server.url("/api/v1/auth/login");
        async move {
            client
                .post(url)
                .header("x-forwarded-for", forwarded)
                .json(&login_body("alice", password).unwrap())
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }
    };
    // Through the proxy: the attacker at 203.0.113.9 is locked out, alice at 198.51.100.7 not.
    for _ in 0..5 {
        assert_eq!(login([127, 0, 0, 1], "203.0.113.9", "wrong one").await, 401);
    }
    assert_eq!(login([127, 0, 0, 1], "203.0.113.9", PASSWORD).await, 429);
    assert_eq!(login([127, 0, 0, 1], "198.51.100.7", PASSWORD).await, 200);
    // Not from the proxy: the header is ignored, the peer's own address counts.
    for _ in 0..5 {
        assert_eq!(
            login([127, 0, 0, 2], "198.51.100.8", "wrong one").await,
            401
        );
    }
    assert_eq!(login([127, 0, 0, 2], "198.51.100.99", PASSWORD).await, 429);
}
