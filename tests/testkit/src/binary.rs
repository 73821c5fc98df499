//! The `ezilla` binary the tests and benches run as a process of its own, and the wait until
//! it serves.

use std::{path::PathBuf, time::Duration};

use crate::eventually;

/// `target/<profile>/ezilla`, beside the running test or bench binary's `deps/` folder.
pub fn ezilla_binary() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    let bin = exe.parent().unwrap().parent().unwrap().join("ezilla");
    assert!(
        bin.is_file(),
        "{} is missing: build it first (`cargo build -p ezilla`, with `--release` for a bench)",
        bin.display()
    );
    bin
}

/// Waits until the server at `base` answers its health check, for at most `limit`.
pub async fn serving(base: &str, limit: Duration) {
    let health = format!("{base}/api/v1/health");
    eventually("ezilla to serve", limit, || async {
        reqwest::get(&health)
            .await
            .ok()
            .filter(|r| r.status() == 200)
    })
    .await;
}
