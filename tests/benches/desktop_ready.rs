//! Benchmark: the desktop's budget in real headless Chromium on loopback. How long from
//! submitting the login form to the first frame of the user's own desktop, and from a page
//! load with a session to that frame (`testkit::bench::desktop_ready`, full size); and the
//! release build's WASM + JS + CSS, gzipped. Bounded: a fixed number of logins, then it stops.
//!
//! Run (after `trunk build --release`): `cargo bench -p ezilla-tests --bench desktop_ready`

use std::{path::Path, process::Command};

use testkit::{
    bench::{Mode, desktop_ready},
    server::frontend_dist,
};

/// The budget of issue 5.
const SIZE_BUDGET_BYTES: u64 = 400 * 1000;

#[tokio::main]
async fn main() {
    desktop_ready::run(Mode::Full).await;

    let size = gzipped_size(&frontend_dist());
    println!(
        "release WASM + JS + CSS, gzip -9: {size} bytes (budget {SIZE_BUDGET_BYTES}){}",
        if size <= SIZE_BUDGET_BYTES {
            ""
        } else {
            "  OVER BUDGET"
        }
    );
}

/// The gzip -9 size of the built WASM, JS and CSS in `dist`.
fn gzipped_size(dist: &Path) -> u64 {
    std::fs::read_dir(dist)
        .expect("the frontend is built: trunk build --release")
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| {
            matches!(
                path.extension().and_then(|e| e.to_str()),
                Some("wasm" | "js" | "css")
            )
        })
        .map(|path| {
            let out = Command::new("gzip")
                .args(["-9", "-c"])
                .arg(&path)
                .output()
                .expect("gzip");
            out.stdout.len() as u64
        })
        .sum()
}
