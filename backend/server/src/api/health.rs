//! `GET /api/v1/health`: public, it says only that the server is up and its version; to a
//! logged-in user it also lists the hosts (name, driver, whether the last look reached it),
//! and to admins their URIs. It never calls libvirt: it reads the hosts' views, so a flood of
//! health checks costs the hosts nothing.

use axum::{
    extract::State,
    http::{HeaderMap, Method},
    routing::get,
};
use shared::{Health, routes};

use super::{Access, Json, Route};
use crate::{auth::session, state::AppState};

pub fn routes() -> Vec<Route> {
    vec![
        Route::new(Method::GET, routes::HEALTH, Access::Public, get(health))
            .summary("Liveness; per-host reachability for those logged in")
            .returns::<Health>(200),
    ]
}

async fn health(State(state): State<AppState>, headers: HeaderMap) -> Json<Health> {
    let version = env!("CARGO_PKG_VERSION").into();
    let Some(me) = session::optional_user(&state.auth, &headers).await else {
        return Json(Health {
            ok: true,
            version,
            hosts: Vec::new(),
        });
    };
    let hosts = state.pool.health(me.is_admin());
    Json(Health {
        ok: hosts.iter().all(|h| h.reachable),
        version,
        hosts,
    })
}
