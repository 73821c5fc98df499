//! Benchmark: `GET /api/v1/vms` over three test-driver hosts holding 1,000 domains in all,
//! at 1 and at 50 concurrent clients, beside `virsh list --all` against the same hosts in
//! the same run (`testkit::bench::vm_list`, full size). Bounded: a fixed number of requests,
//! then it stops.
//!
//! Run: `cargo bench -p ezilla-tests --bench vm_list`

use testkit::bench::{Mode, vm_list};

#[tokio::main]
async fn main() {
    vm_list::run(Mode::Full).await;
}
