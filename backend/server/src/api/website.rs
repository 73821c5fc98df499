//! `POST /api/v1/vms/{id}/website`: a one-time entry to the VM's website on its own origin
//! (see `crate::website`), for the VM's owner and admins; another user's VM is 404.

use axum::{
    Extension,
    extract::State,
    http::{HeaderMap, Method},
    routing::post,
};
use shared::{WebsiteEntry, routes};

use super::{Access, Json, Route, vms::VisibleVm};
use crate::{
    auth::CurrentUser,
    error::ApiError,
    state::AppState,
    website::{self, Grant},
};

pub fn routes() -> Vec<Route> {
    vec![
        Route::new(Method::POST, routes::VM_WEBSITE, Access::User, post(enter))
            .summary("A one-time entry to the VM's website on its own origin")
            .returns::<WebsiteEntry>(200),
    ]
}

async fn enter(
    State(state): State<AppState>,
    Extension(me): Extension<CurrentUser>,
    VisibleVm(vm): VisibleVm,
    headers: HeaderMap,
) -> Result<Json<WebsiteEntry>, ApiError> {
    if vm.http_port.is_none() {
        return Err(ApiError::InvalidState(
            "the VM has no website port (it was not made from a cloud-init template)".into(),
        ));
    }
    let grant = Grant {
        username: me.user.username.clone(),
        admin: me.is_admin(),
        vm: vm.uuid.clone(),
    };
    let token = state
        .sites
        .grants
        .token(grant)
        .ok_or(ApiError::TooManyRequests {
            retry_after_secs: 60,
        })?;
    let url = website::entry_url(&headers, &state.sites.apps_domain, &vm.uuid, &token);
    Ok(Json(WebsiteEntry { url }))
}
