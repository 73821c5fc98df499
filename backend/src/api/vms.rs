//! The VM table, filtered to what the caller may see: their own VMs, or all for admins.

use axum::{
    Extension,
    extract::{Path, State},
    http::Method,
    routing::get,
};
use shared::{Vm, VmList, routes};

use super::{Access, Json, Route};
use crate::{AppState, auth::CurrentUser, error::ApiError};

pub fn routes() -> Vec<Route> {
    vec![
        Route::new(Method::GET, routes::VMS, Access::User, get(list)),
        Route::new(Method::GET, routes::VM, Access::User, get(one)),
    ]
}

/// The caller's VMs; 503 only when no host at all answered, otherwise a list that names
/// the hosts it is missing.
pub async fn visible_vms(state: &AppState, me: &CurrentUser) -> Result<VmList, ApiError> {
    let mut list = state.pool.list_vms().await;
    if list.unreachable_hosts.len() == state.pool.hosts().len() {
        return Err(ApiError::HypervisorUnavailable);
    }
    list.vms.retain(|vm| me.may_see(vm.owner.as_deref()));
    Ok(list)
}

async fn list(
    State(state): State<AppState>,
    Extension(me): Extension<CurrentUser>,
) -> Result<Json<VmList>, ApiError> {
    visible_vms(&state, &me).await.map(Json)
}

/// One VM by UUID. Another user's VM is answered exactly like a missing one.
async fn one(
    State(state): State<AppState>,
    Extension(me): Extension<CurrentUser>,
    Path(id): Path<String>,
) -> Result<Json<Vm>, ApiError> {
    let list = visible_vms(&state, &me).await?;
    list.vms
        .into_iter()
        .find(|vm| vm.uuid == id)
        .map(Json)
        .ok_or(ApiError::NotFound)
}
