//! A VM's snapshots: list, take, revert, delete. Owner-checked like every VM route.

use axum::{
    Extension,
    extract::{Path, State},
    http::{Method, StatusCode},
    routing::{delete, get, post},
};
use shared::{NewSnapshot, Snapshot, routes};

use super::{Access, Json, Route, names::check_name, quota, vms::VisibleVm};
use crate::{auth::CurrentUser, error::ApiError, state::AppState};

pub fn routes() -> Vec<Route> {
    vec![
        Route::new(Method::GET, routes::VM_SNAPSHOTS, Access::User, get(list))
            .summary("A VM's snapshots")
            .returns::<Vec<Snapshot>>(200),
        Route::new(Method::POST, routes::VM_SNAPSHOTS, Access::User, post(take))
            .summary("Take a snapshot")
            .takes::<NewSnapshot>()
            .returns::<Snapshot>(201),
        Route::new(
            Method::POST,
            routes::VM_SNAPSHOT_REVERT,
            Access::User,
            post(revert),
        )
        .summary("Revert a VM to a snapshot")
        .no_content(),
        Route::new(
            Method::DELETE,
            routes::VM_SNAPSHOT,
            Access::User,
            delete(remove),
        )
        .summary("Delete a snapshot")
        .no_content(),
    ]
}

async fn list(
    State(state): State<AppState>,
    VisibleVm(vm): VisibleVm,
) -> Result<Json<Vec<Snapshot>>, ApiError> {
    Ok(Json(state.pool.snapshots(&vm.uuid).await?))
}

/// Takes a snapshot, unless the VM has `snapshots_per_vm` already (counted and taken under
/// the caller's quota lock, so two at once cannot both pass).
async fn take(
    State(state): State<AppState>,
    Extension(me): Extension<CurrentUser>,
    VisibleVm(vm): VisibleVm,
    Json(req): Json<NewSnapshot>,
) -> Result<(StatusCode, Json<Snapshot>), ApiError> {
    check_name(&req.name).map_err(ApiError::BadRequest)?;
    let _quota = state.quota_locks.lock(me.id).await;
    let limit = state.snapshots_per_vm;
    if state.pool.snapshots(&vm.uuid).await?.len() >= limit {
        return Err(ApiError::QuotaExceeded(format!(
            "a VM keeps at most {limit} snapshots: delete one first"
        )));
    }
    // A snapshot can grow to its VM's whole disk: it counts so in the owner's disk quota.
    let adding = quota::Adding {
        disk_gib: vm.disk_gib.unwrap_or(0),
        ..Default::default()
    };
    quota::check(&me.user.quota, quota::in_use(&state, &me).await?, adding)?;
    let snapshot = state.pool.take_snapshot(&vm.uuid, &req.name).await?;
    Ok((StatusCode::CREATED, Json(snapshot)))
}

async fn revert(
    State(state): State<AppState>,
    VisibleVm(vm): VisibleVm,
    Path((_, name)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    state.pool.revert_snapshot(&vm.uuid, &name).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn remove(
    State(state): State<AppState>,
    VisibleVm(vm): VisibleVm,
    Path((_, name)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    state.pool.delete_snapshot(&vm.uuid, &name).await?;
    Ok(StatusCode::NO_CONTENT)
}
