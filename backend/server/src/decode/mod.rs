//! The budget of image work (decoding uploaded wallpapers and VM screenshots, and re-encoding
//! them): at most `decodes_at_once()` at a time (half the machine's cores, at least one, so
//! image work never takes every core from the rest), each on the blocking pool, never on the
//! async workers. Each decoder checks the image's declared size against its own limits before it
//! allocates (`wallpaper::reencode`, `decode::screenshot`), so the memory of image work
//! is at most `decodes_at_once()` times the largest of those.

pub mod screenshot;

use std::{sync::Arc, time::Duration};

use tokio::sync::Semaphore;

/// Images decoded at once, at most.
pub const MAX_DECODES_AT_ONCE: usize = 2;

/// Images decoded at once: half the cores (at least one), at most `MAX_DECODES_AT_ONCE`.
pub fn decodes_at_once() -> usize {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    (cores / 2).clamp(1, MAX_DECODES_AT_ONCE)
}
/// How long an image may wait for its turn before it is refused as `Busy`.
pub const DECODE_WAIT: Duration = Duration::from_secs(10);

/// Image work waiting for or holding one of `decodes_at_once()` turns.
pub struct DecodeGate {
    turns: Arc<Semaphore>,
}

/// No turn came within `DECODE_WAIT`: the server is busy decoding.
#[derive(Debug, PartialEq, Eq)]
pub struct Busy;

impl Default for DecodeGate {
    fn default() -> Self {
        Self {
            turns: Arc::new(Semaphore::new(decodes_at_once())),
        }
    }
}

impl DecodeGate {
    /// Runs `work` on the blocking pool once a turn is free. The turn is held until `work`
    /// ends, even if the caller stops waiting (a client that hangs up).
    pub async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, Busy> {
        let turn = tokio::time::timeout(DECODE_WAIT, self.turns.clone().acquire_owned())
            .await
            .map_err(|_| Busy)?
            .map_err(|_| Busy)?;
        tokio::task::spawn_blocking(move || {
            let done = work();
            drop(turn);
            done
        })
        .await
        .map_err(|_| Busy)
    }
}

/// Test images for the decoders' limits.
#[cfg(test)]
pub mod bombs {
    /// `png` (a valid PNG) with its header changed to say `width` × `height`, its checksum
    /// mended: a decompression bomb's shape in a few bytes.
    pub fn claiming(mut png: Vec<u8>, width: u32, height: u32) -> Vec<u8> {
        png[16..20].copy_from_slice(&width.to_be_bytes());
        png[20..24].copy_from_slice(&height.to_be_bytes());
        let crc = crc32(&png[12..29]);
        png[29..33].copy_from_slice(&crc.to_be_bytes());
        png
    }

    /// PNG's chunk checksum.
    fn crc32(bytes: &[u8]) -> u32 {
        !bytes.iter().fold(!0u32, |crc, &byte| {
            (0..8).fold(crc ^ u32::from(byte), |c, _| {
                if c & 1 == 1 {
                    (c >> 1) ^ 0xEDB8_8320
                } else {
                    c >> 1
                }
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn no_more_than_the_budget_run_at_once() {
        let gate = Arc::new(DecodeGate::default());
        let running = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let most = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let jobs = (0..8).map(|_| {
            let (gate, running, most) = (gate.clone(), running.clone(), most.clone());
            tokio::spawn(async move {
                use std::sync::atomic::Ordering::SeqCst;
                gate.run(move || {
                    let now = running.fetch_add(1, SeqCst) + 1;
                    most.fetch_max(now, SeqCst);
                    std::thread::sleep(Duration::from_millis(20));
                    running.fetch_sub(1, SeqCst);
                })
                .await
            })
        });
        for job in jobs.collect::<Vec<_>>() {
            job.await.unwrap().unwrap();
        }
        assert!(most.load(std::sync::atomic::Ordering::SeqCst) <= decodes_at_once());
    }
}
