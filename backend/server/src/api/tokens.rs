//! `/api/v1/me/tokens`: the caller's personal access tokens. List (with last use), create
//! (the secret answered once, only its hash kept), revoke. Making and revoking need a session:
//! a leaked token cannot mint itself a longer life. Another user's token is 404.

use axum::{
    Extension,
    extract::{Path, State},
    http::{Method, StatusCode},
    routing::{delete, get, post},
};
use shared::{AccessToken, CreatedAccessToken, NewAccessToken, routes, tokens::MAX_TOKEN_DAYS};

use super::{Access, Json, Route};
use crate::{
    auth::{Credential, CurrentUser, now_secs, tokens},
    error::ApiError,
    state::AppState,
};
use store::access_tokens;

/// The longest label of a token, in characters.
const MAX_NAME: usize = 100;

pub fn routes() -> Vec<Route> {
    vec![
        Route::new(Method::GET, routes::ME_TOKENS, Access::User, get(list))
            .summary("The caller's access tokens, with their last use")
            .returns::<Vec<AccessToken>>(200),
        Route::new(Method::POST, routes::ME_TOKENS, Access::User, post(create))
            .summary("Make an access token (from a session); its secret is answered once")
            .takes::<NewAccessToken>()
            .returns::<CreatedAccessToken>(201),
        Route::new(
            Method::DELETE,
            routes::ME_TOKEN,
            Access::User,
            delete(revoke),
        )
        .summary("Revoke an access token (from a session)")
        .no_content(),
    ]
}

async fn list(
    State(state): State<AppState>,
    Extension(me): Extension<CurrentUser>,
) -> Result<Json<Vec<AccessToken>>, ApiError> {
    let id = me.id;
    Ok(Json(state.auth.store.access_tokens().list(id).await?))
}

async fn create(
    State(state): State<AppState>,
    Extension(me): Extension<CurrentUser>,
    Json(req): Json<NewAccessToken>,
) -> Result<(StatusCode, Json<CreatedAccessToken>), ApiError> {
    from_a_session(&me)?;
    let name = req.name.trim().to_owned();
    if name.is_empty() || name.chars().count() > MAX_NAME || name.chars().any(char::is_control) {
        return Err(ApiError::BadRequest(format!(
            "a token's name is 1-{MAX_NAME} printable characters"
        )));
    }
    if !(1..=MAX_TOKEN_DAYS).contains(&req.expires_in_days) {
        return Err(ApiError::BadRequest(format!(
            "a token expires in 1 to {MAX_TOKEN_DAYS} days"
        )));
    }
    let secret = tokens::new_secret();
    let created = now_secs();
    let expires = created + i64::from(req.expires_in_days) * 86_400;
    let scope = req.scope;
    let new = access_tokens::NewToken {
        name,
        secret: secret.clone(),
        scope,
        created,
        expires,
    };
    let stored = state.auth.store.access_tokens().insert(me.id, new).await?;
    let Some(token) = stored else {
        return Err(ApiError::Conflict(format!(
            "you have {} tokens, the most one user may keep: revoke one first",
            access_tokens::MAX_PER_USER
        )));
    };
    tracing::info!(user = %me.user.username, token = token.id, scope = ?scope, "token made");
    Ok((
        StatusCode::CREATED,
        Json(CreatedAccessToken { token, secret }),
    ))
}

async fn revoke(
    State(state): State<AppState>,
    Extension(me): Extension<CurrentUser>,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    from_a_session(&me)?;
    let id: i64 = id.parse().map_err(|_| ApiError::NotFound)?;
    let user = me.id;
    let gone = state.auth.store.access_tokens().delete(user, id).await?;
    if !gone {
        return Err(ApiError::NotFound);
    }
    // The secret is not kept, so the cache forgets all of the user's entries: the revoked
    // token stops working at once.
    state.auth.sessions.forget_user(&me.user.username);
    tracing::info!(user = %me.user.username, token = id, "token revoked");
    Ok(StatusCode::NO_CONTENT)
}

fn from_a_session(me: &CurrentUser) -> Result<(), ApiError> {
    match me.credential {
        Credential::Session => Ok(()),
        Credential::Token { .. } => Err(ApiError::Forbidden(
            "tokens are made and revoked from a session, not with a token",
        )),
    }
}
