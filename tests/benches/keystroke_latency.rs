//! Benchmark: keystroke-to-pixel latency of the VNC console window on a real (TCG) VM, through
//! the console proxy, in headless Chromium: p50/p95/max over 25 letter-and-Backspace pairs
//! (`testkit::bench::keystroke_latency`, full size).
//!
//! Run (after `trunk build --release`, with libvirtd running and the demo pool prepared, as
//! scripts/test.sh does): `cargo bench -p ezilla-tests --bench keystroke_latency`

use testkit::bench::{Mode, keystroke_latency};

#[tokio::main]
async fn main() {
    keystroke_latency::run(Mode::Full).await;
}
