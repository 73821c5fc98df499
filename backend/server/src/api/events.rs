//! `GET /api/v1/events` (WebSocket): the caller's VM list, sent at once and again whenever
//! it changes (the hosts' views announce every change), the hosts and their capacity
//! likewise, the progress of the caller's tasks, and every sampling round's measurements the
//! caller may see (`metrics`: hosts for admins, their own VMs). Session and Origin are checked before the upgrade (see `api::router`); the socket
//! closes when the session ends.

use std::time::Duration;

use axum::{
    Extension,
    extract::{
        State,
        ws::{
            CloseFrame, Message, WebSocket, WebSocketUpgrade, close_code,
            rejection::WebSocketUpgradeRejection,
        },
    },
    http::Method,
    response::Response,
    routing::get,
};
use shared::{Event, HostInfo, Vm, routes};
use tokio::sync::broadcast::error::RecvError;

use super::{Access, Route, vms::visible_vms};
use crate::{
    auth::{CurrentUser, now_secs},
    error::ApiError,
    state::AppState,
};
use hypervisor::same_rows;

/// How often the session behind an open socket is checked.
const SESSION_CHECK: Duration = Duration::from_secs(5);

pub fn routes() -> Vec<Route> {
    vec![Route::new(Method::GET, routes::EVENTS, Access::User, get(upgrade)).websocket().summary("Live VM list changes, task progress and metrics (WebSocket, JSON text frames of Event)")]
}

/// The events socket's read buffer, and the largest message the browser may send on it.
const READ_BUFFER: usize = 1024;
const MAX_FROM_BROWSER: usize = 4096;

/// Opens the socket, unless the caller has `events_per_user` open already (429).
async fn upgrade(
    ws: Result<WebSocketUpgrade, WebSocketUpgradeRejection>,
    State(state): State<AppState>,
    Extension(me): Extension<CurrentUser>,
) -> Result<Response, ApiError> {
    let ws = ws.map_err(|_| {
        ApiError::BadRequest("the events come over a WebSocket: ask for the upgrade".into())
    })?;
    let slot = state
        .event_sockets
        .take(&me.user.username)
        .ok_or(ApiError::EventsLimit(state.event_sockets.per_user))?;
    // The browser sends this socket nothing but control frames: a small read buffer. (The
    // default, 128 KiB, is zeroed afresh at every look for a frame, after each event sent:
    // with a classroom's 200 sockets, the server's largest cost.)
    let ws = ws
        .read_buffer_size(READ_BUFFER)
        .max_message_size(MAX_FROM_BROWSER)
        .max_frame_size(MAX_FROM_BROWSER);
    Ok(ws.on_upgrade(move |socket| async move {
        stream(socket, state, me).await;
        drop(slot);
    }))
}

async fn stream(mut socket: WebSocket, state: AppState, me: CurrentUser) {
    let mut changes = state.pool.subscribe();
    let mut tasks = state.tasks.subscribe();
    let mut rounds = state.monitor.subscribe();
    let mut session_check = tokio::time::interval(SESSION_CHECK);
    let mut sent: Option<(Vec<Vm>, Vec<String>)> = None;
    let mut sent_hosts: Option<Vec<HostInfo>> = None;
    loop {
        let hosts = state.pool.host_infos(me.is_admin());
        if sent_hosts.as_ref() != Some(&hosts) {
            let json = serde_json::to_string(&Event::Hosts {
                hosts: hosts.clone(),
            })
            .expect("events serialize");
            if socket.send(Message::Text(json.into())).await.is_err() {
                return;
            }
            sent_hosts = Some(hosts);
        }
        if let Ok(list) = visible_vms(&state, &me) {
            let unchanged = sent.as_ref().is_some_and(|(vms, down)| {
                same_rows(vms, &list.vms) && *down == list.unreachable_hosts
            });
            if !unchanged {
                let event = Event::Vms(list.clone());
                let json = serde_json::to_string(&event).expect("events serialize");
                if socket.send(Message::Text(json.into())).await.is_err() {
                    return;
                }
                sent = Some((list.vms, list.unreachable_hosts));
            }
        }
        tokio::select! {
            changed = changes.changed() => if changed.is_err() { return },
            task = tasks.recv() => match task {
                Ok(task) if task.owner == me.user.username => {
                    let json = serde_json::to_string(&Event::Task(task.info)).expect("events serialize");
                    if socket.send(Message::Text(json.into())).await.is_err() {
                        return;
                    }
                }
                Ok(_) | Err(RecvError::Lagged(_)) => {}
                Err(RecvError::Closed) => return,
            },
            round = rounds.recv() => match round {
                Ok(round) => {
                    let json = serde_json::to_string(&Event::Metrics(round.visible_to(&me.viewer())))
                        .expect("events serialize");
                    if socket.send(Message::Text(json.into())).await.is_err() {
                        return;
                    }
                }
                Err(RecvError::Lagged(_)) => {}
                Err(RecvError::Closed) => return,
            },
            _ = session_check.tick() => {
                if !session_alive(&state, &me, false).await {
                    let close = CloseFrame { code: close_code::POLICY, reason: "session ended".into() };
                    let _ = socket.send(Message::Close(Some(close))).await;
                    return;
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
/// `activity`: whether the socket's use counts as the user's activity (a console's does; the
/// events socket's own traffic does not, so a forgotten tab lets its session idle out).
pub(super) async fn session_alive(state: &AppState, me: &CurrentUser, activity: bool) -> bool {
    if let crate::auth::Credential::Token { .. } = me.credential {
        return crate::auth::tokens::still_valid(&state.auth, &me.token, activity).await;
    }
    let (sessions, expiry) = (state.auth.store.sessions(), state.auth.expiry);
    let found = if activity {
        sessions.user_of(&me.token, now_secs(), expiry).await
    } else {
        sessions.peek(&me.token, now_secs(), expiry).await
    };
    matches!(found, Ok(Some(_)))
}
