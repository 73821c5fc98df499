//! Personal access tokens for tests: made over the API from a session, and clients that send
//! one as `Authorization: Bearer` (and no cookie, no `Origin`, no CSRF header).

use reqwest::header::{AUTHORIZATION, HeaderMap, HeaderValue};
use serde_json::json;

use crate::server::{Client, TestServer};

impl TestServer {
    /// A new token of `username`'s, with `scope` (`read` or `write`), for 30 days.
    pub async fn token(&self, username: &str, scope: &str) -> String {
        let session = self.login(username).await;
        let (status, made) = session
            .send(
                reqwest::Method::POST,
                shared::routes::ME_TOKENS,
                Some(json!({"name": format!("{scope} token"), "scope": scope, "expires_in_days": 30})),
            )
            .await;
        assert_eq!(status, 201, "{made}");
        made["secret"].as_str().expect("the secret").to_owned()
    }

    /// A client that sends `secret` as its bearer token on every request, and nothing else.
    pub fn with_token(&self, secret: &str) -> Client {
        let mut headers = HeaderMap::new();
        let value = HeaderValue::from_str(&format!("Bearer {secret}")).expect("ASCII");
        headers.insert(AUTHORIZATION, value);
        Client {
            http: reqwest::Client::builder()
                .default_headers(headers)
                .build()
                .unwrap(),
            base: self.url(""),
        }
    }
}
