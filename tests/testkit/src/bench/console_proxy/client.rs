//! A bare WebSocket client: the upgrade by hand, then frames read straight off the socket, so
//! that the client costs each proxy the same little (as a browser's native WebSocket does) and
//! the figures are the proxies'. When asked, it keeps every payload byte, in order, to be
//! checked.

use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::TcpStream,
};

pub struct Client {
    conn: TcpStream,
    buf: Vec<u8>,
    scratch: Vec<u8>,
    /// Every payload byte received so far, if kept.
    kept: Option<Vec<u8>>,
}

impl Client {
    /// Connects to `url` (`ws://HOST:PORT/PATH`); keeps the payloads if `keep`.
    pub async fn connect(url: &str, keep: bool) -> Self {
        let rest = url.strip_prefix("ws://").unwrap();
        let (host, path) = rest.split_once('/').unwrap();
        let mut conn = TcpStream::connect(host).await.unwrap();
        conn.set_nodelay(true).unwrap();
        let request = format!(
            "GET /{path} HTTP/1.1\r\nHost: {host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
             Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\
             Sec-WebSocket-Protocol: binary\r\n\r\n"
        );
        conn.write_all(request.as_bytes()).await.unwrap();
        let mut buf = Vec::with_capacity(256 * 1024);
        let end = loop {
            let mut chunk = [0u8; 4096];
            let n = conn.read(&mut chunk).await.unwrap();
            assert!(n > 0, "closed during the upgrade");
            buf.extend_from_slice(&chunk[..n]);
            if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                break end + 4;
            }
        };
        assert!(
            buf.starts_with(b"HTTP/1.1 101"),
            "{}",
            String::from_utf8_lossy(&buf)
        );
        buf.drain(..end);
        Self {
            conn,
            buf,
            scratch: vec![0; 256 * 1024],
            kept: keep.then(Vec::new),
        }
    }

    /// The payloads received so far, if kept.
    pub fn kept(&self) -> Option<&[u8]> {
        self.kept.as_deref()
    }

    /// The payload length of the next frame, its payload read (and kept, or dropped).
    pub async fn next_frame(&mut self) -> usize {
        loop {
            if let Some((header, len)) = frame_header(&self.buf) {
                if let Some(kept) = &mut self.kept {
                    // Kept payloads are checked as a stream: it must be data frames only.
                    let opcode = self.buf[0] & 0x0f;
                    assert!(matches!(opcode, 0 | 2), "a frame of opcode {opcode}");
                    let have = self.buf.len().min(header + len);
                    kept.extend_from_slice(&self.buf[header..have]);
                }
                if self.buf.len() >= header + len {
                    self.buf.drain(..header + len);
                    return len;
                }
                // A large payload: count what arrives without keeping it in `buf`.
                let mut left = header + len - self.buf.len();
                self.buf.clear();
                while left > 0 {
                    let n = self.conn.read(&mut self.scratch).await.unwrap();
                    assert!(n > 0, "closed mid-frame");
                    if let Some(kept) = &mut self.kept {
                        kept.extend_from_slice(&self.scratch[..n.min(left)]);
                    }
                    if n > left {
                        self.buf.extend_from_slice(&self.scratch[left..n]);
                        left = 0;
                    } else {
                        left -= n;
                    }
                }
                return len;
            }
            let n = self.conn.read(&mut self.scratch).await.unwrap();
            assert!(n > 0, "closed");
            self.buf.extend_from_slice(&self.scratch[..n]);
        }
    }

    /// Sends one binary frame (masked with a zero key, as a client must mask).
    pub async fn send(&mut self, payload: &[u8]) {
        assert!(payload.len() < 126);
        let mut frame = vec![0x82, 0x80 | payload.len() as u8, 0, 0, 0, 0];
        frame.extend_from_slice(payload);
        self.conn.write_all(&frame).await.unwrap();
    }
}

/// A server frame's header length and payload length, once the header is all there.
fn frame_header(buf: &[u8]) -> Option<(usize, usize)> {
    let len = *buf.get(1)? & 0x7f;
    match len {
        126 => Some((4, u16::from_be_bytes([*buf.get(2)?, *buf.get(3)?]) as usize)),
        127 => {
            let bytes: [u8; 8] = buf.get(2..10)?.try_into().ok()?;
            Some((10, u64::from_be_bytes(bytes) as usize))
        }
        n => Some((2, n as usize)),
    }
}
