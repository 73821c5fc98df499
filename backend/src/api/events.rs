//! `GET /api/v1/events` (WebSocket): the caller's VM list, sent at once and again whenever
//! it changes. Session and Origin are checked before the upgrade (see `api::router`).

use std::time::Duration;

use axum::{
    Extension,
    extract::{
        State,
        ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade, close_code},
    },
    http::Method,
    response::Response,
    routing::get,
};
use shared::routes;

use super::{Access, Route, vms::visible_vms};
use crate::{
    AppState,
    auth::{CurrentUser, now_secs},
    store::sessions,
};

/// How often the VM list is looked at for changes.
const POLL: Duration = Duration::from_secs(2);

pub fn routes() -> Vec<Route> {
    vec![Route::new(Method::GET, routes::EVENTS, Access::User, get(upgrade)).websocket()]
}

async fn upgrade(
    ws: WebSocketUpgrade,
    State(state): State<AppState>,
    Extension(me): Extension<CurrentUser>,
) -> Response {
    ws.on_upgrade(move |socket| stream(socket, state, me))
}

async fn stream(mut socket: WebSocket, state: AppState, me: CurrentUser) {
    let mut last = String::new();
    let mut tick = tokio::time::interval(POLL);
    loop {
        tokio::select! {
            _ = tick.tick() => {
                if !session_alive(&state, &me).await {
                    let close = CloseFrame { code: close_code::POLICY, reason: "session ended".into() };
                    let _ = socket.send(Message::Close(Some(close))).await;
                    return;
                }
                let Ok(list) = visible_vms(&state, &me).await else { continue };
                let json = serde_json::to_string(&list).expect("VmList serializes");
                if json != last {
                    if socket.send(Message::Text(json.clone().into())).await.is_err() {
                        return;
                    }
                    last = json;
                }
            }
            incoming = socket.recv() => match incoming {
                Some(Ok(Message::Close(_))) | None | Some(Err(_)) => return,
                Some(Ok(_)) => {}
            },
        }
    }
}

/// Whether the session that opened the socket is still valid (not logged out or expired).
async fn session_alive(state: &AppState, me: &CurrentUser) -> bool {
    let (token, expiry) = (me.token.clone(), state.auth.expiry);
    let found = state
        .auth
        .store
        .run(move |c| sessions::user_of(c, &token, now_secs(), expiry))
        .await;
    matches!(found, Ok(Some(_)))
}
