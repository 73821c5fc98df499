//! Save as image (a long action) and the tasks that report on long actions.

use axum::{
    Extension,
    extract::{Path, State},
    http::{Method, StatusCode},
    routing::{get, post},
};
use shared::{SaveImage, TaskInfo, TaskState, Template, VmState, routes};

use super::{Access, Json, Route, names::check_name, vms::VisibleVm};
use crate::{
    AppState,
    auth::CurrentUser,
    error::ApiError,
    store::{StoreError, templates},
};

pub fn routes() -> Vec<Route> {
    vec![
        Route::new(
            Method::POST,
            routes::VM_SAVE_IMAGE,
            Access::User,
            post(save_image),
        ),
        Route::new(Method::GET, routes::TASK, Access::User, get(task)),
    ]
}

/// Checks what can be checked at once, then copies the disk in a task: 202 with the task.
async fn save_image(
    State(state): State<AppState>,
    Extension(me): Extension<CurrentUser>,
    VisibleVm(vm): VisibleVm,
    Json(req): Json<SaveImage>,
) -> Result<(StatusCode, Json<TaskInfo>), ApiError> {
    check_name(&req.template).map_err(ApiError::BadRequest)?;
    if vm.state != VmState::Shutoff {
        return Err(ApiError::InvalidState(
            "shut the VM down first: its disk must not change while it is copied".into(),
        ));
    }
    let name = req.template.clone();
    if state
        .auth
        .store
        .run(move |c| templates::by_name(c, &name))
        .await?
        .is_some()
    {
        return Err(ApiError::Conflict(format!(
            "template {} exists already",
            req.template
        )));
    }
    let task = state.tasks.start(
        &me.user.username,
        "save_image",
        &vm.uuid,
        "copying the disk",
    );
    let id = task.id;
    tokio::spawn(async move {
        let outcome = copy_into_template(&state, &vm.uuid, &vm.name, &req.template).await;
        let (end, message) = match outcome {
            Ok(()) => (
                TaskState::Succeeded,
                format!("saved as template {}", req.template),
            ),
            Err(why) => (TaskState::Failed, why),
        };
        state.tasks.update(id, end, 100, message);
    });
    Ok((StatusCode::ACCEPTED, Json(task)))
}

/// The copy, then the template over it. A failure says why in words for the task.
async fn copy_into_template(
    state: &AppState,
    uuid: &str,
    vm_name: &str,
    template: &str,
) -> Result<(), String> {
    let volume = format!("{template}.qcow2");
    let image = state.pool.save_image(uuid, &volume).await.map_err(|e| {
        tracing::warn!(error = %e, "save as image failed");
        match e {
            crate::hypervisor::ActionError::Conflict(why) => why,
            crate::hypervisor::ActionError::InvalidState => "the VM is no longer shut off".into(),
            _ => "the disk could not be copied".into(),
        }
    })?;
    let t = Template {
        name: template.to_owned(),
        os: format!("saved from {vm_name}"),
        storage_pool: image.storage_pool,
        volume: image.volume,
        cores: image.cores,
        memory_mib: image.memory_mib,
        disk_gib: image.disk_gib,
        kernel_boot: image.kernel_boot,
        cloud_init: image.cloud_init,
    };
    match state
        .auth
        .store
        .run(move |c| templates::insert(c, &t))
        .await
    {
        Ok(()) => Ok(()),
        Err(StoreError::Conflict) => Err(format!("template {template} appeared meanwhile")),
        Err(e) => {
            tracing::error!(error = %e, "storing the template failed");
            Err("the template could not be stored".into())
        }
    }
}

/// A task of the caller's (any task for admins); others are answered as missing.
async fn task(
    State(state): State<AppState>,
    Extension(me): Extension<CurrentUser>,
    Path(id): Path<u64>,
) -> Result<Json<TaskInfo>, ApiError> {
    match state.tasks.get(id) {
        Some(task) if me.is_admin() || task.owner == me.user.username => Ok(Json(task.info)),
        _ => Err(ApiError::NotFound),
    }
}
