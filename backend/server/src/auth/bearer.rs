//! `Authorization: Bearer <token>` against a token from the configuration (for machines such
//! as a Prometheus server, which hold no session).

use axum::{body::Body, http::Request, http::header};
use sha2::{Digest, Sha256};

/// Whether the request carries `expected` as its bearer token; never without one configured.
/// Compared as SHA-256 digests, so the time taken says nothing about the token.
pub fn matches(req: &Request<Body>, expected: Option<&str>) -> bool {
    let Some(expected) = expected.filter(|t| !t.is_empty()) else {
        return false;
    };
    let given = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    given.is_some_and(|given| Sha256::digest(given.trim()) == Sha256::digest(expected))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(auth: Option<&str>) -> Request<Body> {
        let mut req = Request::builder();
        if let Some(auth) = auth {
            req = req.header(header::AUTHORIZATION, auth);
        }
        req.body(Body::empty()).unwrap()
    }

    #[test]
    fn only_the_configured_token_matches() {
        assert!(matches(&with(Some("Bearer s3cret")), Some("s3cret")));
        assert!(!matches(&with(Some("Bearer wrong")), Some("s3cret")));
        assert!(!matches(&with(Some("s3cret")), Some("s3cret")));
        assert!(!matches(&with(None), Some("s3cret")));
        assert!(
            !matches(&with(Some("Bearer ")), Some("")),
            "no token configured"
        );
        assert!(!matches(&with(Some("Bearer x")), None));
    }
}
