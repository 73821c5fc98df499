//! Monitoring: a host's history (admins), a VM's history (its owner, admins), and the
//! Prometheus exposition at `/metrics` (a configured bearer token, or an admin's session).

use axum::{
    extract::{Path, State},
    http::{Method, header},
    response::IntoResponse,
    routing::get,
};
use shared::{History, RangeQuery, routes};

use super::{Access, Json, Query, Route, vms::VisibleVm};
use crate::{error::ApiError, metrics::Kind, state::AppState};

pub fn routes() -> Vec<Route> {
    vec![
        Route::new(Method::GET, routes::METRICS_HOST, Access::Admin, get(host))
            .summary("A host's metrics history")
            .query::<RangeQuery>()
            .returns::<History>(200),
        Route::new(Method::GET, routes::METRICS_VM, Access::User, get(vm))
            .summary("A VM's metrics history")
            .query::<RangeQuery>()
            .returns::<History>(200),
        Route::new(
            Method::GET,
            routes::PROMETHEUS,
            Access::Admin,
            get(prometheus),
        )
        .bearer()
        .summary("Prometheus metrics (admins, or the configured metrics token)")
        .returns_raw(200, "text/plain"),
    ]
}

async fn host(
    State(state): State<AppState>,
    Path(name): Path<String>,
    Query(query): Query<RangeQuery>,
) -> Result<Json<History>, ApiError> {
    if state.pool.host(&name).is_none() {
        return Err(ApiError::NotFound);
    }
    Ok(Json(state.monitor.history(Kind::Host, &name, query.range)))
}

async fn vm(
    State(state): State<AppState>,
    VisibleVm(vm): VisibleVm,
    Query(query): Query<RangeQuery>,
) -> Json<History> {
    Json(state.monitor.history(Kind::Vm, &vm.uuid, query.range))
}

async fn prometheus(State(state): State<AppState>) -> impl IntoResponse {
    let body = tokio::task::spawn_blocking(move || state.monitor.prometheus())
        .await
        .unwrap_or_default();
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        body,
    )
}
