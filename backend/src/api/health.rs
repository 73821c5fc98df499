//! `GET /api/v1/health`: the server's version and whether each host's libvirt answers.

use axum::{extract::State, http::Method, routing::get};
use shared::{Health, routes};

use super::{Access, Json, Route};
use crate::AppState;

pub fn routes() -> Vec<Route> {
    vec![Route::new(
        Method::GET,
        routes::HEALTH,
        Access::Public,
        get(health),
    )]
}

async fn health(State(state): State<AppState>) -> Json<Health> {
    let hosts = state.pool.health().await;
    Json(Health {
        ok: hosts.iter().all(|h| h.reachable),
        version: env!("CARGO_PKG_VERSION").into(),
        hosts,
    })
}
