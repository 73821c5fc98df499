//! The pool's hosts: capacity for everyone (URIs for admins); admins add and remove hosts
//! at runtime, persisted in the database.

use axum::{
    Extension,
    extract::{Path, State},
    http::{Method, StatusCode},
    routing::{delete, get, post},
};
use shared::{HostInfo, NewHost, routes};

use super::{Access, Json, Route, names::check_name};
use crate::{
    AppState,
    auth::CurrentUser,
    config::HostSpec,
    error::ApiError,
    store::{StoreError, hosts},
};

pub fn routes() -> Vec<Route> {
    vec![
        Route::new(Method::GET, routes::HOSTS, Access::User, get(list)),
        Route::new(Method::POST, routes::ADMIN_HOSTS, Access::Admin, post(add)),
        Route::new(
            Method::DELETE,
            routes::ADMIN_HOST,
            Access::Admin,
            delete(remove),
        ),
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
    if !req.uri.contains(':') {
        return Err(ApiError::BadRequest(format!(
            "`{}` is not a libvirt URI",
            req.uri
        )));
    }
    let taken = || ApiError::Conflict(format!("a host named {} exists already", req.name));
    if state.pool.host(&req.name).is_some() {
        return Err(taken());
    }
    let spec = HostSpec {
        name: req.name.clone(),
        uri: req.uri.clone(),
        guest_network: req.guest_network,
        vcpu_overcommit: None,
        memory_overcommit: None,
    };
    let stored = spec.clone();
    match state
        .auth
        .store
        .run(move |c| hosts::insert(c, &stored))
        .await
    {
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
) -> Result<StatusCode, ApiError> {
    let host = state.pool.host(&name).ok_or(ApiError::NotFound)?;
    if host.configured {
        return Err(ApiError::Conflict(format!(
            "host {name} is in the configuration file; remove it there"
        )));
    }
    let stored = name.clone();
    state
        .auth
        .store
        .run(move |c| hosts::delete(c, &stored))
        .await?;
    state.pool.remove_host(&name);
    Ok(StatusCode::NO_CONTENT)
}
