//! The pool's hosts: capacity for everyone (URIs for admins); admins add and remove hosts
//! at runtime, persisted in the database.

use axum::{
    Extension,
    extract::{Path, State},
    http::{Method, StatusCode},
    routing::{delete, get, post},
};
use shared::{HostInfo, NewHost, RemoveHost, StoragePoolInfo, VolumeInfo, routes};

use super::{Access, Json, Query, Route, names::check_name};
use crate::{auth::CurrentUser, error::ApiError, state::AppState};
use hypervisor::HostSpec;
use store::StoreError;

pub fn routes() -> Vec<Route> {
    vec![
        Route::new(Method::GET, routes::HOSTS, Access::User, get(list))
            .summary("The hosts of the pool and their free capacity")
            .returns::<Vec<HostInfo>>(200),
        Route::new(Method::POST, routes::ADMIN_HOSTS, Access::Admin, post(add))
            .summary("Add a host")
            .takes::<NewHost>()
            .returns::<HostInfo>(201),
        Route::new(
            Method::DELETE,
            routes::ADMIN_HOST,
            Access::Admin,
            delete(remove),
        )
        .summary("Remove a host added at runtime (not while it has Ezilla's VMs, unless forced)")
        .query::<RemoveHost>()
        .no_content(),
        Route::new(
            Method::GET,
            routes::ADMIN_HOST_POOLS,
            Access::Admin,
            get(pools),
        )
        .summary("A host's storage pools and their free space")
        .returns::<Vec<StoragePoolInfo>>(200),
        Route::new(
            Method::GET,
            routes::ADMIN_HOST_POOL_VOLUMES,
            Access::Admin,
            get(volumes),
        )
        .summary("The volumes of a host's storage pool")
        .returns::<Vec<VolumeInfo>>(200),
    ]
}

async fn list(
    State(state): State<AppState>,
    Extension(me): Extension<CurrentUser>,
) -> Json<Vec<HostInfo>> {
    Json(state.pool.host_infos(me.is_admin()))
}

async fn add(
    State(state): State<AppState>,
    Json(req): Json<NewHost>,
) -> Result<(StatusCode, Json<HostInfo>), ApiError> {
    check_name(&req.name).map_err(ApiError::BadRequest)?;
    hypervisor::check_host_uri(&req.uri).map_err(ApiError::BadRequest)?;
    let taken = || ApiError::Conflict(format!("a host named {} exists already", req.name));
    if state.pool.host(&req.name).is_some() {
        return Err(taken());
    }
    // Tried before it is saved: a host that cannot be reached is refused with libvirt's words.
    if !req.connect_later {
        hypervisor::try_uri(&req.uri, state.pool.timeout())
            .await
            .map_err(|why| ApiError::BadRequest(format!("cannot connect to {}: {why}", req.uri)))?;
    }
    let spec = HostSpec {
        name: req.name.clone(),
        uri: req.uri.clone(),
        guest_network: req.guest_network,
        vcpu_overcommit: None,
        memory_overcommit: None,
    };
    match crate::hosts::remember(&state.auth.store, &spec).await {
        Err(StoreError::Conflict) => return Err(taken()),
        other => other?,
    }
    if !state.pool.add_host(spec).await {
        return Err(taken());
    }
    let host = state.pool.host(&req.name).ok_or(ApiError::NotFound)?;
    Ok((StatusCode::CREATED, Json(host.info(true))))
}

async fn remove(
    State(state): State<AppState>,
    Path(name): Path<String>,
    Query(req): Query<RemoveHost>,
) -> Result<StatusCode, ApiError> {
    let host = state.pool.host(&name).ok_or(ApiError::NotFound)?;
    if host.configured {
        return Err(ApiError::Conflict(format!(
            "host {name} is in the configuration file; remove it there"
        )));
    }
    let ours = host
        .view()
        .vms
        .iter()
        .filter(|vm| vm.owner.is_some())
        .count();
    if ours > 0 && !req.force {
        return Err(ApiError::Conflict(format!(
            "host {name} has {ours} VMs made by Ezilla: remove them first, or force it \
             (they stay on the host, no longer managed)"
        )));
    }
    state.auth.store.hosts().delete(&name).await?;
    state.pool.remove_host(&name);
    Ok(StatusCode::NO_CONTENT)
}

async fn pools(
    State(state): State<AppState>,
    Path(name): Path<String>,
) -> Result<Json<Vec<StoragePoolInfo>>, ApiError> {
    let host = state.pool.host(&name).ok_or(ApiError::NotFound)?;
    Ok(Json(host.storage_pools().await?))
}

async fn volumes(
    State(state): State<AppState>,
    Path((name, pool)): Path<(String, String)>,
) -> Result<Json<Vec<VolumeInfo>>, ApiError> {
    let host = state.pool.host(&name).ok_or(ApiError::NotFound)?;
    Ok(Json(host.volumes(&pool).await?.ok_or(ApiError::NotFound)?))
}
