//! Cross-site WebSocket hijacking defence: an upgrade must come from the server's own origin.
//! A plain request to a WebSocket route (a console's "would it open?") may instead carry the
//! custom header that no other site can add without a CORS preflight we never grant. A
//! request with a bearer token (a tool's, which sends no `Origin`) is judged by the token
//! alone: a page cannot put one on a WebSocket.

use axum::http::{HeaderMap, header};

/// Whether the request's `Origin` names the host it was sent to.
pub fn is_same_origin(headers: &HeaderMap) -> bool {
    let (Some(origin), Some(host)) = (headers.get(header::ORIGIN), headers.get(header::HOST))
    else {
        return false;
    };
    let (Ok(origin), Ok(host)) = (origin.to_str(), host.to_str()) else {
        return false;
    };
    origin
        .strip_prefix("http://")
        .or_else(|| origin.strip_prefix("https://"))
        .is_some_and(|authority| authority.eq_ignore_ascii_case(host))
}

/// Middleware for WebSocket routes: 403 unless the upgrade comes from our own origin.
pub async fn require_same_origin(
    req: axum::http::Request<axum::body::Body>,
    next: axum::middleware::Next,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    let upgrade = req.headers().contains_key(header::UPGRADE);
    let own_page = !upgrade && req.headers().contains_key(shared::auth::CSRF_HEADER);
    let bearer = super::tokens::bearer(req.headers()).is_some();
    if own_page || bearer || is_same_origin(req.headers()) {
        next.run(req).await
    } else {
        crate::error::ApiError::Forbidden("a WebSocket must be opened from Ezilla's own pages")
            .into_response()
    }
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;

    use super::*;

    fn headers(origin: Option<&'static str>, host: &'static str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(header::HOST, HeaderValue::from_static(host));
        if let Some(o) = origin {
            h.insert(header::ORIGIN, HeaderValue::from_static(o));
        }
        h
    }

    #[test]
    fn only_the_servers_own_origin_passes() {
        assert!(is_same_origin(&headers(
            Some("http://127.0.0.1:8080"),
            "127.0.0.1:8080"
        )));
        assert!(is_same_origin(&headers(
            Some("https://ezilla.test"),
            "ezilla.test"
        )));
        assert!(!is_same_origin(&headers(
            Some("http://evil.test"),
            "127.0.0.1:8080"
        )));
        assert!(!is_same_origin(&headers(
            Some("http://127.0.0.1:8081"),
            "127.0.0.1:8080"
        )));
        assert!(!is_same_origin(&headers(Some("null"), "127.0.0.1:8080")));
        assert!(!is_same_origin(&headers(None, "127.0.0.1:8080")));
    }
}
