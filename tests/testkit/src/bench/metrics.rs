//! The sampler over three test-driver hosts holding running domains (1,000 in all at full
//! size, at the default 5 s interval). Reports the process's CPU time over the measured rounds
//! relative to the wall time (the host views' periodic refresh is turned off, so sampling is
//! the only periodic work), and the bytes the ring buffers hold for those VMs. Checked: every
//! VM sampled, every host answering every round, the ring buffers within 50 MB; the CPU share
//! is asserted at full size only (in the smoke run the test binary's other tests share the
//! process). Bounded: a fixed number of rounds (about a minute at full size).

use std::{process::Command, time::Instant};

use super::Mode;
use crate::{generated, server::TestServer};

/// The sizes of a run.
struct Size {
    domains: [usize; 3],
    interval_secs: u64,
    rounds: usize,
}

const FULL: Size = Size {
    domains: [333, 333, 334],
    interval_secs: 5,
    rounds: 10,
};

const SMOKE: Size = Size {
    domains: [3, 3, 4],
    interval_secs: 1,
    rounds: 2,
};

/// The limits: 5 % of one core, 50 MB of ring buffers.
const MAX_CPU_SHARE: f64 = 0.05;
const MAX_RING_BYTES: usize = 50_000_000;

/// Runs the bench, printing its report.
pub async fn run(mode: Mode) {
    let size = mode.pick(FULL, SMOKE);
    let dir = tempfile::tempdir().unwrap();
    let hosts = generated::hosts(dir.path(), &size.domains);
    let specs: Vec<(&str, &str)> = hosts
        .iter()
        .map(|(n, u)| (n.as_str(), u.as_str()))
        .collect();
    let server = TestServer::start_with(&specs, "/nonexistent".into(), |s| {
        s.metrics_interval_secs = size.interval_secs;
        s.refresh_secs = 3600;
    })
    .await;
    let mut rounds = server.state.monitor.subscribe();
    // The first round has no baseline for deltas; start measuring after it.
    let first = rounds.recv().await.unwrap();
    assert_eq!(
        first.vms.len(),
        size.domains.iter().sum::<usize>(),
        "every VM sampled"
    );
    let (cpu_start, wall_start) = (process_cpu_secs(), Instant::now());
    for _ in 0..size.rounds {
        let round = rounds.recv().await.unwrap();
        assert!(round.hosts.iter().all(|h| h.up), "every host answered");
    }
    let (cpu, wall) = (
        process_cpu_secs() - cpu_start,
        wall_start.elapsed().as_secs_f64(),
    );
    let (ring_bytes, subjects) = server.state.monitor.ring_bytes();
    let share = cpu / wall;
    println!(
        "sampler, 3 test-driver hosts, {} running domains, {} s interval, {} rounds",
        first.vms.len(),
        size.interval_secs,
        size.rounds
    );
    println!(
        "process CPU {:.3} s over {wall:.1} s wall: {:.2} % of one core ({:.1} ms per round)",
        cpu,
        share * 100.0,
        cpu / size.rounds as f64 * 1000.0
    );
    println!(
        "ring buffers: {ring_bytes} bytes ({:.1} MB) for {subjects} hosts and VMs",
        ring_bytes as f64 / 1e6
    );
    if mode == Mode::Full {
        assert!(share < MAX_CPU_SHARE, "sampling costs over 5 % of a core");
    }
    assert!(ring_bytes <= MAX_RING_BYTES, "ring buffers over 50 MB");
}

/// User plus system CPU time of this whole process so far, from `/proc/self/stat`.
fn process_cpu_secs() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap();
    // Fields after the command name (which may hold spaces) start at the state, field 3.
    let rest = &stat[stat.rfind(')').unwrap() + 2..];
    let fields: Vec<&str> = rest.split(' ').collect();
    let ticks: f64 = fields[11].parse::<f64>().unwrap() + fields[12].parse::<f64>().unwrap();
    ticks / clock_ticks_per_sec()
}

fn clock_ticks_per_sec() -> f64 {
    let out = Command::new("getconf").arg("CLK_TCK").output().unwrap();
    String::from_utf8_lossy(&out.stdout).trim().parse().unwrap()
}
