//! `GET .../console/ssh`: a shell on the VM as its owner, over SSH to the VM's forwarded port,
//! in a WebSocket. The server logs in with the owner's server-side key (which the VM's seed
//! installed); when the guest does not take it, the browser is asked for the account's
//! password (three tries). The guest's host key is recorded the first time and must match
//! after. Binary frames carry the terminal's bytes; text frames `terminal::Control` (resize,
//! password) and `terminal::Notice`. It ends with a reason, as the other consoles do.

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
    response::Response,
};
use futures_util::{
    SinkExt, StreamExt,
    stream::{SplitSink, SplitStream},
};
use russh::ChannelMsg;
use serde::Deserialize;
use shared::terminal::{Control, MAX_SIZE, Notice};

use super::{Ended, admit, idle::Activity, vm_or_session_gone, would_open};
use crate::{
    api::{Query, vms::VisibleVm},
    auth::CurrentUser,
    error::ApiError,
    seed::guest_account,
    ssh::{Identity, terminal},
    state::AppState,
};
use hypervisor::ByteStream;

/// The largest frame taken from the browser (keystrokes, a paste, a control message).
const MAX_INPUT: usize = 64 * 1024;
/// Password tries before the terminal gives up.
const PASSWORD_TRIES: usize = 3;
/// How long the user has to type a password.
const PASSWORD_WAIT: Duration = Duration::from_secs(120);

#[derive(Debug, Deserialize, schemars::JsonSchema)]
pub struct Size {
    cols: Option<u16>,
    rows: Option<u16>,
}

/// Who the shell logs in as: the owner's guest account, with the owner's server-side key
/// when the owner is still a user.
struct Login {
    account: String,
    key: Option<Identity>,
}

pub async fn ssh(
    State(state): State<AppState>,
    Extension(me): Extension<CurrentUser>,
    VisibleVm(vm): VisibleVm,
    Query(size): Query<Size>,
    ws: Result<WebSocketUpgrade, WebSocketUpgradeRejection>,
) -> Result<Response, ApiError> {
    let port = vm
        .ssh_port
        .ok_or_else(|| ApiError::InvalidState("this VM has no SSH port".into()))?;
    let (ws, slot) = admit(&state, &me, &vm.uuid, ws)?;
    let Some(ws) = ws else {
        return Ok(would_open());
    };
    let owner = vm.owner.clone().unwrap_or_else(|| me.user.username.clone());
    let login = login_of(&state, &owner).await?;
    let uuid = vm.uuid.clone();
    let recorded = state.auth.store.host_keys().get(&uuid).await?;
    let stream = state.pool.connect_forwarded(&vm.uuid, port).await?;
    let size = (
        size.cols.unwrap_or(80).clamp(1, MAX_SIZE),
        size.rows.unwrap_or(24).clamp(1, MAX_SIZE),
    );
    let ws = ws
        .protocols([super::BINARY])
        .read_buffer_size(16 * 1024)
        .max_message_size(MAX_INPUT)
        .max_frame_size(MAX_INPUT);
    Ok(ws.on_upgrade(move |socket| async move {
        let _open = (slot, state.monitor.console_opened());
        let session = Session {
            state: &state,
            me: &me,
            uuid: &vm.uuid,
        };
        session.run(socket, stream, login, recorded, size).await;
    }))
}

async fn login_of(state: &AppState, owner: &str) -> Result<Login, ApiError> {
    let name = owner.to_owned();
    let record = state.auth.store.users().by_name(&name).await?;
    let key = match record {
        Some(r) => Some(
            state
                .identities
                .of_user(&state.auth.store, r.id, &r.uid)
                .await
                .map_err(ApiError::Internal)?,
        ),
        None => None,
    };
    Ok(Login {
        account: guest_account(owner),
        key,
    })
}

type Out = SplitSink<WebSocket, Message>;
type In = SplitStream<WebSocket>;

/// One terminal's life.
struct Session<'a> {
    state: &'a AppState,
    me: &'a CurrentUser,
    uuid: &'a str,
}

/// How a terminal ended: one of the consoles' reasons, or why it could not open.
enum End {
    Console(Ended),
    Refused(String),
}

