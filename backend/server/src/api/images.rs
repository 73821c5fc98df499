//! Saved images: save as image (a long action, one at a time per user), deleting one's own
//! image, an admin publishing one to the shared catalogue; and the tasks of long actions.

use axum::{
    Extension,
    extract::{Path, State},
    http::{Method, StatusCode},
    routing::{delete, get, post},
};
use shared::{SaveImage, TaskInfo, TaskState, Template, VmState, routes};

use super::{Access, Json, Route, names::check_name, quota, vms::VisibleVm};
use crate::{auth::CurrentUser, error::ApiError, state::AppState};
use store::StoreError;

pub fn routes() -> Vec<Route> {
    vec![
        Route::new(
            Method::POST,
            routes::VM_SAVE_IMAGE,
            Access::User,
            post(save_image),
        )
        .summary("Save a VM's disk (VM off) as an image of the caller's: a task")
        .takes::<SaveImage>()
        .returns::<TaskInfo>(202),
        Route::new(Method::GET, routes::TASK, Access::User, get(task))
            .summary("A task's progress and outcome")
            .returns::<TaskInfo>(200),
        Route::new(Method::DELETE, routes::IMAGE, Access::User, delete(remove))
            .summary("Delete one of the caller's images")
            .no_content(),
        Route::new(
            Method::POST,
            routes::ADMIN_IMAGE_PUBLISH,
            Access::Admin,
            post(publish),
        )
        .summary("Publish a user's image to the shared catalogue")
        .no_content(),
    ]
}

/// Checks what can be checked at once (the name, the VM shut off, no other save of the
/// caller's running, room in their disk quota), then copies the disk in a task: 202 with
/// the task. The image is the caller's own until an admin publishes it.
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
    let saving = state.image_saves.try_lock(me.id).ok_or_else(|| {
        ApiError::Conflict("you are saving an image already: wait until it is done".into())
    })?;
    check_room(&state, &me, &req.template, vm.disk_gib.unwrap_or(0)).await?;
    let task = state.tasks.start(
        &me.user.username,
        "save_image",
        &vm.uuid,
        "copying the disk",
    );
    let id = task.id;
    tokio::spawn(async move {
        let outcome = copy_into_image(&state, &me, &vm.uuid, &vm.name, &req.template).await;
        drop(saving);
        let (end, message) = match outcome {
            Ok(()) => (
                TaskState::Succeeded,
                format!("saved as image {}", req.template),
            ),
            Err(why) => (TaskState::Failed, why),
        };
        state.tasks.update(id, end, 100, message);
    });
    Ok((StatusCode::ACCEPTED, Json(task)))
}

/// Refuses a name the caller's images or the shared catalogue have, or an image of
/// `disk_gib` that their disk quota has no room for.
async fn check_room(
    state: &AppState,
    me: &CurrentUser,
    name: &str,
    disk_gib: u64,
) -> Result<(), ApiError> {
    if state.auth.store.templates().name_taken(me.id, name).await? {
        return Err(ApiError::Conflict(format!(
            "template {name} exists already"
        )));
    }
    let adding = quota::Adding {
        disk_gib,
        ..Default::default()
    };
    quota::check(&me.user.quota, quota::in_use(state, me).await?, adding)
}

/// The copy, then the caller's image over it (the quota checked again, under the caller's
/// quota lock, since VMs may have been made meanwhile). A failure says why in words.
async fn copy_into_image(
    state: &AppState,
    me: &CurrentUser,
    uuid: &str,
    vm_name: &str,
    name: &str,
) -> Result<(), String> {
    // Per owner, so two users' images of the same name never share a volume.
    let volume = format!("u{}-{name}.qcow2", me.id);
    let image = state.pool.save_image(uuid, &volume).await.map_err(|e| {
        tracing::warn!(error = %e, "save as image failed");
        match e {
            hypervisor::ActionError::Conflict(why) => why,
            hypervisor::ActionError::InvalidState => "the VM is no longer shut off".into(),
            _ => "the disk could not be copied".into(),
        }
    })?;
    let t = Template {
        name: name.to_owned(),
        os: format!("saved from {vm_name}"),
        storage_pool: image.storage_pool.clone(),
        volume: image.volume.clone(),
        cores: image.cores,
        memory_mib: image.memory_mib,
        disk_gib: image.disk_gib,
        kernel_boot: image.kernel_boot,
        cloud_init: image.cloud_init,
        owner: Some(me.user.username.clone()),
    };
    let _quota = state.quota_locks.lock(me.id).await;
    let stored = match check_room(state, me, name, image.disk_gib).await {
        Err(refused) => Err(refused.public_message()),
        Ok(()) => {
            let id = me.id;
            match state.auth.store.templates().insert(&t, Some(id)).await {
                Ok(()) => Ok(()),
                Err(StoreError::Conflict) => Err(format!("image {name} appeared meanwhile")),
                Err(e) => {
                    tracing::error!(error = %e, "storing the image failed");
                    Err("the image could not be stored".into())
                }
            }
        }
    };
    if stored.is_err() {
        state
            .pool
            .delete_volume(&image.storage_pool, &image.volume)
            .await;
    }
    stored
}

/// Deletes one of the caller's own images and its disk; another's is not found.
async fn remove(
    State(state): State<AppState>,
    Extension(me): Extension<CurrentUser>,
    Path(name): Path<String>,
) -> Result<StatusCode, ApiError> {
    let image = state
        .auth
        .store
        .templates()
        .take_own(me.id, &name)
        .await?
        .ok_or(ApiError::NotFound)?;
    state
        .pool
        .delete_volume(&image.storage_pool, &image.volume)
        .await;
    Ok(StatusCode::NO_CONTENT)
}

/// Makes a user's image a shared template (admin).
async fn publish(
    State(state): State<AppState>,
    Path((owner, name)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    let store = &state.auth.store;
    let published = match store.users().by_name(&owner).await? {
        Some(user) => store.templates().publish(user.id, &name).await,
        None => Ok(false),
    };
    match published {
        Ok(true) => Ok(StatusCode::NO_CONTENT),
        Ok(false) => Err(ApiError::NotFound),
        Err(StoreError::Conflict) => Err(ApiError::Conflict(format!(
            "a shared template named {name} exists already"
        ))),
        Err(err) => Err(err.into()),
    }
}

/// A task of the caller's (any task for admins); others are answered as missing.
async fn task(
    State(state): State<AppState>,
    Extension(me): Extension<CurrentUser>,
    Path(id): Path<String>,
) -> Result<Json<TaskInfo>, ApiError> {
    let id: u64 = id.parse().map_err(|_| ApiError::NotFound)?;
    match state.tasks.get(id) {
        Some(task) if me.is_admin() || task.owner == me.user.username => Ok(Json(task.info)),
        _ => Err(ApiError::NotFound),
    }
}
