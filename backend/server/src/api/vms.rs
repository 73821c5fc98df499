//! VMs: the table (the caller's own, or all for admins), create, lifecycle actions, delete.

use std::collections::HashMap;

use axum::{
    Extension,
    body::Bytes,
    extract::{FromRequestParts, Path, State},
    http::{Method, StatusCode, header, request::Parts},
    response::{IntoResponse, Response},
    routing::{delete, get, post},
};
use shared::{ActionRequest, CreateVm, DeleteVm, Vm, VmList, routes};

use super::{Access, Json, Query, Route, names::check_name, quota};
use crate::{auth::CurrentUser, error::ApiError, seed::Seed, state::AppState};
use hypervisor::NewVm;

pub fn routes() -> Vec<Route> {
    vec![
        Route::new(Method::GET, routes::VMS, Access::User, get(list))
            .summary("The VMs the caller may see (all, for admins)")
            .returns::<VmList>(200),
        Route::new(Method::POST, routes::VMS, Access::User, post(create))
            .summary("Create a VM from a template; it starts")
            .takes::<CreateVm>()
            .returns::<Vm>(201),
        Route::new(Method::GET, routes::VM, Access::User, get(one))
            .summary("One VM")
            .returns::<Vm>(200),
        Route::new(Method::DELETE, routes::VM, Access::User, delete(remove))
            .summary("Delete a VM (?disks=true: its disks too)")
            .query::<DeleteVm>()
            .no_content(),
        Route::new(Method::POST, routes::VM_ACTION, Access::User, post(act))
            .summary("A lifecycle action: start, shutdown, poweroff, reboot, suspend, resume")
            .takes::<ActionRequest>()
            .no_content(),
    ]
}

/// The caller's VMs; 503 only when no host at all answered, otherwise a list that names
/// the hosts it is missing.
pub fn visible_vms(state: &AppState, me: &CurrentUser) -> Result<VmList, ApiError> {
    let list = state.pool.list_vms_where(|vm| me.may_see(vm));
    if !list.unreachable_hosts.is_empty()
        && list.unreachable_hosts.len() == state.pool.hosts().len()
    {
        return Err(ApiError::HypervisorUnavailable);
    }
    Ok(list)
}

/// The VM of the path's `{id}`, if the caller may see it; another user's VM is answered
/// exactly like a missing one. As an extractor it runs before the body is read, so a stranger
/// learns nothing from how their request body is judged.
pub struct VisibleVm(pub Vm);

impl FromRequestParts<AppState> for VisibleVm {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let Path(params) = Path::<HashMap<String, String>>::from_request_parts(parts, state)
            .await
            .map_err(|_| ApiError::NotFound)?;
        let id = params.get("id").ok_or(ApiError::NotFound)?;
        let me = parts
            .extensions
            .get::<CurrentUser>()
            .ok_or(ApiError::Unauthorized)?;
        match state.pool.find_vm(id) {
            Some((_, vm)) if me.may_see(&vm) => Ok(Self(vm)),
            _ => Err(ApiError::NotFound),
        }
    }
}

/// The caller's VM list, served from the serialized copy while the views have not moved.
async fn list(
    State(state): State<AppState>,
    Extension(me): Extension<CurrentUser>,
) -> Result<Response, ApiError> {
    // Admins all see the same list.
    let viewer = if me.is_admin() {
        "*".to_owned()
    } else {
        me.user.username.clone()
    };
    // Read before the views: a body built from newer views is still right for this epoch.
    let epoch = state.pool.epoch();
    let body = match state.vm_lists.get(&viewer, epoch) {
        Some(body) => body,
        None => {
            let list = visible_vms(&state, &me)?;
            let body = Bytes::from(serde_json::to_vec(&list).map_err(anyhow::Error::from)?);
            state.vm_lists.put(viewer, epoch, body.clone());
            body
        }
    };
    Ok(([(header::CONTENT_TYPE, "application/json")], body).into_response())
}

async fn one(VisibleVm(vm): VisibleVm) -> Json<Vm> {
    Json(vm)
}

