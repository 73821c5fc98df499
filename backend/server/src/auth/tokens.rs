//! Personal access tokens on requests: `Authorization: Bearer ezilla_...` instead of a session
//! cookie. A request that carries one is judged by it alone (its cookies are ignored), so it
//! needs neither the CSRF header nor a same-origin WebSocket: no other site's page can add an
//! `Authorization` header to a user's request.

use std::time::Instant;

use axum::http::{HeaderMap, Method, header};
use shared::{TokenScope, tokens::TOKEN_PREFIX};

use super::{Auth, Credential, CurrentUser, now_secs};
use crate::error::ApiError;

/// A new token secret: the prefix and 256 random bits, hex-encoded.
pub fn new_secret() -> String {
    format!("{TOKEN_PREFIX}{}", super::session::new_token())
}

/// The bearer credential the request carries, if any (a personal token or the configured
/// metrics token).
pub fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
        .map(str::trim)
}

/// Whether a token of `scope` may make a request of `method`; `console`: the route opens a
/// console (which types into a VM). A read token may look, and follow the events socket.
pub fn permits(scope: TokenScope, method: &Method, console: bool) -> bool {
    match scope {
        TokenScope::Write => true,
        TokenScope::Read => matches!(*method, Method::GET | Method::HEAD) && !console,
    }
}

/// The owner of a live token (looked up in the last few seconds, or in the database, where
/// its use is recorded); `None` for an unknown, revoked or expired one.
pub async fn authenticate(auth: &Auth, secret: &str) -> Result<Option<CurrentUser>, ApiError> {
    if !secret.starts_with(TOKEN_PREFIX) || secret.len() > 128 {
        return Ok(None);
    }
    let now = now_secs();
    if let Some(current) = auth.sessions.get(secret, Instant::now()) {
        return Ok(still_live(current, now));
    }
    let stored = secret.to_owned();
    let found = auth
        .store
        .access_tokens()
        .user_of(&stored, now, true)
        .await?;
    let Some(found) = found else { return Ok(None) };
    let current = CurrentUser {
        id: found.user.id,
        uid: found.user.uid,
        user: found.user.user,
        token: secret.to_owned(),
        credential: Credential::Token {
            id: found.token_id,
            scope: found.scope,
            expires: found.expires,
        },
    };
    auth.sessions.put(current.clone(), Instant::now());
    Ok(Some(current))
}

/// A cached token's user, unless it expired since it was cached.
fn still_live(current: CurrentUser, now: i64) -> Option<CurrentUser> {
    match current.credential {
        Credential::Token { expires, .. } if now >= expires => None,
        Credential::Token { .. } => Some(current),
        // A session's secret never has the token prefix.
        Credential::Session => None,
    }
}

/// Whether the token that opened a socket still works (not revoked, not expired).
pub async fn still_valid(auth: &Auth, secret: &str, activity: bool) -> bool {
    let found = auth
        .store
        .access_tokens()
        .user_of(secret, now_secs(), activity)
        .await;
    matches!(found, Ok(Some(_)))
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;

    use super::*;

    #[test]
    fn a_read_token_looks_and_never_types() {
        use TokenScope::{Read, Write};
        assert!(permits(Read, &Method::GET, false));
        assert!(permits(Read, &Method::HEAD, false));
        for method in [Method::POST, Method::PUT, Method::DELETE, Method::PATCH] {
            assert!(!permits(Read, &method, false), "{method}");
            assert!(permits(Write, &method, false), "{method}");
        }
        assert!(!permits(Read, &Method::GET, true), "no console");
        assert!(permits(Write, &Method::GET, true));
    }

    #[test]
    fn bearer_secrets_come_from_the_authorization_header() {
        let mut headers = HeaderMap::new();
        assert_eq!(bearer(&headers), None);
        headers.insert(header::AUTHORIZATION, HeaderValue::from_static("Basic x"));
        assert_eq!(bearer(&headers), None);
        headers.insert(
            header::AUTHORIZATION,
            HeaderValue::from_static("Bearer ezilla_ab "),
        );
        assert_eq!(bearer(&headers), Some("ezilla_ab"));
        let secret = new_secret();
        assert!(secret.starts_with("ezilla_") && secret.len() == 7 + 64);
    }
}
