//! WebSocket frames on a raw connection: a `Reader` of the browser's frames (masked, checked,
//! reassembled, bounded) and a `Writer` of the server's (unmasked, header and payload in one
//! vectored write).

use std::io::{self, IoSlice};

use bytes::{Buf, Bytes, BytesMut};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

const CONTINUATION: u8 = 0x0;
const TEXT: u8 = 0x1;
const BINARY: u8 = 0x2;
const CLOSE: u8 = 0x8;
const PING: u8 = 0x9;
const PONG: u8 = 0xA;
/// The largest payload of a control frame.
const MAX_CONTROL: usize = 125;
/// How much one read asks for, at least.
const READ_CHUNK: usize = 16 * 1024;

/// A message or control frame from the browser.
#[derive(Debug, PartialEq, Eq)]
pub enum Incoming {
    /// A whole binary or text message (text checked to be UTF-8), as bytes.
    Data(Bytes),
    /// A ping, to be answered with a pong of the same payload.
    Ping(Bytes),
    /// The browser closes.
    Close,
}

/// Why the browser's side cannot be read on.
#[derive(Debug, thiserror::Error)]
pub enum WireError {
    #[error(transparent)]
    Io(#[from] io::Error),
    #[error("protocol error: {0}")]
    Protocol(&'static str),
    #[error("message too big")]
    TooBig,
}

impl WireError {
    /// The close code that says so (none for a broken connection).
    pub fn close_code(&self) -> Option<u16> {
        match self {
            Self::Io(_) => None,
            Self::Protocol(_) => Some(1002),
            Self::TooBig => Some(1009),
        }
    }
}

/// One frame, unmasked.
struct Frame {
    fin: bool,
    opcode: u8,
    payload: BytesMut,
}

/// Reads the browser's frames from `io`, messages of at most `max` bytes.
pub struct Reader<R> {
    io: R,
    buf: BytesMut,
    max: usize,
    /// A fragmented message being reassembled: its opcode and bytes so far.
    partial: Option<(u8, BytesMut)>,
}

impl<R: AsyncRead + Unpin> Reader<R> {
    pub fn new(io: R, max: usize) -> Self {
        Self {
            io,
            buf: BytesMut::new(),
            max,
            partial: None,
        }
    }

    /// The next message or control frame; `None` when the connection ends.
    pub async fn next(&mut self) -> Result<Option<Incoming>, WireError> {
        loop {
            while let Some(frame) = self.parse()? {
                if let Some(incoming) = self.take(frame)? {
                    return Ok(Some(incoming));
                }
            }
            self.buf.reserve(READ_CHUNK);
            if self.io.read_buf(&mut self.buf).await? == 0 {
                return Ok(None);
            }
        }
    }

    /// What a frame makes of the message in progress: a message when it completes one.
    fn take(&mut self, frame: Frame) -> Result<Option<Incoming>, WireError> {
        let Frame {
            fin,
            opcode,
            payload,
        } = frame;
        match opcode {
            PING => Ok(Some(Incoming::Ping(payload.freeze()))),
            PONG => Ok(None),
            CLOSE => Ok(Some(Incoming::Close)),
            TEXT | BINARY if self.partial.is_some() => {
                Err(WireError::Protocol("a new message inside a fragmented one"))
            }
            TEXT | BINARY if fin => Ok(Some(message(opcode, payload)?)),
            TEXT | BINARY => {
                self.partial = Some((opcode, payload));
                Ok(None)
            }
            CONTINUATION => {
                let Some((first, so_far)) = self.partial.as_mut() else {
                    return Err(WireError::Protocol("a continuation of no message"));
                };
                if so_far.len() + payload.len() > self.max {
                    return Err(WireError::TooBig);
                }
                so_far.extend_from_slice(&payload);
                if !fin {
                    return Ok(None);
                }
                let first = *first;
                let (_, whole) = self.partial.take().expect("a message in progress");
                Ok(Some(message(first, whole)?))
            }
            _ => Err(WireError::Protocol("unknown opcode")),
        }
    }

    /// The next whole frame in the buffer, if it holds one.
    fn parse(&mut self) -> Result<Option<Frame>, WireError> {
        let b = &self.buf[..];
        if b.len() < 2 {
            return Ok(None);
        }
        let (fin, opcode) = (b[0] & 0x80 != 0, b[0] & 0x0F);
        if b[0] & 0x70 != 0 {
            return Err(WireError::Protocol("reserved bits set"));
        }
        if b[1] & 0x80 == 0 {
            return Err(WireError::Protocol("an unmasked frame from the client"));
        }
        let (len, at) = match b[1] & 0x7F {
            126 if b.len() < 4 => return Ok(None),
            126 => (u64::from(u16::from_be_bytes([b[2], b[3]])), 4),
            127 if b.len() < 10 => return Ok(None),
            127 => (
                u64::from_be_bytes(b[2..10].try_into().expect("8 bytes")),
                10,
            ),
            n => (u64::from(n), 2),
        };
        if opcode >= CLOSE && (len > MAX_CONTROL as u64 || !fin) {
            return Err(WireError::Protocol(
                "a control frame too long or fragmented",
            ));
        }
        if len > self.max as u64 {
            return Err(WireError::TooBig);
        }
        let total = at + 4 + len as usize;
        if b.len() < total {
            self.buf.reserve(total - b.len());
            return Ok(None);
        }
        let mask = [b[at], b[at + 1], b[at + 2], b[at + 3]];
        let mut payload = self.buf.split_to(total);
        payload.advance(at + 4);
        for (i, byte) in payload.iter_mut().enumerate() {
            *byte ^= mask[i & 3];
        }
        Ok(Some(Frame {
            fin,
            opcode,
            payload,
        }))
    }
}

/// A whole message's bytes; text must be UTF-8.
fn message(opcode: u8, payload: BytesMut) -> Result<Incoming, WireError> {
    if opcode == TEXT && std::str::from_utf8(&payload).is_err() {
        return Err(WireError::Protocol("text that is not UTF-8"));
    }
    Ok(Incoming::Data(payload.freeze()))
}

/// Writes the server's frames to `io`.
pub struct Writer<W> {
    io: W,
}

impl<W: AsyncWrite + Unpin> Writer<W> {
    pub fn new(io: W) -> Self {
        Self { io }
    }

    /// A binary message of `payload`, in one frame.
    pub async fn binary(&mut self, payload: &[u8]) -> io::Result<()> {
        self.frame(BINARY, payload).await
    }

    /// The answer to a ping.
    pub async fn pong(&mut self, payload: &[u8]) -> io::Result<()> {
        self.frame(PONG, &payload[..payload.len().min(MAX_CONTROL)])
            .await
    }

    /// A close frame with `code` and `reason` (cut to fit a control frame).
    pub async fn close(&mut self, code: u16, reason: &str) -> io::Result<()> {
        let mut end = reason.len().min(MAX_CONTROL - 2);
        while !reason.is_char_boundary(end) {
            end -= 1;
        }
        let mut payload = code.to_be_bytes().to_vec();
        payload.extend_from_slice(&reason.as_bytes()[..end]);
        self.frame(CLOSE, &payload).await?;
        self.io.shutdown().await
    }

    /// One final, unmasked frame: its header and payload written together.
    async fn frame(&mut self, opcode: u8, payload: &[u8]) -> io::Result<()> {
        let mut header = [0u8; 10];
        header[0] = 0x80 | opcode;
        let header_len = match payload.len() {
            n if n < 126 => {
                header[1] = n as u8;
                2
            }
            n if n <= usize::from(u16::MAX) => {
                header[1] = 126;
                header[2..4].copy_from_slice(&(n as u16).to_be_bytes());
                4
            }
            n => {
                header[1] = 127;
                header[2..10].copy_from_slice(&(n as u64).to_be_bytes());
                10
            }
        };
        let (mut head, mut body) = (&header[..header_len], payload);
        while !(head.is_empty() && body.is_empty()) {
            let parts = [IoSlice::new(head), IoSlice::new(body)];
            let n = self.io.write_vectored(&parts).await?;
            if n == 0 {
                return Err(io::ErrorKind::WriteZero.into());
            }
            let from_head = n.min(head.len());
            head = &head[from_head..];
            body = &body[n - from_head..];
        }
        self.io.flush().await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A client frame: masked with `mask`, `fin` and `opcode` as given.
    fn client_frame(fin: bool, opcode: u8, payload: &[u8], mask: [u8; 4]) -> Vec<u8> {
        let mut out = vec![(u8::from(fin) << 7) | opcode];
        match payload.len() {
            n if n < 126 => out.push(0x80 | n as u8),
            n if n <= 65535 => {
                out.push(0x80 | 126);
                out.extend_from_slice(&(n as u16).to_be_bytes());
            }
            n => {
                out.push(0x80 | 127);
                out.extend_from_slice(&(n as u64).to_be_bytes());
            }
        }
        out.extend_from_slice(&mask);
        out.extend(payload.iter().enumerate().map(|(i, b)| b ^ mask[i & 3]));
        out
    }

    async fn read_all(bytes: Vec<u8>, max: usize) -> Vec<Result<Incoming, String>> {
        let mut reader = Reader::new(&bytes[..], max);
        let mut out = Vec::new();
        loop {
            match reader.next().await {
                Ok(Some(incoming)) => out.push(Ok(incoming)),
                Ok(None) => return out,
                Err(e) => {
                    out.push(Err(e.to_string()));
                    return out;
                }
            }
        }
    }

    #[tokio::test]
    async fn messages_are_unmasked_and_reassembled_with_pings_between() {
        let big: Vec<u8> = (0..70_000u32).map(|i| (i % 251) as u8).collect();
        let mut wire = client_frame(true, BINARY, b"hello", [1, 2, 3, 4]);
        wire.extend(client_frame(false, TEXT, "héllo ".as_bytes(), [9, 8, 7, 6]));
        wire.extend(client_frame(true, PING, b"p", [5, 5, 5, 5]));
        wire.extend(client_frame(
            true,
            CONTINUATION,
            "wörld".as_bytes(),
            [0, 1, 0, 1],
        ));
        wire.extend(client_frame(true, BINARY, &big, [0xAA, 0x55, 0x0F, 0xF0]));
        wire.extend(client_frame(
            true,
            CLOSE,
            &1000u16.to_be_bytes(),
            [1, 1, 1, 1],
        ));
        assert_eq!(
            read_all(wire, 100_000).await,
            vec![
                Ok(Incoming::Data(Bytes::from_static(b"hello"))),
                Ok(Incoming::Ping(Bytes::from_static(b"p"))),
                Ok(Incoming::Data(Bytes::from("héllo wörld".as_bytes()))),
                Ok(Incoming::Data(Bytes::from(big))),
                Ok(Incoming::Close),
            ]
        );
    }

    #[tokio::test]
    async fn what_the_protocol_forbids_is_refused() {
        let m = [1, 2, 3, 4];
        let mut unmasked = client_frame(true, BINARY, b"x", m);
        unmasked[1] &= 0x7F;
        let mut reserved = client_frame(true, BINARY, b"x", m);
        reserved[0] |= 0x40;
        let mut over_two = client_frame(false, BINARY, &[0; 60], m);
        over_two.extend(client_frame(true, CONTINUATION, &[0; 60], m));
        for (wire, why) in [
            (unmasked, "unmasked"),
            (reserved, "reserved"),
            (client_frame(false, PING, b"x", m), "control frame"),
            (client_frame(true, PING, &[0; 126], m), "control frame"),
            (client_frame(true, CONTINUATION, b"x", m), "continuation"),
            (client_frame(true, TEXT, &[0xFF, 0xFE], m), "UTF-8"),
            (client_frame(true, 0x3, b"x", m), "opcode"),
            (client_frame(true, BINARY, &[0; 101], m), "too big"),
            (over_two, "too big"),
        ] {
            let read = read_all(wire, 100).await;
            let last = read.last().unwrap().as_ref().unwrap_err();
            assert!(last.contains(why), "{why}: {last}");
        }
        // A length of 2^63 is refused from the header, before anything is read for it.
        let mut huge = vec![0x82, 0x80 | 127];
        huge.extend_from_slice(&(1u64 << 63).to_be_bytes());
        huge.extend_from_slice(&m);
        let read = read_all(huge, 100).await;
        assert!(read[0].as_ref().unwrap_err().contains("too big"));
    }

    #[tokio::test]
    async fn frames_to_the_browser_have_rfc_6455s_headers() {
        let mut out = Vec::new();
        let mut writer = Writer::new(&mut out);
        writer.binary(b"abc").await.unwrap();
        writer.binary(&[7; 300]).await.unwrap();
        writer.binary(&[9; 70_000]).await.unwrap();
        assert_eq!(&out[..5], &[0x82, 3, b'a', b'b', b'c']);
        assert_eq!(&out[5..9], &[0x82, 126, 0x01, 0x2C]);
        let third = 9 + 300;
        assert_eq!(&out[third..third + 2], &[0x82, 127]);
        assert_eq!(
            u64::from_be_bytes(out[third + 2..third + 10].try_into().unwrap()),
            70_000
        );
        assert_eq!(out.len(), third + 10 + 70_000);
    }
}
