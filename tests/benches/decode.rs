//! Benchmark: decode throughput of our RFB client (WASM) against noVNC's in the same headless
//! Chromium, on the sessions recorded from a real QEMU, drawn on a canvas and into memory: MB/s,
//! updates/s, Mpx/s, the ratio and the target (2x on ZRLE and Hextile); both clients must end
//! on the same pixels (`testkit::bench::decode`, full size).
//!
//! Run: `cargo bench -p ezilla-tests --bench decode` (`-- zrle hextile` for some encodings
//! only). noVNC and wasm-opt come from `scripts/install.sh`, in /opt/ezilla-tools (or
//! `EZILLA_TOOLS_DIR`).

use testkit::bench::{
    Mode,
    decode::{self, ENCODINGS},
};

#[tokio::main]
async fn main() {
    // The encodings named on the command line, or all of them.
    let named: Vec<String> = std::env::args().skip(1).collect();
    let picked: Vec<&str> = ENCODINGS
        .into_iter()
        .filter(|e| named.iter().any(|n| n == e))
        .collect();
    let encodings = if picked.is_empty() {
        &ENCODINGS[..]
    } else {
        &picked[..]
    };
    decode::run(Mode::Full, encodings).await;
}
