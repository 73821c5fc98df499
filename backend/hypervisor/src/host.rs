//! One hypervisor host: its libvirt connection (reopened when it dies), the blocking-thread-
//! plus-timeout wrapper every libvirt call goes through, and the host's view: its VMs and
//! capacity as last seen, kept current by `reconcile` and after every action.

use std::{
    sync::{
        Arc, Mutex, RwLock,
        atomic::{AtomicU64, Ordering},
    },
    time::{Duration, SystemTime},
};

use shared::{GuestNetwork, HostInfo, HypervisorKind, Vm};
use tokio::sync::{Notify, watch};
use virt::connect::Connect;

use super::{agent::RunCache, domains, events, guest_net, reasons::Reasons, uptime::UptimeTracker};
use crate::spec::HostSpec;

/// Why a call to a host failed.
#[derive(Debug, thiserror::Error)]
pub enum HostError {
    #[error("libvirt did not answer within {0:?}")]
    Timeout(Duration),
    #[error("cannot connect: {0}")]
    Unreachable(String),
    #[error("libvirt: {0}")]
    Libvirt(#[from] virt::error::Error),
    #[error("libvirt call panicked: {0}")]
    Panicked(String),
    /// The host cannot be made to keep outbound guests off itself.
    #[error("{0}")]
    Guard(String),
}

/// What the pool knows of a host between refreshes.
#[derive(Debug, Clone, Default)]
pub struct View {
    pub online: bool,
    pub vms: Vec<Vm>,
    pub cpus: u32,
    pub memory_mib: u64,
    /// Memory the host itself reports free, in MiB.
    pub host_free_mib: u64,
    /// Why the last look failed, while the host is offline.
    pub last_error: Option<String>,
}

/// A host's open connection and its lifecycle-event registration, which ends first when
/// the connection is let go (fields drop in order), so the connection really closes.
struct Live {
    _events: Option<events::Registration>,
    conn: Connect,
}

/// A libvirt host of the pool.
pub struct Host {
    /// Name in the pool (the Host column).
    pub name: String,
    /// libvirt connection URI.
    pub uri: String,
    /// From the configuration file (not removable at runtime).
    pub configured: bool,
    /// What the guests Ezilla makes here may reach.
    pub guest_network: GuestNetwork,
    /// Running VMs' vCPUs per CPU, and memory per MiB, this host takes.
    overcommit: (f64, f64),
    timeout: Duration,
    conn: Mutex<Option<Live>>,
    uptime: Mutex<UptimeTracker>,
    /// The VMs' state reasons as last known, shown again when libvirt forgets them.
    reasons: Mutex<Reasons>,
    /// Shared with readers as it is: a refresh makes a new one, never changes one in place.
    view: RwLock<Arc<View>>,
    /// The pool's epoch, bumped whenever any view is rewritten.
    epoch: Arc<AtomicU64>,
    /// Woken by libvirt's lifecycle events: the view is refreshed at once.
    wake: Arc<Notify>,
    /// What each running guest's run is (layout, the agent's OS).
    runs: RunCache,
    /// Held while the host is looked at (`refresh`).
    looking: tokio::sync::Mutex<()>,
    /// Held while a new VM's forwarded ports are picked and taken.
    pub forwards_lock: tokio::sync::Mutex<()>,
}

impl Host {
    pub fn new(spec: HostSpec, configured: bool, timeout: Duration, epoch: Arc<AtomicU64>) -> Self {
        let uptime = UptimeTracker::for_uri(&spec.uri);
        Self {
            name: spec.name,
            uri: spec.uri,
            configured,
            guest_network: spec.guest_network,
            overcommit: (
                spec.vcpu_overcommit
                    .unwrap_or(crate::spec::DEFAULT_VCPU_OVERCOMMIT)
                    .max(0.0),
                spec.memory_overcommit
                    .unwrap_or(crate::spec::DEFAULT_MEMORY_OVERCOMMIT)
                    .max(0.0),
            ),
            timeout,
            conn: Mutex::new(None),
            uptime: Mutex::new(uptime),
            reasons: Mutex::default(),
            view: RwLock::new(Arc::default()),
            epoch,
            wake: Arc::new(Notify::new()),
            forwards_lock: tokio::sync::Mutex::new(()),
            looking: tokio::sync::Mutex::new(()),
            runs: RunCache::default(),
        }
    }

    /// The view as last refreshed (shared: cheap to take, whatever the host's size).
    pub fn view(&self) -> Arc<View> {
        self.view.read().expect("view lock").clone()
    }

