//! Benchmark: an ISO uploaded through Ezilla against `virsh vol-upload` of the same file into
//! the same storage pool (`testkit::bench::iso_upload`, full size: 5 rounds of 256 MiB, or
//! `EZILLA_ISO_BENCH_MIB`). Target: at least 80 % of virsh's throughput.
//!
//! Run: `cargo bench -p ezilla-tests --bench iso_upload` (libvirtd running).

use testkit::bench::{Mode, iso_upload};

#[tokio::main]
async fn main() {
    iso_upload::run(Mode::Full).await;
}
