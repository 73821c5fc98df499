//! Login, logout and the current user.

use std::{net::SocketAddr, time::Instant};

use axum::{
    Extension,
    extract::{ConnectInfo, State},
    http::{HeaderMap, Method, StatusCode, header},
    response::{IntoResponse, Response},
    routing::{get, post, put},
};
use shared::{LoginRequest, SetLanguage, User, routes};

use super::{Access, Json, Route};
use crate::{
    AppState,
    auth::{CurrentUser, now_secs, password, session},
    error::ApiError,
    store::{sessions, users},
};

pub fn routes() -> Vec<Route> {
    vec![
        Route::new(Method::POST, routes::LOGIN, Access::Public, post(login)),
        Route::new(Method::POST, routes::LOGOUT, Access::User, post(logout)),
        Route::new(Method::GET, routes::ME, Access::User, get(me)),
        Route::new(
            Method::PUT,
            routes::ME_LANGUAGE,
            Access::User,
            put(set_language),
        ),
    ]
}

/// Checks the password (same work whether or not the user exists), throttles failures,
/// starts a session and saves the language picked at login.
async fn login(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Json(req): Json<LoginRequest>,
) -> Result<Response, ApiError> {
    let auth = state.auth.clone();
    if let Err(retry_after_secs) = auth
        .throttle
        .check(&req.username, peer.ip(), Instant::now())
    {
        return Err(ApiError::TooManyRequests { retry_after_secs });
    }
    let username = req.username.clone();
    let record = auth
        .store
        .run(move |c| users::by_name(c, &username))
        .await?;
    let password = req.password;
    let (record, ok) = tokio::task::spawn_blocking(move || {
        let ok = match &record {
            Some(r) => password::verify(&password, &r.password_hash),
            None => {
                password::verify_against_nobody(&password);
                false
            }
        };
        (record, ok)
    })
    .await
    .map_err(|e| ApiError::Internal(e.into()))?;
    let Some(mut record) = record.filter(|_| ok) else {
        auth.throttle
            .record_failure(&req.username, peer.ip(), Instant::now());
        return Err(ApiError::BadCredentials);
    };

    let token = session::new_token();
    let (id, language, stored_token) = (record.id, req.language, token.clone());
    auth.store
        .run(move |c| {
            sessions::insert(c, &stored_token, id, now_secs())?;
            users::set_language(c, id, language)
        })
        .await?;
    record.user.language = language;
    let secure = auth.secure_cookies || session::came_over_tls(&headers);
    let cookie = session::set_cookie(Some(&token), auth.expiry.absolute, secure);
    tracing::info!(user = %record.user.username, "logged in");
    Ok(([(header::SET_COOKIE, cookie)], Json(record.user)).into_response())
}

/// Ends this session on the server and clears the cookie.
async fn logout(
    State(state): State<AppState>,
    Extension(me): Extension<CurrentUser>,
) -> Result<Response, ApiError> {
    let token = me.token.clone();
    state
        .auth
        .store
        .run(move |c| sessions::delete(c, &token))
        .await?;
    state.auth.sessions.forget_token(&me.token);
    let cookie = session::set_cookie(None, 0, state.auth.secure_cookies);
    Ok((StatusCode::NO_CONTENT, [(header::SET_COOKIE, cookie)]).into_response())
}

async fn me(Extension(me): Extension<CurrentUser>) -> Json<User> {
    Json(me.user)
}

async fn set_language(
    State(state): State<AppState>,
    Extension(me): Extension<CurrentUser>,
    Json(req): Json<SetLanguage>,
) -> Result<Json<User>, ApiError> {
    let id = me.id;
    state
        .auth
        .store
        .run(move |c| users::set_language(c, id, req.language))
        .await?;
    state.auth.sessions.forget_user(&me.user.username);
    Ok(Json(User {
        language: req.language,
        ..me.user
    }))
}