impl Session<'_> {
    async fn run(
        &self,
        socket: WebSocket,
        stream: Box<dyn ByteStream>,
        login: Login,
        recorded: Option<String>,
        (cols, rows): (u16, u16),
    ) {
        let (mut out, mut input) = socket.split();
        let end = match self
            .open(stream, login, recorded, &mut out, &mut input)
            .await
        {
            Ok(connection) => match connection.open_shell(cols, rows).await {
                Ok(shell) => self.pump(shell, &mut out, &mut input).await,
                Err(e) => End::Refused(e.to_string()),
            },
            Err(end) => end,
        };
        let frame = match end {
            End::Console(ended) => ended.close_frame(),
            End::Refused(why) => CloseFrame {
                code: close_code::POLICY,
                reason: truncated(&why).into(),
            },
        };
        let _ = out.send(Message::Close(Some(frame))).await;
    }

    /// Connects, checks (or records) the host key and logs in.
    async fn open(
        &self,
        stream: Box<dyn ByteStream>,
        login: Login,
        recorded: Option<String>,
        out: &mut Out,
        input: &mut In,
    ) -> Result<terminal::Connection, End> {
        let refused = |e: terminal::TerminalError| End::Refused(e.to_string());
        let mut connection = terminal::connect(stream, recorded.clone())
            .await
            .map_err(refused)?;
        if recorded.is_none() {
            let (uuid, key) = (self.uuid.to_owned(), connection.host_key.clone());
            let now = crate::auth::now_secs().max(0) as u64;
            let kept = self
                .state
                .auth
                .store
                .host_keys()
                .remember(&uuid, &key, now)
                .await
                .map_err(|e| End::Refused(e.to_string()))?;
            if kept != connection.host_key {
                return Err(End::Refused(
                    "the VM's SSH host key changed meanwhile".into(),
                ));
            }
        }
        if let Some(key) = &login.key
            && connection
                .login_with_key(&login.account, key.private_key())
                .await
                .map_err(refused)?
        {
            return Ok(connection);
        }
        for attempt in 0..PASSWORD_TRIES {
            let Some(password) = ask_password(out, input, attempt > 0).await? else {
                return Err(End::Console(Ended::Browser));
            };
            if connection
                .login_with_password(&login.account, &password)
                .await
                .map_err(refused)?
            {
                return Ok(connection);
            }
        }
        Err(refused(terminal::TerminalError::LoginRefused))
    }

    /// Moves the shell's output to the browser and the browser's keys and sizes to the
    /// shell, until either ends, nothing moves for the idle timeout, or the VM or the session
    /// goes.
    async fn pump(&self, shell: terminal::Shell, out: &mut Out, input: &mut In) -> End {
        let (mut from_guest, to_guest) = shell.channel.split();
        let idle = self.state.consoles.idle;
        let activity = Activity::new();
        let moved = || activity.moved();
        let upstream = async {
            loop {
                let Some(Ok(message)) = input.next().await else {
                    return Ended::Browser;
                };
                moved();
                let sent = match message {
                    Message::Binary(bytes) => to_guest.data_bytes(bytes).await,
                    Message::Text(text) => match serde_json::from_str(&text) {
                        Ok(Control::Resize { cols, rows }) => {
                            let (cols, rows) = (cols.clamp(1, MAX_SIZE), rows.clamp(1, MAX_SIZE));
                            to_guest.window_change(cols.into(), rows.into(), 0, 0).await
                        }
                        Ok(Control::Password(_)) | Err(_) => Ok(()),
                    },
                    Message::Close(_) => return Ended::Browser,
                    Message::Ping(_) | Message::Pong(_) => Ok(()),
                };
                if sent.is_err() {
                    return Ended::StreamClosed;
                }
            }
        };
        let downstream = async {
            while let Some(message) = from_guest.wait().await {
                let data = match message {
                    ChannelMsg::Data { data } | ChannelMsg::ExtendedData { data, .. } => data,
                    ChannelMsg::Eof | ChannelMsg::Close => break,
                    _ => continue,
                };
                moved();
                if out.send(Message::Binary(data)).await.is_err() {
                    return Ended::Browser;
                }
            }
            Ended::StreamClosed
        };
        let idle_watch = activity.idle_for(idle);
        let stop = vm_or_session_gone(self.state, self.me, self.uuid);
        End::Console(tokio::select! {
            ended = upstream => ended,
            ended = downstream => ended,
            ended = idle_watch => ended,
            ended = stop => ended,
        })
    }
}

/// Asks the browser for the password; `None` when it went away.
async fn ask_password(out: &mut Out, input: &mut In, again: bool) -> Result<Option<String>, End> {
    let notice = serde_json::to_string(&Notice::AskPassword { again }).unwrap_or_default();
    if out.send(Message::Text(notice.into())).await.is_err() {
        return Ok(None);
    }
    let wait = async {
        while let Some(Ok(message)) = input.next().await {
            match message {
                Message::Text(text) => {
                    if let Ok(Control::Password(password)) = serde_json::from_str(&text) {
                        return Some(password);
                    }
                }
                Message::Close(_) => return None,
                _ => {}
            }
        }
        None
    };
    tokio::time::timeout(PASSWORD_WAIT, wait)
        .await
        .map_err(|_| End::Console(Ended::Idle))
}

/// A close reason fits in a control frame (123 bytes), cut at a character boundary.
fn truncated(reason: &str) -> String {
    let mut end = reason.len().min(123);
    while !reason.is_char_boundary(end) {
        end -= 1;
    }
    reason[..end].to_owned()
}
