//! Helpers for the decoder tests: a server's side of the handshake, updates, zlib.

use flate2::{Compress, Compression, FlushCompress};

use super::{Client, Error, Limits, Op};

/// The test framebuffer's size.
pub const WIDTH: u16 = 100;
pub const HEIGHT: u16 = 48;

/// What a server sends up to and including ServerInit (security None).
pub fn handshake() -> Vec<u8> {
    let mut bytes = b"RFB 003.008\n".to_vec();
    bytes.extend_from_slice(&[1, 1, 0, 0, 0, 0]);
    bytes.extend_from_slice(&WIDTH.to_be_bytes());
    bytes.extend_from_slice(&HEIGHT.to_be_bytes());
    bytes.extend_from_slice(&[32, 24, 0, 1, 0, 255, 0, 255, 0, 255, 16, 8, 0, 0, 0, 0]);
    bytes.extend_from_slice(&[0, 0, 0, 4]);
    bytes.extend_from_slice(b"demo");
    bytes
}

/// A client past the handshake, its output taken.
pub fn ready_client() -> Client {
    let mut client = Client::new(None, Limits::default());
    client.feed(&handshake()).expect("handshake");
    client.take_output();
    client
}

pub fn rect_header(x: u16, y: u16, width: u16, height: u16, encoding: i32) -> Vec<u8> {
    let mut bytes = Vec::new();
    for v in [x, y, width, height] {
        bytes.extend_from_slice(&v.to_be_bytes());
    }
    bytes.extend_from_slice(&encoding.to_be_bytes());
    bytes
}

/// A FramebufferUpdate of these rectangles (headers and bodies).
pub fn update(rects: &[Vec<u8>]) -> Vec<u8> {
    let count = u16::try_from(rects.len()).expect("rect count");
    let mut bytes = vec![0, 0];
    bytes.extend_from_slice(&count.to_be_bytes());
    rects.iter().for_each(|r| bytes.extend_from_slice(r));
    bytes
}

/// The ops of one update fed to a ready client; checks that feeding it one byte at a time
/// gives the same.
pub fn feed_update(rects: &[Vec<u8>]) -> Result<Vec<Op>, Error> {
    let bytes = update(rects);
    let whole = ready_client().feed(&bytes);
    let mut client = ready_client();
    let mut trickled = Vec::new();
    let trickled = bytes
        .iter()
        .try_for_each(|b| client.feed(&[*b]).map(|ops| trickled.extend(ops)))
        .map(|()| trickled);
    assert_eq!(whole, trickled, "split input decodes differently");
    whole
}

/// A server's zlib stream: each chunk ends with a sync flush, as VNC servers do.
pub struct Deflater(Compress);

impl Default for Deflater {
    fn default() -> Self {
        Self(Compress::new(Compression::default(), true))
    }
}

impl Deflater {
    pub fn chunk(&mut self, data: &[u8]) -> Vec<u8> {
        let mut out = Vec::with_capacity(data.len() + 1024);
        let start = self.0.total_in();
        loop {
            let done = usize::try_from(self.0.total_in() - start).expect("size");
            out.reserve(1024);
            self.0
                .compress_vec(&data[done..], &mut out, FlushCompress::Sync)
                .expect("deflate");
            if self.0.total_in() - start == data.len() as u64 && out.len() < out.capacity() {
                return out;
            }
        }
    }
}
