//! Benchmark: the console proxy's WebSocket-to-TCP bridge against raw loopback TCP, websockify
//! and a bare relay: throughput, added round-trip latency and CPU per GB, against the targets
//! (`testkit::bench::console_proxy`, full size: 7 rounds of 256 MiB, 5,000 round trips).
//!
//! Run: `cargo bench -p ezilla-tests --bench console_proxy` (websockify from
//! `scripts/install.sh`, in /opt/ezilla-tools/venv; `EZILLA_WEBSOCKIFY` names another).

use testkit::bench::{Mode, console_proxy};

#[tokio::main]
async fn main() {
    console_proxy::run(Mode::Full).await;
}
