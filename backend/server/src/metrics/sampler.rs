//! The sampling loop: each round, every host is asked for its counters concurrently (one
//! node look and one bulk domain statistics call, on a blocking thread, with a timeout under
//! one interval); rates and percentages are deltas against the host's previous answer. A host
//! that fails, times out or is still busy with the previous round's call is a gap this round
//! (`None` everywhere, its baseline forgotten): nothing is carried over or made up.

use std::{
    collections::{HashMap, HashSet},
    sync::{
        Arc, Weak,
        atomic::{AtomicBool, Ordering},
    },
    time::{Duration, SystemTime, UNIX_EPOCH},
};

use shared::{HostSample, Vm, VmSample};

use super::{Monitor, Sampled, SampledHost, SampledVm};
use hypervisor::{Counters, DomainCounters, Host, Pool};

const KIB_PER_MIB: f64 = 1024.0;

/// What a host answered last, for deltas.
#[derive(Default)]
struct Baseline {
    last: Option<Counters>,
    /// Set while a libvirt call for this host runs.
    busy: Arc<AtomicBool>,
}

/// Clears the host's busy flag when the blocking call ends.
struct Busy(Arc<AtomicBool>);

impl Drop for Busy {
    fn drop(&mut self) {
        self.0.store(false, Ordering::Release);
    }
}

/// Runs rounds until the monitor or the pool is gone. Rounds fall in the middle of their
/// interval-long slots, so a late wake-up does not land in the next slot.
pub async fn run(monitor: Weak<Monitor>, pool: Weak<Pool>, timeout: Duration) {
    let Some(step) = monitor.upgrade().map(|m| m.step) else {
        return;
    };
    let since_epoch = unix_now();
    let into_slot = Duration::from_nanos((since_epoch.as_nanos() % step.as_nanos()) as u64);
    let first = if into_slot <= step / 2 {
        step / 2 - into_slot
    } else {
        step + step / 2 - into_slot
    };
    let mut ticker = tokio::time::interval_at(tokio::time::Instant::now() + first, step);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    let mut baselines: HashMap<String, Baseline> = HashMap::new();
    loop {
        ticker.tick().await;
        let (Some(monitor), Some(pool)) = (monitor.upgrade(), pool.upgrade()) else {
            return;
        };
        let slot = unix_now().as_secs() / step.as_secs();
        let hosts = pool.hosts();
        baselines.retain(|name, _| hosts.iter().any(|h| &h.name == name));
        let jobs: Vec<_> = hosts
            .iter()
            .map(|host| {
                let busy = baselines.entry(host.name.clone()).or_default().busy.clone();
                tokio::spawn(look(host.clone(), timeout, busy))
            })
            .collect();
        let mut round = Sampled {
            t: slot * step.as_secs(),
            ..Default::default()
        };
        for (host, job) in hosts.iter().zip(jobs) {
            let counters = job.await.ok().flatten();
            let baseline = baselines.entry(host.name.clone()).or_default();
            derive(host, counters, baseline, &mut round);
        }
        let views: Vec<_> = hosts.iter().map(|h| h.view()).collect();
        let known: HashSet<&str> = views
            .iter()
            .flat_map(|v| v.vms.iter().map(|vm| vm.uuid.as_str()))
            .collect();
        monitor.publish(slot, round, &known);
    }
}

fn unix_now() -> Duration {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
}

/// The host's counters, or `None` if it failed, timed out, or last round's call still runs.
async fn look(host: Arc<Host>, timeout: Duration, busy: Arc<AtomicBool>) -> Option<Counters> {
    if busy.swap(true, Ordering::AcqRel) {
        return None;
    }
    match host.counters(timeout, Busy(busy)).await {
        Ok(counters) => Some(counters),
        Err(err) => {
            tracing::debug!(host = %host.name, error = %err, "no sample this round");
            None
        }
    }
}

/// Turns a host's answer (or its absence) into this round's samples.
fn derive(host: &Host, counters: Option<Counters>, baseline: &mut Baseline, round: &mut Sampled) {
    let Some(now) = counters else {
        baseline.last = None;
        round.hosts.push(SampledHost {
            sample: HostSample {
                host: host.name.clone(),
                cpu_percent: None,
                memory_used_mib: None,
                memory_total_mib: None,
            },
            up: false,
        });
        return;
    };
    let view = host.view();
    let before = baseline.last.as_ref();
    let cpu_percent = match (before.and_then(|b| b.cpu), now.cpu) {
        (Some(a), Some(b)) if b.total_ns > a.total_ns && b.busy_ns >= a.busy_ns => {
            Some((b.busy_ns - a.busy_ns) as f64 / (b.total_ns - a.total_ns) as f64 * 100.0)
        }
        _ => None,
    };
    let total_mib = now
        .memory_total_kib
        .map(|kib| kib as f64 / KIB_PER_MIB)
        .or((view.online && view.memory_mib > 0).then_some(view.memory_mib as f64));
    round.hosts.push(SampledHost {
        sample: HostSample {
            host: host.name.clone(),
            cpu_percent,
            memory_used_mib: now.memory_used_kib.map(|kib| kib as f64 / KIB_PER_MIB),
            memory_total_mib: total_mib,
        },
        up: true,
    });
    let rows: HashMap<&str, &Vm> = view.vms.iter().map(|vm| (vm.uuid.as_str(), vm)).collect();
    let previous: HashMap<&str, &DomainCounters> = before
        .map(|b| b.domains.iter().map(|d| (d.uuid.as_str(), d)).collect())
        .unwrap_or_default();
    let wall = before.map(|b| now.at.duration_since(b.at).as_secs_f64());
    for dom in &now.domains {
        let row = rows.get(dom.uuid.as_str()).copied();
        let prev = previous.get(dom.uuid.as_str()).copied();
        round.vms.push(vm_sample(&host.name, dom, prev, wall, row));
    }
    baseline.last = Some(now);
}

