//! The template catalogue: everyone reads it (with their own saved images); admins add and
//! delete shared templates.

use axum::{
    Extension,
    extract::{Path, State},
    http::{Method, StatusCode},
    routing::{delete, get, post, put},
};
use shared::{Template, TemplateDefaults, routes};

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
        Route::new(
            Method::PUT,
            routes::TEMPLATE,
            Access::Admin,
            put(set_defaults),
        )
        .summary("Change what a shared template gives new VMs (OS label, sizes, cloud-init)")
        .takes::<TemplateDefaults>()
        .returns::<Template>(200),
    ]
}

/// The longest OS label shown.
const MAX_OS_LABEL: usize = 64;

/// Refuses sizes no VM can have.
fn check_sizes(cores: u32, memory_mib: u64, disk_gib: u64) -> Result<(), ApiError> {
    if cores == 0 || memory_mib < 64 || disk_gib == 0 {
        return Err(ApiError::BadRequest(
            "a template needs at least 1 core, 64 MiB and 1 GiB of disk".into(),
        ));
    }
    Ok(())
}

/// Changes a shared template's defaults; VMs made from it before keep theirs.
async fn set_defaults(
    State(state): State<AppState>,
    Path(name): Path<String>,
    Json(defaults): Json<TemplateDefaults>,
) -> Result<Json<Template>, ApiError> {
    check_sizes(defaults.cores, defaults.memory_mib, defaults.disk_gib)?;
    let label = defaults.os.trim();
    if label.is_empty()
        || label.chars().count() > MAX_OS_LABEL
        || label.chars().any(char::is_control)
    {
        return Err(ApiError::BadRequest(format!(
            "the OS label is 1 to {MAX_OS_LABEL} characters"
        )));
    }
    let defaults = TemplateDefaults {
        os: label.to_owned(),
        ..defaults
    };
    let changed = state
        .auth
        .store
        .templates()
        .set_defaults(&name, &defaults)
        .await?;
    changed.map(Json).ok_or(ApiError::NotFound)
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
    check_sizes(t.cores, t.memory_mib, t.disk_gib)?;
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
