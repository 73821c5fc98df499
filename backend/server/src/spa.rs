//! Serves the built frontend: files from Trunk's dist, `index.html` for every other path (the
//! app routes on the client), long-lived caching for content-hashed assets only.

use std::path::Path;

use axum::{
    Router,
    body::Body,
    http::{HeaderValue, Request, header},
    middleware::{self, Next},
    response::Response,
};
use tower_http::services::{ServeDir, ServeFile};

use crate::state::AppState;

/// The router for every non-API path.
pub fn router(dist: &Path) -> Router<AppState> {
    if !dist.join("index.html").is_file() {
        tracing::warn!(dist = %dist.display(), "no built frontend here; only the API will work");
    }
    let files = ServeDir::new(dist)
        .precompressed_br()
        .precompressed_gzip()
        .fallback(ServeFile::new(dist.join("index.html")));
    Router::new()
        .fallback_service(files)
        .layer(middleware::from_fn(cache_control))
}

async fn cache_control(req: Request<Body>, next: Next) -> Response {
    let immutable = is_hashed_asset(req.uri().path());
    let mut res = next.run(req).await;
    let value = if immutable && res.status().is_success() {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    };
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static(value));
    res
}

/// Trunk names built assets `name-<hash>.ext` (or `name-<hash>_bg.wasm`), the hash a u64 in
/// hex (up to 16 digits): content never changes under such a name, so browsers may keep it.
fn is_hashed_asset(path: &str) -> bool {
    let file = path.rsplit('/').next().unwrap_or_default();
    file.split(['-', '.', '_'])
        .any(|part| (12..=16).contains(&part.len()) && part.bytes().all(|b| b.is_ascii_hexdigit()))
}

#[cfg(test)]
mod tests {
    use super::is_hashed_asset;

    #[test]
    fn only_trunk_hashed_names_are_immutable() {
        assert!(is_hashed_asset("/frontend-4d3c2b1a0f9e8d7c.js"));
        assert!(is_hashed_asset("/frontend-4d3c2b1a0f9e8d7c_bg.wasm"));
        assert!(is_hashed_asset("/style-0123456789abcdef.css"));
        assert!(is_hashed_asset("/frontend-d73c821259a2455.js"));
        assert!(!is_hashed_asset("/index.html"));
        assert!(!is_hashed_asset("/"));
        assert!(!is_hashed_asset("/icons/vm-manager.svg"));
    }
}
