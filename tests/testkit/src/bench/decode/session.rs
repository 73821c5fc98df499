//! A recorded session as its server sent it, and the work it holds, found by our client on
//! the host.

use rfb::{Client, Limits, Op};

/// The longest WebSocket message handed to a client (a socket read's worth).
const MAX_MESSAGE: usize = 64 * 1024;

pub struct Session {
    pub bytes: Vec<u8>,
    /// Message lengths, in order, summing to the session's length.
    pub messages: Vec<usize>,
    /// FramebufferUpdates it holds to their end.
    pub updates: u64,
    /// Pixels those updates draw.
    pub pixels: u64,
}

impl Session {
    /// Cuts `bytes` where the real server would have waited for the client's answer (the
    /// version, security, ServerInit, each update), which is where our client, fed a byte at a
    /// time, has something to send; and again every [`MAX_MESSAGE`] bytes.
    pub fn new(bytes: Vec<u8>) -> Self {
        let mut client = Client::new(None, Limits::default());
        let (mut messages, mut pixels, mut start) = (Vec::new(), 0, 0);
        for (at, byte) in bytes.iter().enumerate() {
            let ops = client.feed(&[*byte]).expect("a recorded session decodes");
            pixels += ops.iter().map(drawn).sum::<usize>();
            if !client.take_output().is_empty() || at + 1 - start == MAX_MESSAGE {
                messages.push(at + 1 - start);
                start = at + 1;
            }
        }
        if start < bytes.len() {
            // the recording's last message, cut short
            messages.push(bytes.len() - start);
        }
        Self {
            messages,
            updates: client.updates(),
            pixels: pixels as u64,
            bytes,
        }
    }
}

/// Pixels an op draws.
fn drawn(op: &Op) -> usize {
    match op {
        Op::Fill { rect, .. }
        | Op::Pixels { rect, .. }
        | Op::Copy { rect, .. }
        | Op::Jpeg { rect, .. } => rect.area(),
        _ => 0,
    }
}
