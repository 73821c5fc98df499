//! The ISO library: list, upload (`upload`), install a VM from one (`install`), a VM's CD drive
//! (`media`), delete (refused while a VM has the ISO in a
//! drive), and an admin publishing one to every user. Another user's private ISO is not
//! found, whatever is asked of it.

mod gate;
mod install;
mod media;
mod upload;

use std::sync::Arc;

use axum::{
    Extension,
    extract::{Path, State},
    http::{Method, StatusCode},
    routing::{get, post},
};
use shared::{CdMedia, InstallVm, Iso, IsoUpload, Vm, routes};

use super::{Access, Json, Route};
use crate::{auth::CurrentUser, error::ApiError, state::AppState};
use store::isos::StoredIso;

/// The ISO library's bounds (`iso_max_bytes`) and where its volumes go (`iso_pool`).
#[derive(Debug, Clone)]
pub struct IsoLimits {
    pub max_bytes: u64,
    pub storage_pool: String,
    /// The uploads running now.
    pub uploads: Arc<gate::UploadGate>,
}

pub fn routes() -> Vec<Route> {
    vec![
        Route::new(Method::GET, routes::ISOS, Access::User, get(list))
            .summary("The caller's ISOs and the published ones")
            .returns::<Vec<Iso>>(200),
        Route::new(
            Method::POST,
            routes::ISOS,
            Access::User,
            post(upload::upload),
        )
        .summary("Upload an ISO 9660 image as the raw body (Content-Length required)")
        .query::<IsoUpload>()
        .takes_raw("application/octet-stream")
        .returns::<Iso>(201),
        Route::new(Method::GET, routes::ISO, Access::User, get(one))
            .summary("One ISO the caller sees")
            .returns::<Iso>(200),
        Route::new(
            Method::DELETE,
            routes::ISO,
            Access::User,
            axum::routing::delete(remove),
        )
        .summary("Delete one of the caller's ISOs (not while a VM has it inserted)")
        .no_content(),
        Route::new(
            Method::POST,
            routes::ISO_INSTALL,
            Access::User,
            post(install::install),
        )
        .summary("Create a VM that boots from the ISO (blank disk, CD first), to install from it")
        .takes::<InstallVm>()
        .returns::<Vm>(201),
        Route::new(
            Method::GET,
            routes::VM_CDROM,
            Access::User,
            get(media::show),
        )
        .summary("The ISO in a VM's CD drive")
        .returns::<CdMedia>(200),
        Route::new(
            Method::PUT,
            routes::VM_CDROM,
            Access::User,
            axum::routing::put(media::change),
        )
        .summary("Insert an ISO into a VM's CD drive, or eject it (live and persistent)")
        .takes::<CdMedia>()
        .no_content(),
        Route::new(
            Method::POST,
            routes::ADMIN_ISO_PUBLISH,
            Access::Admin,
            post(publish),
        )
        .summary("Publish an ISO to every user")
        .no_content(),
    ]
}

async fn list(
    State(state): State<AppState>,
    Extension(me): Extension<CurrentUser>,
) -> Result<Json<Vec<Iso>>, ApiError> {
    let id = me.id;
    let found = state.auth.store.isos().visible(id).await?;
    Ok(Json(found.into_iter().map(|f| f.iso).collect()))
}

/// ISO `id` as the caller sees it: their own or a published one; else not found.
pub async fn visible_iso(
    state: &AppState,
    me: &CurrentUser,
    id: &str,
) -> Result<StoredIso, ApiError> {
    let id: i64 = id.parse().map_err(|_| ApiError::NotFound)?;
    let viewer = me.id;
    state
        .auth
        .store
        .isos()
        .get(id, Some(viewer))
        .await?
        .ok_or(ApiError::NotFound)
}

async fn one(
    State(state): State<AppState>,
    Extension(me): Extension<CurrentUser>,
    Path(id): Path<String>,
) -> Result<Json<Iso>, ApiError> {
    Ok(Json(visible_iso(&state, &me, &id).await?.iso))
}

/// Deletes the caller's ISO (an admin: any), unless a VM has it in a drive.
async fn remove(
    State(state): State<AppState>,
    Extension(me): Extension<CurrentUser>,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    let found = visible_iso(&state, &me, &id).await?;
    if found.owner_id != me.id && !me.is_admin() {
        return Err(ApiError::Forbidden(
            "only its owner or an admin deletes an ISO",
        ));
    }
    let users = state.pool.vms_using(&found.iso.host, &found.path).await?;
    if !users.is_empty() {
        return Err(ApiError::Conflict(format!(
            "{} is in the CD drive of {}: eject it first",
            found.iso.name,
            users.join(", ")
        )));
    }
    state
        .pool
        .delete_volume(&found.storage_pool, &found.volume)
        .await;
    let id = found.iso.id;
    state.auth.store.isos().delete(id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// At start: deletes the volumes and rows of uploads that a stopped server left unfinished.
pub async fn forget_unfinished(pool: &hypervisor::Pool, store: &store::Store) {
    let Ok(left) = store.isos().unfinished().await else {
        return;
    };
    for (id, storage_pool, volume) in left {
        pool.delete_volume(&storage_pool, &volume).await;
        let _ = store.isos().delete(id).await;
    }
}

/// Publishes an ISO to every user (admin).
async fn publish(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    let id: i64 = id.parse().map_err(|_| ApiError::NotFound)?;
    match state.auth.store.isos().publish(id).await? {
        true => Ok(StatusCode::NO_CONTENT),
        false => Err(ApiError::NotFound),
    }
}