    /// What running VMs use of this host and what it takes (its CPUs and memory times its
    /// overcommit ratios): (used vCPUs, vCPU capacity, used MiB, memory capacity in MiB).
    pub fn capacity(&self) -> (u32, u32, u64, u64) {
        let view = self.view.read().expect("view lock");
        let active = view.vms.iter().filter(|vm| vm.id.is_some());
        let (used_cpus, used_mib) =
            active.fold((0, 0), |(c, m), vm| (c + vm.cores, m + vm.memory_mib));
        let vcpus = (f64::from(view.cpus) * self.overcommit.0).floor() as u32;
        let memory = (view.memory_mib as f64 * self.overcommit.1).floor() as u64;
        (used_cpus, vcpus, used_mib, memory)
    }

    /// Why a VM of `cores` and `memory_mib` does not fit here, if it does not.
    pub fn shortfall(&self, cores: u32, memory_mib: u64) -> Option<String> {
        let (used_cpus, vcpus, used_mib, memory) = self.capacity();
        if used_cpus + cores > vcpus {
            Some(format!(
                "{} uses {used_cpus} of {vcpus} vCPUs ({} CPUs × {})",
                self.name,
                self.view.read().expect("view lock").cpus,
                self.overcommit.0
            ))
        } else if used_mib + memory_mib > memory {
            Some(format!("{} uses {used_mib} of {memory} MiB", self.name))
        } else {
            None
        }
    }

    /// Capacity as the API shows it (free vCPUs and memory within the overcommit ratios);
    /// the URI for admins only.
    pub fn info(&self, show_uri: bool) -> HostInfo {
        let (used_cpus, vcpus, used_mib, memory) = self.capacity();
        let view = self.view.read().expect("view lock");
        HostInfo {
            name: self.name.clone(),
            uri: show_uri.then(|| self.uri.clone()),
            online: view.online,
            cpus: view.cpus,
            free_vcpus: vcpus.saturating_sub(used_cpus),
            memory_mib: view.memory_mib,
            free_memory_mib: memory.saturating_sub(used_mib),
            host_free_memory_mib: view.host_free_mib,
            vm_count: view.vms.len() as u32,
            configured: self.configured,
            guest_network: show_uri.then_some(self.guest_network),
            last_error: view.last_error.clone().filter(|_| show_uri),
        }
    }

    /// Before a guest of this host starts: for `outbound` guests, makes sure the host's
    /// firewall keeps them off the host (isolated guests need nothing of the host).
    pub async fn guard_guests(&self) -> Result<(), HostError> {
        match self.guest_network {
            GuestNetwork::Isolated => Ok(()),
            GuestNetwork::Outbound => guest_net::ensure_guard(&self.uri, self.is_local())
                .await
                .map_err(|why| HostError::Guard(format!("host {}: {why}", self.name))),
        }
    }

    /// Whether the host is libvirt's test driver (simulated VMs: no QEMU, no network).
    pub fn is_test_driver(&self) -> bool {
        HypervisorKind::of_uri(&self.uri) == HypervisorKind::Test
    }

    /// Whether the URI names this machine (no host part).
    pub fn is_local(&self) -> bool {
        url::Url::parse(&self.uri).is_ok_and(|url| url.host_str().is_none_or(str::is_empty))
    }

    /// Whether libvirt answers.
    pub async fn ping(self: &Arc<Self>) -> Result<(), HostError> {
        self.call(|_, conn| conn.lib_version().map(drop)).await
    }

    /// Asks libvirt for the host's VMs and capacity and stores them as the view. Returns
    /// whether anything a user would see changed (uptime ticking aside).
    pub async fn refresh(self: &Arc<Self>) -> Result<bool, HostError> {
        // One look at a time: a look that began earlier (the reconciler's, while a new VM was
        // still starting) must not land after a later one and show the older state.
        let _one_at_a_time = self.looking.lock().await;
        let seen = self
            .call(|host, conn| {
                let mut vms = domains::list(conn, &host.name, &host.runs)?;
                let node = conn.node_info()?;
                // Not every driver reports free memory (the test driver's figure is made up).
                let free = conn.free_memory().unwrap_or_default() >> 20;
                host.uptime
                    .lock()
                    .expect("uptime lock")
                    .fill(&mut vms, SystemTime::now());
                host.reasons.lock().expect("reasons lock").fill(&mut vms);
                Ok((vms, node.cpus, node.memory / 1024, free))
            })
            .await;
        let mut view = self.view.write().expect("view lock");
        self.epoch.fetch_add(1, Ordering::Release);
        match seen {
            Ok((vms, cpus, memory_mib, host_free_mib)) => {
                let changed = !view.online || !same_rows(&view.vms, &vms);
                *view = Arc::new(View {
                    online: true,
                    vms,
                    cpus,
                    memory_mib,
                    host_free_mib,
                    last_error: None,
                });
                Ok(changed)
            }
            Err(err) => {
                let view = Arc::make_mut(&mut view);
                view.online = false;
                view.last_error = Some(err.to_string());
                Err(err)
            }
        }
    }

