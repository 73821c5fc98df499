//! Benchmark: the sampler over three test-driver hosts holding 1,000 running domains in all,
//! at the default 5 s interval (`testkit::bench::metrics`, full size): the process's CPU share
//! of one core and the ring buffers' bytes, against the limits. Bounded: it stops
//! after 10 rounds (about a minute).
//!
//! Run: `cargo bench -p ezilla-tests --bench metrics`

use testkit::bench::{Mode, metrics};

#[tokio::main]
async fn main() {
    metrics::run(Mode::Full).await;
}
