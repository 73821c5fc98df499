//! The template catalogue: everyone reads it (with their own saved images); admins add and
//! delete shared templates.

use axum::{
    Extension,
    extract::{Path, State},
    http::{Method, StatusCode},
    routing::{delete, get, post},
};
use shared::{Template, routes};

use super::{Access, Json, Route, names::check_name};
use crate::{auth::CurrentUser, error::ApiError, state::AppState};
use store::{StoreError, templates};

pub fn routes() -> Vec<Route> {
    vec![
        Route::new(Method::GET, routes::TEMPLATES, Access::User, get(list))
            .summary("The shared templates and the caller's own images")
            .returns::<Vec<Template>>(200),
        Route::new(Method::POST, routes::TEMPLATES, Access::Admin, post(add))
            .summary("Add a template")
            .takes::<Template>()
            .returns::<Template>(201),
        Route::new(
            Method::DELETE,
            routes::TEMPLATE,
            Access::Admin,
            delete(remove),
        )
        .summary("Delete a template")
        .no_content(),
    ]
}

/// The shared templates and the caller's own images (admins included: `ezilla template
/// list` shows every user's).
async fn list(
    State(state): State<AppState>,
    Extension(me): Extension<CurrentUser>,
) -> Result<Json<Vec<Template>>, ApiError> {
    let viewer = templates::Viewer::User(me.id);
    Ok(Json(state.auth.store.templates().list(viewer).await?))
}

async fn add(
    State(state): State<AppState>,
    Json(t): Json<Template>,
) -> Result<(StatusCode, Json<Template>), ApiError> {
    check_name(&t.name).map_err(ApiError::BadRequest)?;
    if t.cores == 0 || t.memory_mib < 64 || t.disk_gib == 0 {
        return Err(ApiError::BadRequest(
            "a template needs at least 1 core, 64 MiB and 1 GiB of disk".into(),
        ));
    }
    if t.storage_pool.is_empty() || t.volume.is_empty() {
        return Err(ApiError::BadRequest(
            "a template names its storage pool and volume".into(),
        ));
    }
    let stored = Template {
        owner: None,
        ..t.clone()
    };
    match state.auth.store.templates().insert(&stored, None).await {
        Ok(()) => Ok((StatusCode::CREATED, Json(t))),
        Err(StoreError::Conflict) => Err(ApiError::Conflict(format!(
            "template {} exists already",
            t.name
        ))),
        Err(err) => Err(err.into()),
    }
}

/// Deletes a shared template, unless VMs' disks are overlays of its volume (named).
async fn remove(
    State(state): State<AppState>,
    Path(name): Path<String>,
) -> Result<StatusCode, ApiError> {
    let wanted = name.clone();
    let template = state
        .auth
        .store
        .templates()
        .shared(&wanted)
        .await?
        .ok_or(ApiError::NotFound)?;
    let backed = state
        .pool
        .vms_backed_by(&template.storage_pool, &template.volume)
        .await;
    if !backed.is_empty() {
        return Err(ApiError::Conflict(format!(
            "the disks of {} are backed by template {name}: delete them first",
            backed.join(", ")
        )));
    }
    let gone = state.auth.store.templates().delete(&name).await?;
    if gone {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(ApiError::NotFound)
    }
}
