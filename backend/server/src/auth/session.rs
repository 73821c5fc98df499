//! Session cookies, and the middleware that turns one into a `CurrentUser` or a 401/403.

use axum::{
    body::Body,
    extract::State,
    http::{HeaderMap, HeaderValue, Request, header},
    middleware::Next,
    response::{IntoResponse, Response},
};

use std::{sync::Arc, time::Instant};

use super::{Access, Auth, Credential, CurrentUser, now_secs, tokens};
use crate::error::ApiError;

/// The session cookie's name.
pub const COOKIE: &str = "ezilla_session";

/// A new random 256-bit session token, hex-encoded.
pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).expect("OS randomness");
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The session token from the request's cookies, if any.
pub fn token_from(headers: &HeaderMap) -> Option<String> {
    cookie(headers, COOKIE)
}

/// The value of the request's cookie `wanted`, if it has one.
pub fn cookie(headers: &HeaderMap, wanted: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == wanted)
        .map(|(_, value)| value.to_owned())
}

/// `Set-Cookie` for a new session (`Some(token)`) or for ending one (`None`).
pub fn set_cookie(token: Option<&str>, max_age_secs: i64, secure: bool) -> HeaderValue {
    let (value, max_age) = match token {
        Some(token) => (token, max_age_secs),
        None => ("", 0),
    };
    let secure = if secure { "; Secure" } else { "" };
    let cookie =
        format!("{COOKIE}={value}; Path=/; HttpOnly; SameSite=Strict; Max-Age={max_age}{secure}");
    HeaderValue::from_str(&cookie).expect("cookie is ASCII")
}

/// Whether a TLS-terminating proxy says the browser used HTTPS: then the cookie is `Secure`
/// even if `secure_cookies` was not set.
pub fn came_over_tls(headers: &HeaderMap) -> bool {
    headers
        .get("x-forwarded-proto")
        .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"https"))
}

/// Middleware for a route of the given access: finds the caller (by their access token, or
/// else their session) and checks the role, and a read token's limits; `console`: the route
/// opens a console.
pub async fn require(
    access: Access,
    console: bool,
    State(auth): State<Arc<Auth>>,
    mut req: Request<Body>,
    next: Next,
) -> Response {
    if access == Access::Public {
        return next.run(req).await;
    }
    let current = match caller(&auth, req.headers()).await {
        Ok(Some(current)) => current,
        Ok(None) => return ApiError::Unauthorized.into_response(),
        Err(err) => return err.into_response(),
    };
    if access == Access::Admin && !current.is_admin() {
        return ApiError::Forbidden("this needs an administrator").into_response();
    }
    if let Credential::Token { scope, .. } = current.credential
        && !tokens::permits(scope, req.method(), console)
    {
        return ApiError::Forbidden("a read-only token cannot change anything or open a console")
            .into_response();
    }
    req.extensions_mut().insert(current);
    next.run(req).await
}

/// The caller: by the bearer token when the request carries one (its cookies are then
/// ignored), else by the session cookie.
async fn caller(auth: &Auth, headers: &HeaderMap) -> Result<Option<CurrentUser>, ApiError> {
    if let Some(secret) = tokens::bearer(headers) {
        return tokens::authenticate(auth, secret).await;
    }
    let Some(token) = token_from(headers) else {
        return Ok(None);
    };
    match auth.sessions.get(&token, Instant::now()) {
        Some(current) if current.credential == Credential::Session => Ok(Some(current)),
        Some(_) => Ok(None),
        None => lookup(auth, token).await,
    }
}

/// The caller, if the request carries a live session or token (for public routes that say
/// more to those logged in).
pub async fn optional_user(auth: &Auth, headers: &HeaderMap) -> Option<CurrentUser> {
    caller(auth, headers).await.ok().flatten()
}

/// The session's user from the database (touching its last-seen time), then cached.
async fn lookup(auth: &Auth, token: String) -> Result<Option<CurrentUser>, ApiError> {
    let expiry = auth.expiry;
    let found = auth
        .store
        .sessions()
        .user_of(&token, now_secs(), expiry)
        .await?;
    let Some(record) = found else { return Ok(None) };
    let current = CurrentUser {
        id: record.id,
        uid: record.uid,
        user: record.user,
        token,
        credential: Credential::Session,
    };
    auth.sessions.put(current.clone(), Instant::now());
    Ok(Some(current))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_our_cookie_among_others() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::COOKIE,
            HeaderValue::from_static("a=1; ezilla_session=abc; b=2"),
        );
        assert_eq!(token_from(&headers).as_deref(), Some("abc"));
        assert_eq!(token_from(&HeaderMap::new()), None);
    }

    #[test]
    fn tokens_are_256_bits_and_cookies_strict() {
        let token = new_token();
        assert_eq!(token.len(), 64);
        assert_ne!(token, new_token());
        let cookie = set_cookie(Some(&token), 60, true);
        let cookie = cookie.to_str().unwrap();
        for part in ["HttpOnly", "SameSite=Strict", "Secure", "Max-Age=60"] {
            assert!(cookie.contains(part), "{cookie}");
        }
        assert!(
            !set_cookie(None, 60, false)
                .to_str()
                .unwrap()
                .contains("Secure")
        );
    }
}
