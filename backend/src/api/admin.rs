//! User management, for administrators.

use axum::{
    Extension,
    extract::{Path, State},
    http::{Method, StatusCode},
    routing::{delete, get, post, put},
};
use shared::{NewPassword, NewUser, Quota, User, routes};

use super::{Access, Json, Route};
use crate::{
    AppState,
    auth::{self, CurrentUser, password},
    error::ApiError,
    store::{StoreError, users},
};

pub fn routes() -> Vec<Route> {
    vec![
        Route::new(Method::GET, routes::ADMIN_USERS, Access::Admin, get(list)),
        Route::new(Method::POST, routes::ADMIN_USERS, Access::Admin, post(add)),
        Route::new(
            Method::DELETE,
            routes::ADMIN_USER,
            Access::Admin,
            delete(remove),
        ),
        Route::new(
            Method::PUT,
            routes::ADMIN_USER_PASSWORD,
            Access::Admin,
            put(set_password),
        ),
        Route::new(
            Method::PUT,
            routes::ADMIN_USER_QUOTA,
            Access::Admin,
            put(set_quota),
        ),
    ]
}

async fn list(State(state): State<AppState>) -> Result<Json<Vec<User>>, ApiError> {
    Ok(Json(state.auth.store.run(|c| users::list(c)).await?))
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
    let store = state.auth.store.clone();
    let name = user.username.clone();
    let added = tokio::task::spawn_blocking(move || auth::add_hashed_user(&store, user, &hash))
        .await
        .map_err(|e| ApiError::Internal(e.into()))?;
    match added {
        Ok(Ok(user)) => Ok((StatusCode::CREATED, Json(user))),
        Ok(Err(why)) => Err(ApiError::BadRequest(why)),
        Err(StoreError::Conflict) => Err(ApiError::Conflict(format!("user {name} exists already"))),
        Err(err) => Err(err.into()),
    }
}

async fn remove(
    State(state): State<AppState>,
    Extension(me): Extension<CurrentUser>,
    Path(name): Path<String>,
) -> Result<StatusCode, ApiError> {
    if name == me.user.username {
        return Err(ApiError::Conflict(
            "you cannot delete your own account".into(),
        ));
    }
    state.auth.sessions.forget_user(&name);
    let id = state
        .auth
        .store
        .run(move |c| users::delete(c, &name))
        .await?
        .ok_or(ApiError::NotFound)?;
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
    state.auth.sessions.forget_user(&name);
    let found = state
        .auth
        .store
        .run(move |c| users::set_password_hash(c, &name, &hash))
        .await?;
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
    let found = state
        .auth
        .store
        .run(move |c| users::set_quota(c, &name, quota))
        .await?;
    if found {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(ApiError::NotFound)
    }
}
