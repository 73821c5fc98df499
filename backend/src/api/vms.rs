//! `GET /api/v1/vms`: the VM table of every host.

use axum::{Json, Router, extract::State, routing::get};
use shared::{VmList, routes};

use crate::{AppState, error::ApiError};

pub fn router() -> Router<AppState> {
    Router::new().route(super::path(routes::VMS), get(list))
}

/// All VMs; 503 only when no host at all answered, otherwise a list that names the missing.
async fn list(State(state): State<AppState>) -> Result<Json<VmList>, ApiError> {
    let list = state.pool.list_vms().await;
    if list.unreachable_hosts.len() == state.pool.hosts().len() {
        return Err(ApiError::HypervisorUnavailable);
    }
    Ok(Json(list))
}
