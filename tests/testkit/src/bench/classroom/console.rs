//! A console reader as light as a browser's native WebSocket: the upgrade by hand, then the
//! server's frames parsed straight off the socket and their payloads handed over in place,
//! so the load generator's own work does not pass for the proxy's delay.

use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::TcpStream,
};

/// A console's socket after its upgrade, and what was read past the upgrade's answer.
pub struct RawConsole {
    tcp: TcpStream,
    buf: Vec<u8>,
    /// Payload bytes of the current frame still to come.
    left: usize,
}

impl RawConsole {
    /// Upgrades `tcp` (connected to `host`) at `path` with these cookie and origin.
    pub async fn open(
        mut tcp: TcpStream,
        host: &str,
        path: &str,
        cookie: &str,
        origin: &str,
    ) -> Result<Self, String> {
        let request = format!(
            "GET {path} HTTP/1.1\r\nHost: {host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
             Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\
             Sec-WebSocket-Protocol: binary\r\nOrigin: {origin}\r\nCookie: {cookie}\r\n\r\n"
        );
        tcp.write_all(request.as_bytes())
            .await
            .map_err(|e| e.to_string())?;
        let mut buf = Vec::with_capacity(256 * 1024);
        let end = loop {
            let mut chunk = [0u8; 4096];
            let n = tcp.read(&mut chunk).await.map_err(|e| e.to_string())?;
            if n == 0 {
                return Err("closed during the upgrade".into());
            }
            buf.extend_from_slice(&chunk[..n]);
            if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                break end + 4;
            }
        };
        if !buf.starts_with(b"HTTP/1.1 101") {
            return Err(String::from_utf8_lossy(&buf[..end]).into_owned());
        }
        buf.drain(..end);
        Ok(Self { tcp, buf, left: 0 })
    }

    /// Hands each piece of binary payload that arrives to `take`, until the socket closes
    /// (an error, with the close frame's reason if it sent one) or `take` fails.
    pub async fn read(
        &mut self,
        mut take: impl FnMut(&[u8]) -> Result<(), String>,
    ) -> Result<(), String> {
        loop {
            // What the buffer holds: payload of the current frame, then frame headers.
            while !self.buf.is_empty() {
                if self.left > 0 {
                    let n = self.left.min(self.buf.len());
                    take(&self.buf[..n])?;
                    self.buf.drain(..n);
                    self.left -= n;
                    continue;
                }
                let Some((header, len, opcode)) = frame_header(&self.buf) else {
                    break;
                };
                match opcode {
                    0x8 => {
                        let reason = self.buf.get(header + 2..header + len).unwrap_or_default();
                        let reason = String::from_utf8_lossy(reason);
                        return Err(format!("console closed: {reason}"));
                    }
                    0x0..=0x2 => {
                        self.buf.drain(..header);
                        self.left = len;
                    }
                    // A ping or pong: skipped once it is all here.
                    _ if self.buf.len() < header + len => break,
                    _ => drop(self.buf.drain(..header + len)),
                }
            }
            let mut chunk = [0u8; 64 * 1024];
            let n = self.tcp.read(&mut chunk).await.map_err(|e| e.to_string())?;
            if n == 0 {
                return Err("console socket closed".into());
            }
            self.buf.extend_from_slice(&chunk[..n]);
        }
    }
}

/// A server frame's header length, payload length and opcode, once the header is all there.
fn frame_header(buf: &[u8]) -> Option<(usize, usize, u8)> {
    let opcode = *buf.first()? & 0x0F;
    match *buf.get(1)? & 0x7F {
        126 => Some((
            4,
            u16::from_be_bytes([*buf.get(2)?, *buf.get(3)?]) as usize,
            opcode,
        )),
        127 => {
            let bytes: [u8; 8] = buf.get(2..10)?.try_into().ok()?;
            Some((10, u64::from_be_bytes(bytes) as usize, opcode))
        }
        n => Some((2, n as usize, opcode)),
    }
}
