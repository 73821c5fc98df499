//! `GET /api/v1/health`: the server's version and whether each host's libvirt answers.

use axum::{Json, Router, extract::State, routing::get};
use shared::{Health, routes};

use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route(super::path(routes::HEALTH), get(health))
}

async fn health(State(state): State<AppState>) -> Json<Health> {
    let hosts = state.pool.health().await;
    Json(Health {
        ok: hosts.iter().all(|h| h.reachable),
        version: env!("CARGO_PKG_VERSION").into(),
        hosts,
    })
}
