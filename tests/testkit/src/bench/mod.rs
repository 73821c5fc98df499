//! The benches' bodies. Each `cargo bench -p ezilla-tests --bench NAME` runs its body at full
//! size for the figures; the integration tests' `bench_smoke` module runs every body in
//! [`Mode::Smoke`], so that the checks a bench makes on the way (every byte in order, the same
//! pixels as the reference, every domain listed) are run by the test command and cannot rot.

pub mod classroom;
pub mod console_proxy;
pub mod decode;
pub mod desktop_ready;
pub mod iso_upload;
pub mod keystroke_latency;
pub mod metrics;
pub mod vm_list;

/// How big a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// The bench's own sizes and rounds; budgets asserted where the bench asserts them.
    Full,
    /// Tiny sizes, every correctness check on; budgets reported, never asserted (a shared
    /// machine running the other tests alongside makes figures noise).
    Smoke,
}

impl Mode {
    /// `full` or `smoke`, whichever this is.
    fn pick<T>(self, full: T, smoke: T) -> T {
        match self {
            Mode::Full => full,
            Mode::Smoke => smoke,
        }
    }
}

/// The `q` quantile (0 to 1, nearest rank) of `samples`, which must not be empty.
fn quantile(samples: &[f64], q: f64) -> f64 {
    let mut sorted = samples.to_vec();
    sorted.sort_by(f64::total_cmp);
    sorted[((sorted.len() - 1) as f64 * q).round() as usize]
}

/// "met" or "MISSED".
fn verdict(ok: bool) -> &'static str {
    if ok { "met" } else { "MISSED" }
}
