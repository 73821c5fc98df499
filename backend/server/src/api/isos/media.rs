//! `GET/PUT /api/v1/vms/{id}/cdrom`: what the VM's CD drive holds; insert one of the ISOs the
//! caller sees (on the VM's host), or eject. Live on a running VM, and kept in its definition.

use axum::{Extension, extract::State, http::StatusCode};
use shared::CdMedia;

use super::visible_iso;
use crate::{
    api::{Json, vms::VisibleVm},
    auth::CurrentUser,
    error::ApiError,
    state::AppState,
};

pub async fn show(
    State(state): State<AppState>,
    VisibleVm(vm): VisibleVm,
) -> Result<Json<CdMedia>, ApiError> {
    let iso = match state.pool.cd_media(&vm.uuid).await? {
        Some(path) => {
            let host = vm.host.clone();
            state.auth.store.isos().by_path(&host, &path).await?
        }
        None => None,
    };
    Ok(Json(CdMedia { iso }))
}

pub async fn change(
    State(state): State<AppState>,
    Extension(me): Extension<CurrentUser>,
    VisibleVm(vm): VisibleVm,
    Json(req): Json<CdMedia>,
) -> Result<StatusCode, ApiError> {
    let path = match req.iso {
        Some(id) => {
            let iso = visible_iso(&state, &me, &id.to_string()).await?;
            if iso.iso.host != vm.host {
                return Err(ApiError::BadRequest(format!(
                    "{} is on host {} and the VM on {}",
                    iso.iso.name, iso.iso.host, vm.host
                )));
            }
            Some(iso.path)
        }
        None => None,
    };
    state.pool.change_media(&vm.uuid, path).await?;
    Ok(StatusCode::NO_CONTENT)
}
