//! Monitoring, the role Ganglia played: a sampler that measures every host and running VM
//! each `metrics_interval_secs` (libvirt's node counters and ONE bulk all-domain statistics
//! call per host), ring buffers of their history, the live rounds the events WebSocket
//! pushes, and the Prometheus exposition at `/metrics` (with API request counts and
//! latencies, and open consoles).
//!
//! Memory: each subject keeps `f32` values only, NaN for a gap, with no timestamps (a point's
//! slot is its time): the last hour at one point per round and the last day at one point per
//! two minutes. A VM (7 metrics) at the default 5 s interval takes 7 × (720 + 720) × 4 B ≈
//! 40 KB, so 1,000 VMs take about 40 MB (`cargo bench -p ezilla-tests --bench metrics`
//! measures it). VMs that no host lists any more are dropped after an hour, anything not
//! sampled for a day is dropped.
//!
//! The rings are written to the data directory every `SAVE_EVERY` and on shutdown, and read
//! back at start (`persist`), so graphs go on across a restart.

pub mod http;
mod persist;
mod prometheus;
mod ring;
mod sampler;
mod subjects;

use std::{
    collections::HashSet,
    path::{Path, PathBuf},
    sync::{
        Arc, Mutex, RwLock,
        atomic::{AtomicI64, Ordering},
    },
    time::Duration,
};

use shared::{History, HostSample, Range, Round, VmSample};
use tokio::sync::broadcast;

use hypervisor::Pool;

use crate::owners::Viewer;
pub use subjects::Kind;

/// A host's measurements in one round, and whether it answered.
#[derive(Debug, Clone)]
pub struct SampledHost {
    pub sample: HostSample,
    pub up: bool,
}

/// A VM's measurements in one round, with what Prometheus labels and counts it by.
#[derive(Debug, Clone)]
pub struct SampledVm {
    pub sample: VmSample,
    pub name: String,
    pub owner: Option<String>,
    /// The owner's stable id, which decides who sees it.
    pub owner_id: Option<String>,
    /// Cumulative counters as libvirt reports them.
    pub cpu_seconds: Option<f64>,
    pub disk_read_bytes: Option<u64>,
    pub disk_write_bytes: Option<u64>,
    pub net_rx_bytes: Option<u64>,
    pub net_tx_bytes: Option<u64>,
}

/// Everything one round measured.
#[derive(Debug, Clone, Default)]
pub struct Sampled {
    /// Unix seconds: the start of the round's slot.
    pub t: u64,
    pub hosts: Vec<SampledHost>,
    pub vms: Vec<SampledVm>,
}

impl Sampled {
    /// The round as `me` may see it: hosts for admins only; VMs they own (all for admins).
    pub fn visible_to(&self, me: &Viewer) -> Round {
        Round {
            t: self.t,
            hosts: if me.admin {
                self.hosts.iter().map(|h| h.sample.clone()).collect()
            } else {
                Vec::new()
            },
            vms: self
                .vms
                .iter()
                .filter(|vm| me.may_see(vm.owner_id.as_deref(), vm.owner.as_deref()))
                .map(|vm| vm.sample.clone())
                .collect(),
        }
    }
}

/// The sampler's output and the other figures `/metrics` shows.
pub struct Monitor {
    step: Duration,
    store: Mutex<subjects::Subjects>,
    latest: RwLock<Arc<Sampled>>,
    rounds: broadcast::Sender<Arc<Sampled>>,
    /// API request counts and latencies, by route.
    pub http: http::HttpStats,
    /// Consoles open now; console sessions bump it with `console_opened`.
    consoles: Arc<AtomicI64>,
    /// The bearer token that may read `/metrics`, if one is configured.
    pub token: Option<String>,
    /// Where the history is kept across restarts (none: in memory only).
    history_file: Option<PathBuf>,
}

/// How often the history is written to its file while the server runs (a crash loses at most
/// this much; a shutdown writes it as well).
pub const SAVE_EVERY: Duration = Duration::from_secs(60);

impl Monitor {
    /// A monitor for rounds `step` apart; `start` begins sampling. With a `data_dir`, the
    /// history kept there is read now (one that cannot be read is ignored with a warning) and
    /// written back by `start`'s task and by `save_history`.
    pub fn new(step: Duration, token: Option<String>, data_dir: Option<&Path>) -> Arc<Self> {
        let step = step.max(Duration::from_secs(1));
        let history_file = data_dir.map(|dir| dir.join(persist::FILE_NAME));
        let store = match &history_file {
            Some(path) if path.exists() => match persist::load(path, step.as_secs()) {
                Ok(store) => {
                    tracing::info!(file = %path.display(), "metrics history loaded");
                    store
                }
                Err(err) => {
                    tracing::warn!(file = %path.display(), error = %err, "metrics history ignored");
                    subjects::Subjects::new(step.as_secs())
                }
            },
            _ => subjects::Subjects::new(step.as_secs()),
        };
        Arc::new(Self {
            step,
            history_file,
            store: Mutex::new(store),
            latest: RwLock::new(Arc::default()),
            rounds: broadcast::channel(4).0,
            http: Default::default(),
            consoles: Arc::default(),
            token: token.filter(|t| !t.is_empty()),
        })
    }

