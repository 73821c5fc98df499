//! The core of both console proxies: a WebSocket bridged to a byte stream (a VNC server's TCP
//! socket, a serial console) with bounded buffers and backpressure both ways, an idle timeout
//! and a reason when it ends. Public so the proxy benchmark can drive it against any socket.

use std::{
    sync::atomic::{AtomicU64, Ordering},
    time::{Duration, Instant},
};

use axum::extract::ws::{CloseFrame, Message, WebSocket, close_code};
use bytes::{BufMut, BytesMut};
use futures_util::{SinkExt, StreamExt};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

/// Bytes read from the stream into one WebSocket frame, at most; also the largest message
/// taken from the browser. Large: one read takes all the stream has ready, so a busy console
/// costs few reads, writes and wake-ups (in the proxy benchmark 256 KiB frames moved about
/// 835 MB/s, 1 MiB ones 1,100-1,300), and the browser's WebSocket takes frames of any size.
pub const FRAME: usize = 1024 * 1024;

/// How long a closed stream waits for `stop` to say why.
const STOP_GRACE: Duration = Duration::from_secs(3);

/// Why a bridged console ended, as its close frame tells the browser.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ended {
    /// The browser closed the socket (no close frame is sent back but the echo).
    Browser,
    /// The VM side closed its end (the VNC server or console went away).
    StreamClosed,
    /// Nothing moved either way for the idle timeout.
    Idle,
    /// The VM stopped.
    VmStopped,
    /// The VM was deleted.
    VmDeleted,
    /// The session that opened it ended.
    SessionEnded,
}

impl Ended {
    /// The close frame sent for this ending.
    pub fn close_frame(self) -> CloseFrame {
        let (code, reason) = match self {
            Self::Browser => (close_code::NORMAL, "closed"),
            Self::StreamClosed => (close_code::NORMAL, "the console closed"),
            Self::Idle => (close_code::NORMAL, "idle timeout"),
            Self::VmStopped => (close_code::NORMAL, "the VM stopped"),
            Self::VmDeleted => (close_code::NORMAL, "the VM was deleted"),
            Self::SessionEnded => (close_code::POLICY, "session ended"),
        };
        CloseFrame {
            code,
            reason: reason.into(),
        }
    }
}

/// Bridges `socket` and `stream` until either closes, nothing moves for `idle`, or `stop`
/// completes with a reason; then closes the socket with that reason. Binary and text frames
/// from the browser are written to the stream; the stream's bytes go out as binary frames.
/// Each side's frames are taken one at a time, the next only once the last was written. So a
/// slow reader on either side slows the other, never grows a buffer (a frame each way, and
/// the WebSocket's copy of the outgoing one: about 3 MiB per console at most).
pub async fn bridge(
    socket: WebSocket,
    stream: impl AsyncRead + AsyncWrite,
    idle: Duration,
    stop: impl Future<Output = Ended>,
) -> Ended {
    let (mut ws_out, mut ws_in) = socket.split();
    let (mut stream_in, mut stream_out) = tokio::io::split(stream);
    let start = Instant::now();
    let last_moved = AtomicU64::new(0);
    let moved = || last_moved.store(start.elapsed().as_millis() as u64, Ordering::Relaxed);

    let upstream = async {
        while let Some(Ok(message)) = ws_in.next().await {
            let bytes = match message {
                Message::Binary(bytes) => bytes,
                Message::Text(text) => text.into(),
                Message::Close(_) => break,
                Message::Ping(_) | Message::Pong(_) => continue,
            };
            moved();
            if stream_out.write_all(&bytes).await.is_err() {
                return Ended::StreamClosed;
            }
        }
        Ended::Browser
    };
    let downstream = async {
        // Each frame is read into a buffer of its own that then becomes the frame's payload,
        // without a copy.
        let mut buf = BytesMut::new();
        loop {
            buf.reserve(FRAME);
            match stream_in.read_buf(&mut (&mut buf).limit(FRAME)).await {
                Ok(0) | Err(_) => return Ended::StreamClosed,
                Ok(_) => moved(),
            }
            if ws_out
                .send(Message::Binary(buf.split().freeze()))
                .await
                .is_err()
            {
                return Ended::Browser;
            }
        }
    };
    let idle_watch = async {
        loop {
            let since = Duration::from_millis(last_moved.load(Ordering::Relaxed));
            let quiet = start.elapsed().saturating_sub(since);
            if quiet >= idle {
                return Ended::Idle;
            }
            tokio::time::sleep(idle - quiet).await;
        }
    };
    let mut stop = std::pin::pin!(stop);
    let mut ended = tokio::select! {
        ended = upstream => ended,
        ended = downstream => ended,
        ended = idle_watch => ended,
        ended = &mut stop => ended,
    };
    // A VM that stops closes its console before the host's view says it stopped: wait a
    // moment for the view, so that the browser learns why.
    if ended == Ended::StreamClosed
        && let Ok(why) = tokio::time::timeout(STOP_GRACE, stop).await
    {
        ended = why;
    }
    let _ = ws_out.send(Message::Close(Some(ended.close_frame()))).await;
    ended
}
