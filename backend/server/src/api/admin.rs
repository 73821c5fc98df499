//! User management, for administrators.

use axum::{
    Extension,
    extract::{Path, State},
    http::{Method, StatusCode},
    routing::{delete, get, post, put},
};
use shared::{NewPassword, NewUser, Quota, User, routes};

use serde::Deserialize;

use super::{Access, Json, Query, Route};
use crate::{
    auth::{self, CurrentUser, password},
    error::ApiError,
    owners::{self, Disposal},
    state::AppState,
};
use store::StoreError;

pub fn routes() -> Vec<Route> {
    vec![
        Route::new(Method::GET, routes::ADMIN_USERS, Access::Admin, get(list))
            .summary("List users")
            .returns::<Vec<User>>(200),
        Route::new(Method::POST, routes::ADMIN_USERS, Access::Admin, post(add))
            .summary("Add a user")
            .takes::<NewUser>()
            .returns::<User>(201),
        Route::new(
            Method::DELETE,
            routes::ADMIN_USER,
            Access::Admin,
            delete(remove),
        )
        .summary("Delete a user (?vms=delete, or ?vms=handover&to=NAME when they have VMs)")
        .query::<RemoveUser>()
        .no_content(),
        Route::new(
            Method::PUT,
            routes::ADMIN_USER_PASSWORD,
            Access::Admin,
            put(set_password),
        )
        .summary("Set a user's password (ends their sessions and revokes their tokens)")
        .takes::<NewPassword>()
        .no_content(),
        Route::new(
            Method::PUT,
            routes::ADMIN_USER_QUOTA,
            Access::Admin,
            put(set_quota),
        )
        .summary("Set a user's quota")
        .takes::<Quota>()
        .no_content(),
    ]
}

async fn list(State(state): State<AppState>) -> Result<Json<Vec<User>>, ApiError> {
    Ok(Json(state.auth.store.users().list().await?))
}

async fn add(
    State(state): State<AppState>,
    Json(req): Json<NewUser>,
) -> Result<(StatusCode, Json<User>), ApiError> {
    let user = User {
        username: req.username,
        role: req.role,
        language: Default::default(),
        quota: req.quota.unwrap_or(state.auth.default_quota),
    };
    auth::check_username(&user.username)
        .and(password::check_new(&req.password))
        .map_err(ApiError::BadRequest)?;
    let hash = hash(&state, req.password).await?;
    let name = user.username.clone();
    let added = auth::add_hashed_user(&state.auth.store, user, &hash).await;
    match added {
        Ok(user) => Ok((StatusCode::CREATED, Json(user))),
        Err(StoreError::Conflict) => Err(ApiError::Conflict(format!("user {name} exists already"))),
        Err(err) => Err(err.into()),
    }
}

/// What the admin chose for a deleted user's VMs: `?vms=delete`, or `?vms=handover&to=NAME`.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
struct RemoveUser {
    vms: Option<String>,
    to: Option<String>,
}

/// Deletes a user, with their VMs deleted or handed over as asked (a user who has VMs and
/// no choice made is refused with 409, and stays).
async fn remove(
    State(state): State<AppState>,
    Extension(me): Extension<CurrentUser>,
    Path(name): Path<String>,
    Query(req): Query<RemoveUser>,
) -> Result<StatusCode, ApiError> {
    if name == me.user.username {
        return Err(ApiError::Conflict(
            "you cannot delete your own account".into(),
        ));
    }
    let users = state.auth.store.users();
    let heir = match &req.to {
        Some(to) => users.by_name(to).await?,
        None => None,
    };
    let user = users.by_name(&name).await?;
    let user = user.ok_or(ApiError::NotFound)?;
    let disposal = match (req.vms.as_deref(), heir) {
        (Some("delete"), _) => Some(Disposal::Delete),
        (Some("handover"), Some(heir)) if heir.id != user.id => Some(Disposal::HandOver {
            to: heir.user.username,
            to_uid: heir.uid,
        }),
        (Some("handover"), _) => {
            return Err(ApiError::BadRequest(
                "say which other user takes the VMs (to=NAME)".into(),
            ));
        }
        (Some(_), _) => {
            return Err(ApiError::BadRequest("vms is delete or handover".into()));
        }
        (None, _) => None,
    };
    let owned = owners::count(&state.pool, &user.uid, &name);
    match disposal {
        None if owned > 0 => {
            return Err(ApiError::Conflict(format!(
                "{name} has {owned} VMs: delete them or hand them over to another user"
            )));
        }
        None => {}
        Some(disposal) => {
            owners::dispose(&state.pool, &user.uid, &name, &disposal).await?;
        }
    }
    let id = state
        .auth
        .store
        .users()
        .delete(&name)
        .await?
        .ok_or(ApiError::NotFound)?;
    state.auth.sessions.forget_user(&user.user.username);
    let wallpapers = state.wallpapers.clone();
    tokio::task::spawn_blocking(move || wallpapers.remove(id))
        .await
        .map_err(|e| ApiError::Internal(e.into()))?
        .map_err(|e| ApiError::Internal(e.into()))?;
    Ok(StatusCode::NO_CONTENT)
}

async fn set_password(
    State(state): State<AppState>,
    Path(name): Path<String>,
    Json(req): Json<NewPassword>,
) -> Result<StatusCode, ApiError> {
    password::check_new(&req.password).map_err(ApiError::BadRequest)?;
    let hash = hash(&state, req.password).await?;
    let forget = name.clone();
    let found = state
        .auth
        .store
        .users()
        .set_password_hash(&name, &hash)
        .await?;
    // After the write: a request in between cannot cache the old session again.
    state.auth.sessions.forget_user(&forget);
    if found {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(ApiError::NotFound)
    }
}

/// `password` hashed through the server's hashing gate.
async fn hash(state: &AppState, password: String) -> Result<String, ApiError> {
    state
        .auth
        .hashing
        .run(move || password::hash(&password))
        .await
        .map_err(|password::Busy| ApiError::TooManyRequests {
            retry_after_secs: 1,
        })
}

async fn set_quota(
    State(state): State<AppState>,
    Path(name): Path<String>,
    Json(quota): Json<Quota>,
) -> Result<StatusCode, ApiError> {
    state.auth.sessions.forget_user(&name);
    let found = state.auth.store.users().set_quota(&name, quota).await?;
    if found {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(ApiError::NotFound)
    }
}