    /// Samples `pool` every step until the monitor or the pool is dropped. Each libvirt
    /// call may take `timeout` at most (and less than a step).
    pub fn start(self: &Arc<Self>, pool: &Arc<Pool>, timeout: Duration) {
        let timeout = timeout.min(self.step * 3 / 4);
        tokio::spawn(sampler::run(
            Arc::downgrade(self),
            Arc::downgrade(pool),
            timeout,
        ));
        if self.history_file.is_some() {
            let monitor = Arc::downgrade(self);
            tokio::spawn(async move {
                let mut every = tokio::time::interval(SAVE_EVERY);
                every.tick().await;
                loop {
                    every.tick().await;
                    let Some(monitor) = monitor.upgrade() else {
                        return;
                    };
                    monitor.save_history().await;
                }
            });
        }
    }

    /// Writes the history to its file (on a blocking thread); a failure is logged.
    pub async fn save_history(&self) {
        let Some(path) = self.history_file.clone() else {
            return;
        };
        let bytes = persist::encode(&self.store.lock().expect("store lock"));
        let written = tokio::task::spawn_blocking(move || persist::write(&path, &bytes)).await;
        match written {
            Ok(Ok(())) => tracing::debug!("metrics history saved"),
            Ok(Err(err)) => tracing::warn!(error = %err, "cannot save the metrics history"),
            Err(err) => tracing::warn!(error = %err, "saving the metrics history panicked"),
        }
    }

    /// Every round, as it ends.
    pub fn subscribe(&self) -> broadcast::Receiver<Arc<Sampled>> {
        self.rounds.subscribe()
    }

    /// The latest round.
    pub fn latest(&self) -> Arc<Sampled> {
        self.latest.read().expect("latest lock").clone()
    }

    /// The history of a host or VM over `range`.
    pub fn history(&self, kind: Kind, id: &str, range: Range) -> History {
        self.store
            .lock()
            .expect("store lock")
            .history(kind, id, range)
    }

    /// Bytes the ring buffers hold, and of how many hosts and VMs.
    pub fn ring_bytes(&self) -> (usize, usize) {
        self.store.lock().expect("store lock").bytes()
    }

    /// Counts an open console until the returned guard is dropped.
    pub fn console_opened(&self) -> ConsoleGuard {
        self.consoles.fetch_add(1, Ordering::Relaxed);
        ConsoleGuard(self.consoles.clone())
    }

    fn consoles_open(&self) -> i64 {
        self.consoles.load(Ordering::Relaxed)
    }

    /// Stores a round's values, ends it, and announces it.
    fn publish(&self, slot: u64, round: Sampled, known: &HashSet<&str>) {
        {
            let mut store = self.store.lock().expect("store lock");
            for host in &round.hosts {
                store.record(
                    Kind::Host,
                    &host.sample.host,
                    slot,
                    &host_values(&host.sample),
                );
            }
            for vm in &round.vms {
                store.record(Kind::Vm, &vm.sample.uuid, slot, &vm_values(&vm.sample));
            }
            store.finish_round(slot, known);
        }
        let round = Arc::new(round);
        *self.latest.write().expect("latest lock") = round.clone();
        // Nobody listening is fine.
        let _ = self.rounds.send(round);
    }

    /// Prometheus' text exposition of everything measured.
    pub fn prometheus(&self) -> String {
        prometheus::render(self)
    }
}

/// Keeps a console counted as open while it lives.
pub struct ConsoleGuard(Arc<AtomicI64>);

impl Drop for ConsoleGuard {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::Relaxed);
    }
}

/// A host sample's values in `Metric::HOST` order.
fn host_values(s: &HostSample) -> [Option<f64>; 3] {
    [s.cpu_percent, s.memory_used_mib, s.memory_total_mib]
}

/// A VM sample's values in `Metric::VM` order.
fn vm_values(s: &VmSample) -> [Option<f64>; 7] {
    [
        s.cpu_percent,
        s.memory_used_mib,
        s.memory_total_mib,
        s.disk_read_bps,
        s.disk_write_bps,
        s.net_rx_bps,
        s.net_tx_bps,
    ]
}
