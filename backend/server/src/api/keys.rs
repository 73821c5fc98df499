//! `/api/v1/me/keys`: the caller's SSH public keys. Add (validated, fingerprinted), list,
//! remove, and generate an ed25519 pair whose private half is answered once and never kept.
//! Another user's key is 404, like a missing one.

use std::time::{SystemTime, UNIX_EPOCH};

use axum::{
    Extension,
    extract::{Path, State},
    http::{Method, StatusCode},
    routing::{delete, get, post},
};
use shared::{GenerateKey, GeneratedKey, NewSshKey, SshKey, routes};

use super::{Access, Json, Route};
use crate::{
    auth::CurrentUser,
    error::ApiError,
    ssh::keys::{self, ValidKey},
    state::AppState,
};
use store::{StoreError, ssh_keys};

/// The longest label of a key, in characters.
const MAX_NAME: usize = 100;

pub fn routes() -> Vec<Route> {
    vec![
        Route::new(Method::GET, routes::ME_KEYS, Access::User, get(list))
            .summary("The caller's SSH public keys")
            .returns::<Vec<SshKey>>(200),
        Route::new(Method::POST, routes::ME_KEYS, Access::User, post(add))
            .summary("Add an SSH public key")
            .takes::<NewSshKey>()
            .returns::<SshKey>(201),
        Route::new(
            Method::POST,
            routes::ME_KEYS_GENERATE,
            Access::User,
            post(generate),
        )
        .summary("Generate an ed25519 pair; the private half is answered once")
        .takes::<GenerateKey>()
        .returns::<GeneratedKey>(201),
        Route::new(Method::DELETE, routes::ME_KEY, Access::User, delete(remove))
            .summary("Remove an SSH key")
            .no_content(),
    ]
}

async fn list(
    State(state): State<AppState>,
    Extension(me): Extension<CurrentUser>,
) -> Result<Json<Vec<SshKey>>, ApiError> {
    let id = me.id;
    Ok(Json(state.auth.store.ssh_keys().list(id).await?))
}

async fn add(
    State(state): State<AppState>,
    Extension(me): Extension<CurrentUser>,
    Json(req): Json<NewSshKey>,
) -> Result<(StatusCode, Json<SshKey>), ApiError> {
    let key = keys::validate(&req.public_key).map_err(ApiError::BadRequest)?;
    let name = label(&req.name, &key)?;
    Ok((
        StatusCode::CREATED,
        Json(store(&state, &me, name, key).await?),
    ))
}

async fn generate(
    State(state): State<AppState>,
    Extension(me): Extension<CurrentUser>,
    Json(req): Json<GenerateKey>,
) -> Result<(StatusCode, Json<GeneratedKey>), ApiError> {
    let comment = format!("{}@ezilla", me.user.username);
    let (key, private_key) =
        keys::generate(&comment).map_err(|e| ApiError::Internal(anyhow::anyhow!(e)))?;
    let name = label(&req.name, &key)?;
    let key = store(&state, &me, name, key).await?;
    Ok((StatusCode::CREATED, Json(GeneratedKey { key, private_key })))
}

async fn remove(
    State(state): State<AppState>,
    Extension(me): Extension<CurrentUser>,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    let id: i64 = id.parse().map_err(|_| ApiError::NotFound)?;
    let user = me.id;
    match state.auth.store.ssh_keys().delete(user, id).await? {
        true => Ok(StatusCode::NO_CONTENT),
        false => Err(ApiError::NotFound),
    }
}

/// The label asked for, else the key's comment, else its fingerprint.
fn label(asked: &str, key: &ValidKey) -> Result<String, ApiError> {
    let asked = asked.trim();
    if asked.chars().count() > MAX_NAME || asked.chars().any(char::is_control) {
        return Err(ApiError::BadRequest(format!(
            "a key's name is at most {MAX_NAME} printable characters"
        )));
    }
    Ok([asked, &key.comment, &key.fingerprint]
        .into_iter()
        .find(|s| !s.is_empty())
        .unwrap_or_default()
        .to_owned())
}

async fn store(
    state: &AppState,
    me: &CurrentUser,
    name: String,
    key: ValidKey,
) -> Result<SshKey, ApiError> {
    let user = me.id;
    let created = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let stored = state
        .auth
        .store
        .ssh_keys()
        .insert(
            user,
            ssh_keys::NewKey {
                name,
                public_key: key.line,
                fingerprint: key.fingerprint,
                created,
            },
        )
        .await;
    match stored {
        Ok(Some(key)) => Ok(key),
        Ok(None) => Err(ApiError::Conflict(format!(
            "you have {} keys, the most one user may keep",
            ssh_keys::MAX_PER_USER
        ))),
        Err(StoreError::Conflict) => Err(ApiError::Conflict("you have this key already".into())),
        Err(other) => Err(other.into()),
    }
}
