//! The classroom's synthetic VNC servers: on a Unix socket, each connection gets a paced
//! stream of numbered chunks, each stamped with when it was sent; a `Checker` on the reading
//! side checks every byte arrived in order and measures each chunk's delay.

use std::{
    path::Path,
    sync::OnceLock,
    time::{Duration, Instant},
};

use tokio::{io::AsyncWriteExt, net::UnixListener};

/// The bytes of one chunk: its number, its send time, then a pattern.
pub const CHUNK: usize = 16 * 1024;

/// The instant chunk stamps count from, shared by the servers and the checkers.
fn epoch() -> Instant {
    static EPOCH: OnceLock<Instant> = OnceLock::new();
    *EPOCH.get_or_init(Instant::now)
}

/// The pattern byte `j` of chunk `seq`.
fn pattern(seq: u64, j: usize) -> u8 {
    (seq as u8).wrapping_add(j as u8)
}

/// Bytes 0, 1, ... 255, 0, 1, ... long enough to hold any chunk's pattern from any start.
fn cycle() -> &'static [u8] {
    static CYCLE: OnceLock<Vec<u8>> = OnceLock::new();
    CYCLE.get_or_init(|| (0..CHUNK + 256).map(|j| j as u8).collect())
}

/// Serves streams of `rate` bytes a second on a Unix socket at `path`, each until its reader
/// goes; stops with the runtime.
pub fn serve(path: &Path, rate: usize) {
    let listener = UnixListener::bind(path).expect("the synthetic VNC socket");
    let pause = Duration::from_secs_f64(CHUNK as f64 / rate as f64);
    epoch();
    tokio::spawn(async move {
        while let Ok((mut conn, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut next = tokio::time::Instant::now();
                let mut chunk = vec![0u8; CHUNK];
                for seq in 0u64.. {
                    chunk[..8].copy_from_slice(&seq.to_le_bytes());
                    let sent = epoch().elapsed().as_nanos() as u64;
                    chunk[8..16].copy_from_slice(&sent.to_le_bytes());
                    for (j, byte) in chunk.iter_mut().enumerate().skip(16) {
                        *byte = pattern(seq, j);
                    }
                    if conn.write_all(&chunk).await.is_err() {
                        return;
                    }
                    next += pause;
                    tokio::time::sleep_until(next).await;
                }
            });
        }
    });
}

/// Checks one stream as it arrives, in pieces of any size.
#[derive(Default)]
pub struct Checker {
    pending: Vec<u8>,
    next_seq: u64,
    /// Bytes checked so far.
    pub bytes: u64,
    /// Each whole chunk's delay from being sent to being read.
    pub delays: Vec<Duration>,
}

impl Checker {
    /// Takes `data`, the next bytes of the stream; an error if any byte is wrong.
    pub fn feed(&mut self, data: &[u8]) -> Result<(), String> {
        self.pending.extend_from_slice(data);
        let now = epoch().elapsed();
        let mut at = 0;
        while self.pending.len() - at >= CHUNK {
            let chunk = &self.pending[at..at + CHUNK];
            let seq = u64::from_le_bytes(chunk[..8].try_into().expect("8 bytes"));
            if seq != self.next_seq {
                return Err(format!("chunk {seq} where {} was due", self.next_seq));
            }
            // The pattern repeats every 256 bytes: compared as one slice (a memcmp, fast even
            // unoptimised), byte by byte only to say where it differs.
            let start = (seq as usize + 16) % 256;
            if chunk[16..] != cycle()[start..start + CHUNK - 16] {
                let j = (16..CHUNK)
                    .find(|&j| chunk[j] != pattern(seq, j))
                    .unwrap_or(16);
                return Err(format!("chunk {seq}: byte {j} differs"));
            }
            let sent = u64::from_le_bytes(chunk[8..16].try_into().expect("8 bytes"));
            self.delays
                .push(now.saturating_sub(Duration::from_nanos(sent)));
            self.next_seq += 1;
            self.bytes += CHUNK as u64;
            at += CHUNK;
        }
        self.pending.drain(..at);
        Ok(())
    }
}
