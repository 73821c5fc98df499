//! Login, logout and the current user.

use std::{
    net::{IpAddr, SocketAddr},
    time::Instant,
};

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
    auth::{CurrentUser, check_username, now_secs, password, session},
    error::ApiError,
    state::AppState,
};

pub fn routes() -> Vec<Route> {
    vec![
        Route::new(Method::POST, routes::LOGIN, Access::Public, post(login))
            .summary("Log in: a session cookie")
            .takes::<LoginRequest>()
            .returns::<User>(200),
        Route::new(Method::POST, routes::LOGOUT, Access::User, post(logout))
            .summary("Log out: end this session")
            .no_content(),
        Route::new(Method::GET, routes::ME, Access::User, get(me))
            .summary("The caller")
            .returns::<User>(200),
        Route::new(
            Method::PUT,
            routes::ME_LANGUAGE,
            Access::User,
            put(set_language),
        )
        .summary("Set the caller's language")
        .takes::<SetLanguage>()
        .returns::<User>(200),
    ]
}

/// Counts the attempt (refusing it when throttled), checks the password (same work whether
/// or not the user exists, on the hashing gate), starts a session and saves the language
/// picked at login.
async fn login(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Json(req): Json<LoginRequest>,
) -> Result<Response, ApiError> {
    let auth = state.auth.clone();
    let addr = client_address(peer.ip(), &headers, &state.conn_limits.trusted_proxies);
    // A name that cannot exist is never a key of its own, nor worth hashing for.
    let plausible =
        check_username(&req.username).is_ok() && req.password.len() <= password::MAX_LEN;
    let username = plausible.then_some(req.username.as_str());
    auth.throttle
        .attempt(username, addr, Instant::now())
        .map_err(|retry_after_secs| ApiError::TooManyRequests { retry_after_secs })?;
    if !plausible {
        return Err(ApiError::BadCredentials);
    }
    let username = req.username.clone();
    let record = auth.store.users().by_name(&username).await?;
    let password = req.password;
    let (record, ok) = auth
        .hashing
        .run(move || {
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
        .map_err(|password::Busy| {
            auth.throttle.not_judged(&req.username, addr);
            ApiError::TooManyRequests {
                retry_after_secs: 1,
            }
        })?;
    let Some(mut record) = record.filter(|_| ok) else {
        return Err(ApiError::BadCredentials);
    };
    auth.throttle.succeeded(&req.username, addr);

    let token = session::new_token();
    let (id, language) = (record.id, req.language);
    auth.store
        .sessions()
        .open(&token, id, now_secs(), language)
        .await?;
    record.user.language = language.unwrap_or(record.user.language);
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
    state.auth.store.sessions().delete(&token).await?;
    state.auth.sessions.forget_token(&me.token);
    let cookie = session::set_cookie(None, 0, state.auth.secure_cookies);
    Ok((StatusCode::NO_CONTENT, [(header::SET_COOKIE, cookie)]).into_response())
}

/// The client's address: the peer's, or when the peer is a trusted proxy, the last address
/// in `X-Forwarded-For` that is not itself a trusted proxy (the one the proxies saw).
pub fn client_address(peer: IpAddr, headers: &HeaderMap, trusted: &[IpAddr]) -> IpAddr {
    if !trusted.contains(&peer) {
        return peer;
    }
    let forwarded = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .filter_map(|hop| hop.trim().parse::<IpAddr>().ok())
        .collect::<Vec<_>>();
    forwarded
        .into_iter()
        .rev()
        .find(|hop| !trusted.contains(hop))
        .unwrap_or(peer)
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
        .users()
        .set_language(id, req.language)
        .await?;
    state.auth.sessions.forget_user(&me.user.username);
    Ok(Json(User {
        language: req.language,
        ..me.user
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forwarded_addresses_are_believed_from_trusted_proxies_only() {
        let proxy: IpAddr = [10, 0, 0, 1].into();
        let mut headers = HeaderMap::new();
        headers.insert("x-forwarded-for", "6.6.6.6, 1.2.3.4".parse().unwrap());
        let peer: IpAddr = [127, 0, 0, 1].into();
        assert_eq!(client_address(peer, &headers, &[proxy]), peer, "spoofed");
        assert_eq!(
            client_address(proxy, &headers, &[proxy]),
            IpAddr::from([1, 2, 3, 4]),
            "the hop the proxy saw, not what the client claimed before it"
        );
        assert_eq!(client_address(proxy, &HeaderMap::new(), &[proxy]), proxy);
    }
}
