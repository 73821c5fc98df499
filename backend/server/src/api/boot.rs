//! `GET/PUT /api/v1/vms/{id}/boot`: which device a VM boots from first. An install from an
//! ISO boots the CD first; once the system is on the disk, its owner puts the disk first
//! (or the CD again, to boot a rescue ISO). From the VM's next start.

use axum::{
    extract::State,
    http::{Method, StatusCode},
    routing::{get, put},
};
use shared::{BootOrder, routes};

use super::{Access, Json, Route, vms::VisibleVm};
use crate::{error::ApiError, state::AppState};

pub fn routes() -> Vec<Route> {
    vec![
        Route::new(Method::GET, routes::VM_BOOT, Access::User, get(show))
            .summary("Which device a VM boots from first")
            .returns::<BootOrder>(200),
        Route::new(Method::PUT, routes::VM_BOOT, Access::User, put(change))
            .summary("Boot a VM from its disk or its CD first, from its next start")
            .takes::<BootOrder>()
            .no_content(),
    ]
}

async fn show(
    State(state): State<AppState>,
    VisibleVm(vm): VisibleVm,
) -> Result<Json<BootOrder>, ApiError> {
    Ok(Json(state.pool.boot_order(&vm.uuid).await?))
}

async fn change(
    State(state): State<AppState>,
    VisibleVm(vm): VisibleVm,
    Json(order): Json<BootOrder>,
) -> Result<StatusCode, ApiError> {
    state.pool.set_boot_order(&vm.uuid, order.first).await?;
    Ok(StatusCode::NO_CONTENT)
}
