//! When a console's bytes last moved either way, and the wait that ends it once nothing has
//! moved for its idle timeout. Shared by the consoles' bridge and the SSH terminal.

use std::{
    sync::atomic::{AtomicU64, Ordering},
    time::{Duration, Instant},
};

use super::Ended;

/// A console's last movement, in milliseconds since it opened.
pub struct Activity {
    start: Instant,
    last_moved: AtomicU64,
}

impl Activity {
    pub fn new() -> Self {
        Self {
            start: Instant::now(),
            last_moved: AtomicU64::new(0),
        }
    }

    /// Bytes moved just now.
    pub fn moved(&self) {
        let now = self.start.elapsed().as_millis() as u64;
        self.last_moved.store(now, Ordering::Relaxed);
    }

    /// Completes with `Ended::Idle` once nothing has moved for `idle`.
    pub async fn idle_for(&self, idle: Duration) -> Ended {
        loop {
            let since = Duration::from_millis(self.last_moved.load(Ordering::Relaxed));
            let quiet = self.start.elapsed().saturating_sub(since);
            if quiet >= idle {
                return Ended::Idle;
            }
            tokio::time::sleep(idle - quiet).await;
        }
    }
}
