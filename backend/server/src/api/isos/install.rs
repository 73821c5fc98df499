//! `POST /api/v1/isos/{iso}/install`: a VM made to install an OS from an ISO the caller sees
//! (theirs or a published one): a blank disk, the ISO in its CD drive, on the ISO's host.

use axum::{
    Extension,
    extract::{Path, State},
    http::StatusCode,
};
use shared::{InstallVm, Vm};

use super::visible_iso;
use crate::{
    api::{Json, names::check_name, quota},
    auth::CurrentUser,
    error::ApiError,
    state::AppState,
};
use hypervisor::NewInstall;

/// The largest blank disk one VM gets, in GiB (the quota bounds it further).
const MAX_DISK_GIB: u64 = 2048;

pub async fn install(
    State(state): State<AppState>,
    Extension(me): Extension<CurrentUser>,
    Path(id): Path<String>,
    Json(req): Json<InstallVm>,
) -> Result<(StatusCode, Json<Vm>), ApiError> {
    let iso = visible_iso(&state, &me, &id).await?;
    check_name(&req.name).map_err(ApiError::BadRequest)?;
    if req.cores == 0 || req.memory_mib < 64 || !(1..=MAX_DISK_GIB).contains(&req.disk_gib) {
        return Err(ApiError::BadRequest(format!(
            "a VM needs at least 1 core, 64 MiB and a disk of 1 to {MAX_DISK_GIB} GiB"
        )));
    }
    let _quota = state.quota_locks.lock(me.id).await;
    let adding = quota::Adding {
        vms: 1,
        cores: req.cores,
        memory_mib: req.memory_mib,
        disk_gib: req.disk_gib,
    };
    quota::check(&me.user.quota, quota::in_use(&state, &me).await?, adding)?;
    let vm = state
        .pool
        .install(NewInstall {
            name: req.name,
            owner: me.user.username.clone(),
            owner_id: me.uid.clone(),
            os: format!("installed from {}", iso.iso.name),
            cores: req.cores,
            memory_mib: req.memory_mib,
            disk_gib: req.disk_gib,
            host: iso.iso.host,
            storage_pool: iso.storage_pool,
            iso: iso.path,
        })
        .await?;
    Ok((StatusCode::CREATED, Json(vm)))
}
