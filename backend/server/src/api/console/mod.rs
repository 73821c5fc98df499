//! A VM's consoles as WebSockets: `GET .../console/vnc` proxies RFB to the VM's VNC server on
//! its host's loopback; `GET .../console/serial` carries libvirt's console stream. Session,
//! ownership and Origin are checked before the upgrade (another user's VM is 404), and so is
//! the per-user limit (429 `console_limit`); a plain GET answers the same checks without
//! opening anything (204 when a console would open). The socket closes with a reason when the VM
//! stops or is deleted, the session ends, the console closes, or it sits idle.

mod bridge;
mod idle;
mod limit;
mod ssh;
pub mod ws;

use std::time::Duration;

use axum::{
    Extension,
    extract::State,
    http::{Method, StatusCode},
    response::{IntoResponse, Response},
    routing::get,
};
use shared::{VmState, routes};

use super::{Access, Route, events::session_alive, vms::VisibleVm};
use crate::{auth::CurrentUser, error::ApiError, state::AppState};
pub use bridge::{Ended, FRAME, bridge};
use hypervisor::{ByteStream, ConsoleError};
pub use limit::{Consoles, Slot};

/// The subprotocol websockify speaks and noVNC asks for: binary frames.
const BINARY: &str = "binary";
/// Bytes in flight between the serial console's pump and its socket, at most.
const SERIAL_PIPE: usize = 16 * 1024;
/// How often the session behind an open console is checked.
const SESSION_CHECK: Duration = Duration::from_secs(5);

pub fn routes() -> Vec<Route> {
    vec![
        Route::new(Method::GET, routes::VM_CONSOLE_VNC, Access::User, get(vnc))
            .websocket()
            .summary("The VM's graphical console: RFB (VNC) in binary frames (WebSocket)"),
        Route::new(
            Method::GET,
            routes::VM_CONSOLE_SERIAL,
            Access::User,
            get(serial),
        )
        .websocket()
        .summary("The VM's serial console: its bytes both ways in binary frames (WebSocket)"),
        Route::new(
            Method::GET,
            routes::VM_CONSOLE_SSH,
            Access::User,
            get(ssh::ssh),
        )
        .websocket()
        .summary("A shell on the VM over SSH as its owner (WebSocket; ?cols=&rows=)")
        .query::<ssh::Size>(),
    ]
}

async fn vnc(
    State(state): State<AppState>,
    Extension(me): Extension<CurrentUser>,
    VisibleVm(vm): VisibleVm,
    ws: Result<ws::Upgrade, ws::UpgradeRejection>,
) -> Result<Response, ApiError> {
    let (ws, slot) = admit(&state, &me, &vm.uuid, ws)?;
    let vnc = state.pool.connect_vnc(&vm.uuid).await?;
    let Some(ws) = ws else {
        return Ok(would_open());
    };
    Ok(upgrade(ws, state, me, vm.uuid, slot, vnc))
}

async fn serial(
    State(state): State<AppState>,
    Extension(me): Extension<CurrentUser>,
    VisibleVm(vm): VisibleVm,
    ws: Result<ws::Upgrade, ws::UpgradeRejection>,
) -> Result<Response, ApiError> {
    let (ws, slot) = admit(&state, &me, &vm.uuid, ws)?;
    // Opening it to ask would take the console over from whoever has it.
    let Some(ws) = ws else {
        return Ok(would_open());
    };
    let console = state.pool.open_serial(&vm.uuid).await?;
    let (ours, theirs) = tokio::io::duplex(SERIAL_PIPE);
    tokio::spawn(serial_pump(console, theirs));
    Ok(upgrade(ws, state, me, vm.uuid, slot, ours))
}

/// The checks every console passes before it opens: a slot under the per-user limit and a
/// running VM. A plain GET (no upgrade, so `None`) asks only whether a console would open, so
/// a browser whose socket was refused can learn why: the same error, or 204.
fn admit<U, R>(
    state: &AppState,
    me: &CurrentUser,
    uuid: &str,
    ws: Result<U, R>,
) -> Result<(Option<U>, Slot), ApiError> {
    let slot = state
        .consoles
        .take(&me.user.username)
        .ok_or(ApiError::ConsoleLimit(state.consoles.per_user))?;
    let running = state
        .pool
        .find_vm(uuid)
        .is_some_and(|(_, vm)| matches!(vm.state, VmState::Running | VmState::Paused));
    if !running {
        return Err(ApiError::InvalidState("the VM is not running".into()));
    }
    Ok((ws.ok(), slot))
}

/// The answer to a plain GET that passed every check.
fn would_open() -> Response {
    StatusCode::NO_CONTENT.into_response()
}

/// Upgrades to the console's socket and bridges it to `stream` until either ends or the VM
/// or the session goes.
fn upgrade(
    ws: ws::Upgrade,
    state: AppState,
    me: CurrentUser,
    uuid: String,
    slot: Slot,
    stream: impl ByteStream + 'static,
) -> Response {
    ws.on_upgrade(BINARY, move |socket| async move {
        let _open = (slot, state.monitor.console_opened());
        let stop = vm_or_session_gone(&state, &me, &uuid);
        bridge(socket, stream, state.consoles.idle, stop).await;
    })
}

/// Moves the serial console's chunks to and from one end of a bounded in-memory pipe until
/// either side ends.
async fn serial_pump(mut console: hypervisor::SerialConsole, pipe: tokio::io::DuplexStream) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let (mut from_browser, mut to_browser) = tokio::io::split(pipe);
    let output = async {
        if to_browser.write_all(&console.backlog).await.is_err() {
            return;
        }
        while let Some(chunk) = console.output.recv().await {
            if to_browser.write_all(&chunk).await.is_err() {
                break;
            }
        }
    };
    let input = async {
        let mut buf = vec![0u8; 4096];
        while let Ok(n @ 1..) = from_browser.read(&mut buf).await {
            if console.input.send(buf[..n].to_vec()).await.is_err() {
                break;
            }
        }
    };
    tokio::select! {
        () = output => {},
        () = input => {},
    }
}

/// Completes, with the reason, when the VM stops or is deleted or the session ends.
async fn vm_or_session_gone(state: &AppState, me: &CurrentUser, uuid: &str) -> Ended {
    let mut changes = state.pool.subscribe();
    let mut session_check = tokio::time::interval(SESSION_CHECK);
    loop {
        match state.pool.find_vm(uuid) {
            None => return Ended::VmDeleted,
            Some((_, vm)) if matches!(vm.state, VmState::Shutoff | VmState::Crashed) => {
                return Ended::VmStopped;
            }
            Some(_) => {}
        }
        tokio::select! {
            changed = changes.changed() => if changed.is_err() { return Ended::VmDeleted },
            _ = session_check.tick() => if !session_alive(state, me, true).await {
                return Ended::SessionEnded;
            },
        }
    }
}

impl From<ConsoleError> for ApiError {
    fn from(err: ConsoleError) -> Self {
        match err {
            ConsoleError::Action(e) => e.into(),
            ConsoleError::Unreachable(_) => Self::Internal(err.into()),
            ConsoleError::RemoteHost | ConsoleError::NoDisplay | ConsoleError::NoSerial => {
                Self::InvalidState(err.to_string())
            }
        }
    }
}