/// One VM's sample from its counters now and a round ago (`wall` seconds apart).
fn vm_sample(
    host: &str,
    now: &DomainCounters,
    prev: Option<&DomainCounters>,
    wall: Option<f64>,
    row: Option<&Vm>,
) -> SampledVm {
    let wall = wall.filter(|w| *w > 0.0);
    let rate = |pick: fn(&DomainCounters) -> Option<u64>| -> Option<f64> {
        let (a, b, secs) = (pick(prev?)?, pick(now)?, wall?);
        // A counter that went back means the VM restarted: no honest rate this round.
        (b >= a).then(|| (b - a) as f64 / secs)
    };
    let cores = row.map(|vm| vm.cores).filter(|c| *c > 0);
    let cpu_percent = rate(|d| d.cpu_time_ns)
        .and_then(|ns_per_sec| Some(ns_per_sec / 1e9 / f64::from(cores?) * 100.0));
    let guest_used = match (now.guest_available_kib, now.guest_unused_kib) {
        (Some(avail), Some(unused)) => Some(avail.saturating_sub(unused)),
        _ => None,
    };
    let memory_total_mib = now
        .balloon_current_kib
        .map(|kib| kib as f64 / KIB_PER_MIB)
        .or(row.map(|vm| vm.memory_mib as f64));
    SampledVm {
        sample: VmSample {
            uuid: now.uuid.clone(),
            host: host.to_owned(),
            cpu_percent,
            memory_used_mib: guest_used
                .or(now.rss_kib)
                .map(|kib| kib as f64 / KIB_PER_MIB),
            memory_total_mib,
            disk_read_bps: rate(|d| d.disk_read_bytes),
            disk_write_bps: rate(|d| d.disk_write_bytes),
            net_rx_bps: rate(|d| d.net_rx_bytes),
            net_tx_bps: rate(|d| d.net_tx_bytes),
        },
        name: row.map(|vm| vm.name.clone()).unwrap_or_default(),
        owner: row.and_then(|vm| vm.owner.clone()),
        owner_id: row.and_then(|vm| vm.owner_id.clone()),
        cpu_seconds: now.cpu_time_ns.map(|ns| ns as f64 / 1e9),
        disk_read_bytes: now.disk_read_bytes,
        disk_write_bytes: now.disk_write_bytes,
        net_rx_bytes: now.net_rx_bytes,
        net_tx_bytes: now.net_tx_bytes,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn counters(cpu_ns: u64, read: u64) -> DomainCounters {
        DomainCounters {
            uuid: "u1".into(),
            cpu_time_ns: Some(cpu_ns),
            disk_read_bytes: Some(read),
            ..Default::default()
        }
    }

    #[test]
    fn rates_are_deltas_over_wall_time_and_vcpus() {
        let row: Vm = serde_json::from_value(serde_json::json!({
            "uuid": "u1", "id": 1, "name": "web", "state": "running", "lcm_state": "",
            "cores": 2, "memory_mib": 512, "host": "h"
        }))
        .unwrap();
        let (a, b) = (counters(1_000_000_000, 100), counters(2_000_000_000, 4_100));
        let vm = vm_sample("h", &b, Some(&a), Some(2.0), Some(&row));
        // 1 s of CPU over 2 s of wall time on 2 vCPUs.
        assert_eq!(vm.sample.cpu_percent, Some(25.0));
        assert_eq!(vm.sample.disk_read_bps, Some(2000.0));
        assert_eq!(vm.sample.disk_write_bps, None, "not reported: a gap");
        assert_eq!(vm.sample.memory_total_mib, Some(512.0), "the allocation");
        let first = vm_sample("h", &b, None, None, Some(&row));
        assert_eq!(first.sample.cpu_percent, None, "no baseline yet");
        let restarted = vm_sample("h", &a, Some(&b), Some(2.0), Some(&row));
        assert_eq!(restarted.sample.cpu_percent, None, "counters went back");
    }
}
