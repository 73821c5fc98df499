//! Benchmark: a classroom on one server (`testkit::bench::classroom`, full size): 200
//! students log in at once, each holds a desktop (events socket, VM list every 5 s), 100 keep
//! a VNC console streaming 2 MB/s, and each suspends and resumes their VM once; the real
//! release `ezilla` process serves. Reports login p50/p99, list p99, events fan-out p99, the
//! console's added delay p99, the server's CPU and memory, against the targets. Loopback
//! only; it stops by itself after `EZILLA_CLASSROOM_SECS` (60) of lesson.
//!
//! Run: `cargo build --release -p ezilla && cargo bench -p ezilla-tests --bench classroom`

use std::time::Duration;

use testkit::bench::classroom::{self, Size, report::pct};

const LOGINS_WITHIN: Duration = Duration::from_secs(10);
const MAX_LIST_P99: Duration = Duration::from_millis(20);
const MAX_FANOUT_P99: Duration = Duration::from_millis(100);
const MAX_CONSOLE_ADDED_P99: Duration = Duration::from_millis(5);
const MAX_PEAK_RSS_MIB: u64 = 1024;
const MAX_IDLE_RSS_MIB: u64 = 50;
const MAX_PER_STUDENT_KIB: u64 = 200;

#[tokio::main]
async fn main() {
    let secs = std::env::var("EZILLA_CLASSROOM_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(60);
    // `EZILLA_CLASSROOM_RATE` (bytes a second per console) for a lighter or heavier class.
    let rate = std::env::var("EZILLA_CLASSROOM_RATE")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(2_000_000);
    let size = Size {
        students: 200,
        consoles: 100,
        secs,
        rate,
    };
    let r = classroom::run(size).await;
    print!("{}", r.summary());
    let ms = |d: Duration| format!("{:.1} ms", d.as_secs_f64() * 1e3);
    let mib = |kib: u64| kib / 1024;
    let verdict = |ok: bool| if ok { "met" } else { "MISSED" };
    println!(
        "targets: logins within {LOGINS_WITHIN:?} {}; list p99 <= {} {}; fan-out p99 <= {} {}; \
         console added p99 <= {} {}; peak RSS <= {MAX_PEAK_RSS_MIB} MiB {}; idle RSS <= \
         {MAX_IDLE_RSS_MIB} MiB {}; per student <= {MAX_PER_STUDENT_KIB} KiB {}; no error {}",
        verdict(r.logins.len() == size.students && r.logins_took <= LOGINS_WITHIN),
        ms(MAX_LIST_P99),
        verdict(pct(&r.lists, 99) <= MAX_LIST_P99),
        ms(MAX_FANOUT_P99),
        verdict(pct(&r.fanout, 99) <= MAX_FANOUT_P99),
        ms(MAX_CONSOLE_ADDED_P99),
        verdict(r.console_added(99) <= MAX_CONSOLE_ADDED_P99),
        verdict(mib(r.peak_rss_kib) <= MAX_PEAK_RSS_MIB),
        verdict(mib(r.idle_rss_kib) <= MAX_IDLE_RSS_MIB),
        verdict(r.per_student_kib() <= MAX_PER_STUDENT_KIB),
        verdict(r.errors.is_empty()),
    );
}
