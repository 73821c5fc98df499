//! `GET/PUT /api/v1/me/desktop`: the caller's desktop, versioned. `GET` answers an `ETag`;
//! `PUT` must carry `If-Match` with it, and gets 409 when another tab saved in between (fetch
//! again, reapply the change, save again).

use axum::{
    Extension,
    extract::State,
    http::{HeaderMap, HeaderValue, Method, header},
    response::{IntoResponse, Response},
    routing::{get, put},
};
use shared::{Desktop, VersionedDesktop, routes};

use super::{Access, Json, Route};
use crate::{auth::CurrentUser, error::ApiError, state::AppState};

/// The largest desktop document accepted, in bytes of JSON.
const MAX_BYTES: usize = 64 * 1024;

pub fn routes() -> Vec<Route> {
    vec![
        Route::new(Method::GET, routes::ME_DESKTOP, Access::User, get(load))
            .summary("The caller's desktop and its version (ETag)")
            .returns::<VersionedDesktop>(200),
        Route::new(Method::PUT, routes::ME_DESKTOP, Access::User, put(save))
            .summary("Save the caller's desktop (If-Match: the version it changes)")
            .takes::<Desktop>()
            .returns::<VersionedDesktop>(200),
    ]
}

async fn load(
    State(state): State<AppState>,
    Extension(me): Extension<CurrentUser>,
) -> Result<Response, ApiError> {
    let id = me.id;
    let saved = state.auth.store.desktops().get(id).await?;
    Ok(with_etag(saved))
}

async fn save(
    State(state): State<AppState>,
    Extension(me): Extension<CurrentUser>,
    headers: HeaderMap,
    Json(desktop): Json<Desktop>,
) -> Result<Response, ApiError> {
    let expected = if_match(&headers)?;
    let size = serde_json::to_vec(&desktop)
        .map(|v| v.len())
        .unwrap_or(usize::MAX);
    if size > MAX_BYTES {
        return Err(ApiError::BadRequest(format!(
            "a desktop is at most {MAX_BYTES} bytes"
        )));
    }
    let id = me.id;
    let saved = state
        .auth
        .store
        .desktops()
        .put(id, expected, &desktop)
        .await?;
    saved.map(with_etag).ok_or(ApiError::VersionConflict)
}

/// The version an `If-Match: "N"` names.
fn if_match(headers: &HeaderMap) -> Result<u64, ApiError> {
    let value = headers
        .get(header::IF_MATCH)
        .ok_or(ApiError::PreconditionRequired)?;
    value
        .to_str()
        .ok()
        .and_then(|v| v.trim().trim_matches('"').parse().ok())
        .ok_or_else(|| ApiError::BadRequest("If-Match must be a version from an ETag".into()))
}

fn with_etag(saved: VersionedDesktop) -> Response {
    let etag = HeaderValue::from_str(&format!("\"{}\"", saved.version)).expect("digits");
    let mut response = Json(saved).into_response();
    response.headers_mut().insert(header::ETAG, etag);
    response
}
