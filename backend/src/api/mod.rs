//! The JSON API under `/api`: one module per resource, each with its own router.

mod health;
mod vms;

use axum::Router;

use crate::{AppState, error::ApiError};

/// All API routes; unknown `/api/...` paths answer with a JSON 404, never the SPA.
pub fn router() -> Router<AppState> {
    Router::new()
        .merge(health::router())
        .merge(vms::router())
        .fallback(|| async { ApiError::NotFound })
}

/// Turns a route constant from `shared::routes` (which starts with `/api`) into a path
/// relative to the `/api` nest.
fn path(route: &'static str) -> &'static str {
    route
        .strip_prefix("/api")
        .expect("API routes start with /api")
}
