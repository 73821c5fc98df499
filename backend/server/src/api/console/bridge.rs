//! The core of both console proxies: a WebSocket (the raw upgraded connection, framed by
//! `ws`) bridged to a byte stream (a VNC server's socket, a serial console) with bounded
//! buffers and backpressure both ways, an idle timeout and a reason when it ends. Public so the
//! proxy benchmark can drive it against any socket.

use std::time::Duration;

use axum::extract::ws::{CloseFrame, close_code};
use bytes::{BufMut, BytesMut};
use tokio::{
    io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt},
    sync::Mutex,
};

use super::{
    idle::Activity,
    ws::{Incoming, Reader, Writer},
};

/// Bytes read from the stream into one WebSocket frame, at most; also the largest message
/// taken from the browser. Large: one read takes all the stream has ready, so a busy console
/// costs few reads, writes and wake-ups, and the browser's WebSocket takes frames of any size.
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
    /// The browser broke the WebSocket protocol (or sent a message over the limit).
    Protocol(u16),
}

impl Ended {
    /// The close code and reason sent for this ending.
    pub fn close(self) -> (u16, &'static str) {
        match self {
            Self::Browser => (close_code::NORMAL, "closed"),
            Self::StreamClosed => (close_code::NORMAL, "the console closed"),
            Self::Idle => (close_code::NORMAL, "idle timeout"),
            Self::VmStopped => (close_code::NORMAL, "the VM stopped"),
            Self::VmDeleted => (close_code::NORMAL, "the VM was deleted"),
            Self::SessionEnded => (close_code::POLICY, "session ended"),
            Self::Protocol(code) => (code, "protocol error"),
        }
    }

    /// The close frame sent for this ending, as axum's WebSocket sends it.
    pub fn close_frame(self) -> CloseFrame {
        let (code, reason) = self.close();
        CloseFrame {
            code,
            reason: reason.into(),
        }
    }
}

/// Bridges the WebSocket on `socket` (an upgraded connection) and `stream` until either
/// closes, nothing moves for `idle`, or `stop` completes with a reason; then closes the socket
/// with that reason. Messages from the browser (binary or text) are written to the stream; the
/// stream's bytes go out as binary frames, each read written straight from its buffer with
/// the frame's header (no copy). Each side's next read waits until its last was written, so a
/// slow reader on either side slows the other, never grows a buffer (a frame each way: about
/// 2 MiB per console at most).
pub async fn bridge(
    socket: impl AsyncRead + AsyncWrite,
    stream: impl AsyncRead + AsyncWrite,
    idle: Duration,
    stop: impl Future<Output = Ended>,
) -> Ended {
    let (socket_in, socket_out) = tokio::io::split(socket);
    let mut from_browser = Reader::new(socket_in, FRAME);
    let to_browser = Mutex::new(Writer::new(socket_out));
    let (mut stream_in, mut stream_out) = tokio::io::split(stream);
    let activity = Activity::new();
    let moved = || activity.moved();

    let upstream = async {
        loop {
            let bytes = match from_browser.next().await {
                Ok(Some(Incoming::Data(bytes))) => bytes,
                Ok(Some(Incoming::Ping(payload))) => {
                    if to_browser.lock().await.pong(&payload).await.is_err() {
                        return Ended::Browser;
                    }
                    continue;
                }
                Ok(Some(Incoming::Close) | None) => return Ended::Browser,
                Err(e) => return e.close_code().map_or(Ended::Browser, Ended::Protocol),
            };
            moved();
            if stream_out.write_all(&bytes).await.is_err() {
                return Ended::StreamClosed;
            }
        }
    };
    let downstream = async {
        // One buffer for every frame: each read is written out before the next.
        let mut buf = BytesMut::with_capacity(FRAME);
        loop {
            buf.clear();
            match stream_in.read_buf(&mut (&mut buf).limit(FRAME)).await {
                Ok(0) | Err(_) => return Ended::StreamClosed,
                Ok(_) => moved(),
            }
            if to_browser.lock().await.binary(&buf).await.is_err() {
                return Ended::Browser;
            }
        }
    };
    let idle_watch = activity.idle_for(idle);
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
    let (code, reason) = ended.close();
    let _ = to_browser.lock().await.close(code, reason).await;
    ended
}