    /// Refreshes the view when libvirt reports a lifecycle event and every `interval` besides
    /// (events can be missed, and capacity changes have none) while the host answers; when it
    /// does not, marks it offline and retries with exponential backoff (1 s doubling to 30 s).
    /// Every change of the view bumps `changes`.
    pub async fn reconcile(self: Arc<Self>, interval: Duration, changes: watch::Sender<u64>) {
        const MAX_BACKOFF: Duration = Duration::from_secs(30);
        let mut backoff = Duration::from_secs(1);
        loop {
            let was_online = self.view().online;
            let pause = match self.refresh().await {
                Ok(changed) => {
                    if changed {
                        changes.send_modify(|v| *v += 1);
                    }
                    backoff = Duration::from_secs(1);
                    interval
                }
                Err(err) => {
                    if was_online {
                        tracing::warn!(host = %self.name, error = %err, "host went offline");
                        changes.send_modify(|v| *v += 1);
                    }
                    let pause = backoff;
                    backoff = (backoff * 2).min(MAX_BACKOFF);
                    pause
                }
            };
            tokio::select! {
                _ = tokio::time::sleep(pause) => {}
                _ = self.wake.notified() => {}
            }
        }
    }

    /// Runs `f` with a live connection on a blocking thread; gives up after the timeout.
    pub async fn call<T: Send + 'static>(
        self: &Arc<Self>,
        f: impl FnOnce(&Host, &Connect) -> Result<T, virt::error::Error> + Send + 'static,
    ) -> Result<T, HostError> {
        self.call_with_timeout(self.timeout, f).await
    }

    /// `call` for work known to take long (copying a disk).
    pub async fn call_with_timeout<T: Send + 'static>(
        self: &Arc<Self>,
        timeout: Duration,
        f: impl FnOnce(&Host, &Connect) -> Result<T, virt::error::Error> + Send + 'static,
    ) -> Result<T, HostError> {
        let host = self.clone();
        let job = tokio::task::spawn_blocking(move || host.call_blocking(f));
        match tokio::time::timeout(timeout, job).await {
            Err(_) => Err(HostError::Timeout(timeout)),
            Ok(Err(join)) => Err(HostError::Panicked(join.to_string())),
            Ok(Ok(result)) => result,
        }
    }

    fn call_blocking<T>(
        &self,
        f: impl FnOnce(&Host, &Connect) -> Result<T, virt::error::Error>,
    ) -> Result<T, HostError> {
        let conn = self.connection()?;
        f(self, &conn).map_err(|err| {
            if !conn.is_alive().unwrap_or(false) {
                self.forget_connection();
                HostError::Unreachable(err.to_string())
            } else {
                HostError::Libvirt(err)
            }
        })
    }

    /// The cached connection if it is alive, else a new one.
    fn connection(&self) -> Result<Connect, HostError> {
        let mut slot = self.conn.lock().expect("connection lock");
        if let Some(live) = slot.as_ref()
            && live.conn.is_alive().unwrap_or(false)
        {
            return Ok(live.conn.clone());
        }
        *slot = None;
        let conn =
            Connect::open(Some(&self.uri)).map_err(|e| HostError::Unreachable(e.to_string()))?;
        let events = events::notify_on_lifecycle(&conn, &self.wake);
        if events.is_none() {
            tracing::warn!(host = %self.name, "no lifecycle events; the host is only looked at periodically");
        }
        // A remote connection that dies silently is noticed within about 15 s even when idle
        // (local drivers refuse keepalive, which is fine).
        let _ = conn.set_keep_alive(5, 3);
        *slot = Some(Live {
            _events: events,
            conn: conn.clone(),
        });
        Ok(conn)
    }

    fn forget_connection(&self) {
        self.conn.lock().expect("connection lock").take();
    }
}

/// Whether two VM lists show the same thing, ignoring uptime (which changes every second).
pub fn same_rows(a: &[Vm], b: &[Vm]) -> bool {
    a.len() == b.len()
        && a.iter().zip(b).all(|(x, y)| {
            Vm {
                uptime_secs: None,
                ..x.clone()
            } == Vm {
                uptime_secs: None,
                ..y.clone()
            }
        })
}