async fn act(
    State(state): State<AppState>,
    VisibleVm(vm): VisibleVm,
    Json(req): Json<ActionRequest>,
) -> Result<StatusCode, ApiError> {
    state.pool.act(&vm.uuid, req.action).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn remove(
    State(state): State<AppState>,
    VisibleVm(vm): VisibleVm,
    Query(req): Query<DeleteVm>,
) -> Result<StatusCode, ApiError> {
    state.pool.delete(&vm.uuid, req.disks).await?;
    // Its SSH host key goes with it (a UUID is never reused, but the table should not grow).
    let uuid = vm.uuid.clone();
    state.auth.store.host_keys().forget(&uuid).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Validates the request, then checks the caller's quota and creates and starts the VM,
/// both under the caller's quota lock.
async fn create(
    State(state): State<AppState>,
    Extension(me): Extension<CurrentUser>,
    Json(req): Json<CreateVm>,
) -> Result<(StatusCode, Json<Vm>), ApiError> {
    check_name(&req.name).map_err(ApiError::BadRequest)?;
    let (name, id) = (req.template.clone(), me.id);
    // Another user's image is answered like a template that does not exist.
    let template = state
        .auth
        .store
        .templates()
        .for_user(id, &name)
        .await?
        .ok_or_else(|| ApiError::BadRequest(format!("no template named {}", req.template)))?;
    let cores = req.cores.unwrap_or(template.cores);
    let memory_mib = req.memory_mib.unwrap_or(template.memory_mib);
    if cores == 0 || memory_mib < 64 {
        return Err(ApiError::BadRequest(
            "a VM needs at least 1 core and 64 MiB".into(),
        ));
    }
    let _quota = state.quota_locks.lock(me.id).await;
    let adding = quota::Adding {
        vms: 1,
        cores,
        memory_mib,
        disk_gib: template.disk_gib,
    };
    quota::check(&me.user.quota, quota::in_use(&state, &me).await?, adding)?;
    let seed = match template.cloud_init {
        true => Some(
            first_boot(&state, &me, &req.name, req.user_data)
                .await?
                .to_iso(),
        ),
        false if req.user_data.is_some() => {
            return Err(ApiError::BadRequest(
                "user-data needs a template that runs cloud-init".into(),
            ));
        }
        false => None,
    };
    let vm = state
        .pool
        .create(NewVm {
            name: req.name,
            owner: me.user.username.clone(),
            owner_id: me.uid.clone(),
            template,
            cores,
            memory_mib,
            host: req.host,
            seed,
        })
        .await?;
    Ok((StatusCode::CREATED, Json(vm)))
}

/// The largest extra user-data an admin may give a VM, in bytes.
const MAX_USER_DATA: usize = 64 * 1024;

/// The first-boot data of the caller's new VM `name`: its hostname, an account named after
/// the caller with their SSH keys, and an admin's extra user-data.
async fn first_boot(
    state: &AppState,
    me: &CurrentUser,
    name: &str,
    user_data: Option<String>,
) -> Result<Seed, ApiError> {
    if user_data.is_some() && !me.is_admin() {
        return Err(ApiError::Forbidden(
            "only admins give VMs their own user-data",
        ));
    }
    if user_data.as_ref().is_some_and(|d| d.len() > MAX_USER_DATA) {
        return Err(ApiError::BadRequest(format!(
            "user-data is at most {MAX_USER_DATA} bytes"
        )));
    }
    let id = me.id;
    let mut keys: Vec<String> = state
        .auth
        .store
        .ssh_keys()
        .list(id)
        .await?
        .into_iter()
        .map(|k| k.public_key)
        .collect();
    // The SSH terminal's key, so that it logs in without asking.
    let terminal = state
        .identities
        .of_user(&state.auth.store, me.id, &me.uid)
        .await
        .map_err(ApiError::Internal)?;
    keys.push(terminal.public_line().map_err(ApiError::Internal)?);
    let mut instance = [0u8; 16];
    getrandom::fill(&mut instance).map_err(|e| ApiError::Internal(anyhow::anyhow!("{e}")))?;
    Ok(Seed {
        instance_id: instance.iter().map(|b| format!("{b:02x}")).collect(),
        hostname: name.to_owned(),
        owner: me.user.username.clone(),
        keys,
        extra_user_data: user_data,
    })
}
