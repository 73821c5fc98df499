//! The one boundary to libvirt. No other crate depends on `virt`; every call runs on
//! a blocking thread with a per-host timeout, and results come back as `shared` types.
//! Reads are served from each host's view, which a per-host task keeps current.

mod actions;
mod agent;
mod boot;
mod console;
mod create;
mod detect;
mod domains;
mod events;
mod forwarded;
mod guest_net;
mod host;
mod images;
mod install;
mod isos;
mod layout;
mod media;
pub mod metadata;
pub mod placement;
mod reasons;
pub mod screenshot;
mod snapshots;
mod spec;
mod stats;
mod storage;
mod tunnel;
mod uptime;
mod uri;
pub mod xml;

use std::{
    sync::{
        Arc, RwLock,
        atomic::{AtomicU64, Ordering},
    },
    time::Duration,
};

use shared::{HostHealth, HostInfo, HypervisorKind, Vm, VmList};
use tokio::{sync::watch, task::AbortHandle};

pub use actions::ActionError;
pub use console::{ByteStream, ConsoleError, SerialConsole};
pub use create::{CreateError, NewVm};
pub use host::{Host, HostError, same_rows};
pub use images::SavedImage;
pub use install::NewInstall;
pub use isos::{STREAM_PAYLOAD, UploadError};
pub use spec::{DEFAULT_MEMORY_OVERCOMMIT, DEFAULT_VCPU_OVERCOMMIT, HostSpec};
pub use stats::{Counters, CpuTimes, DomainCounters};
pub use storage::try_uri;
pub use uri::{URI_PARAMETERS, URI_SCHEMES, check_host_uri};

/// A host and the task that keeps its view current.
struct Member {
    host: Arc<Host>,
    reconciler: AbortHandle,
}

/// The pool of hypervisor hosts.
pub struct Pool {
    members: RwLock<Vec<Member>>,
    timeout: Duration,
    refresh: Duration,
    /// Bumped whenever any host's view changes; the events WebSocket watches it.
    changes: watch::Sender<u64>,
    /// Bumped whenever any view is rewritten (every refresh) or a host joins or leaves:
    /// anything derived from the views at one epoch holds until the next.
    epoch: Arc<AtomicU64>,
}

impl Pool {
    /// Builds the pool, resolving any `auto` URI to local QEMU or the test driver, takes a
    /// first look at every host (concurrently), and starts their reconcilers.
    /// `configured` hosts come from the configuration; `added` were added at runtime.
    pub async fn start(
        configured: &[HostSpec],
        added: &[HostSpec],
        timeout: Duration,
        refresh: Duration,
    ) -> anyhow::Result<Self> {
        virt::error::clear_error_callback();
        events::start_event_loop();
        let pool = Self {
            members: RwLock::new(Vec::new()),
            timeout,
            refresh,
            changes: watch::channel(0).0,
            epoch: Arc::new(AtomicU64::new(0)),
        };
        let mut hosts = Vec::new();
        for (spec, is_configured) in configured
            .iter()
            .map(|s| (s, true))
            .chain(added.iter().map(|s| (s, false)))
        {
            let uri = if spec.uri == "auto" {
                detect::auto_uri().await
            } else {
                spec.uri.clone()
            };
            tracing::info!(host = %spec.name, %uri, "hypervisor host");
            hosts.push(Arc::new(Host::new(
                HostSpec {
                    uri,
                    ..spec.clone()
                },
                is_configured,
                timeout,
                pool.epoch.clone(),
            )));
        }
        let first_looks: Vec<_> = hosts
            .iter()
            .map(|h| {
                let h = h.clone();
                tokio::spawn(async move { h.refresh().await })
            })
            .collect();
        for look in first_looks {
            let _ = look.await;
        }
        for host in hosts {
            pool.join(host);
        }
        Ok(pool)
    }

    /// Adds a host at runtime; false if the name is taken.
    pub async fn add_host(&self, spec: HostSpec) -> bool {
        if self.host(&spec.name).is_some() {
            return false;
        }
        let host = Arc::new(Host::new(spec, false, self.timeout, self.epoch.clone()));
        let _ = host.refresh().await;
        // Another request may have added the same name while we looked.
        if self.host(&host.name).is_some() {
            return false;
        }
        self.join(host);
        self.changed();
        true
    }

    /// The libvirt call timeout every host has.
    pub fn timeout(&self) -> Duration {
        self.timeout
    }

    /// Removes a host added at runtime; its VMs are untouched, just no longer managed.
    pub fn remove_host(&self, name: &str) -> bool {
        let mut members = self.members.write().expect("pool lock");
        let before = members.len();
        members.retain(|m| {
            let keep = m.host.name != name;
            if !keep {
                m.reconciler.abort();
            }
            keep
        });
        let removed = members.len() < before;
        drop(members);
        if removed {
            self.changed();
        }
        removed
    }

    fn join(&self, host: Arc<Host>) {
        let task = tokio::spawn(host.clone().reconcile(self.refresh, self.changes.clone()));
        self.members.write().expect("pool lock").push(Member {
            host,
            reconciler: task.abort_handle(),
        });
    }

    /// The hosts, in configuration order.
    pub fn hosts(&self) -> Vec<Arc<Host>> {
        self.members
            .read()
            .expect("pool lock")
            .iter()
            .map(|m| m.host.clone())
            .collect()
    }

    pub fn host(&self, name: &str) -> Option<Arc<Host>> {
        self.hosts().into_iter().find(|h| h.name == name)
    }

    /// A receiver that sees a new value whenever any view changes.
    pub fn subscribe(&self) -> watch::Receiver<u64> {
        self.changes.subscribe()
    }

    /// Tells watchers that a view changed (after an action refreshed it).
    fn changed(&self) {
        self.epoch.fetch_add(1, Ordering::Release);
        self.changes.send_modify(|v| *v += 1);
    }

    /// The views' epoch: equal epochs mean equal views.
    pub fn epoch(&self) -> u64 {
        self.epoch.load(Ordering::Acquire)
    }

    /// Every VM of every online host, from the views; offline hosts are named.
    pub fn list_vms(&self) -> VmList {
        self.list_vms_where(|_| true)
    }

    /// Like `list_vms`, with only the VMs `keep` takes (the others are never copied).
    pub fn list_vms_where(&self, keep: impl Fn(&Vm) -> bool) -> VmList {
        let mut list = VmList {
            vms: Vec::new(),
            unreachable_hosts: Vec::new(),
        };
        for host in self.hosts() {
            let view = host.view();
            if view.online {
                list.vms
                    .extend(view.vms.iter().filter(|vm| keep(vm)).cloned());
            } else {
                list.unreachable_hosts.push(host.name.clone());
            }
        }
        list.vms
            .sort_by(|a, b| (&a.host, &a.name).cmp(&(&b.host, &b.name)));
        list
    }

    /// The VM with this UUID and its host, from the views.
    pub fn find_vm(&self, uuid: &str) -> Option<(Arc<Host>, Vm)> {
        self.hosts().into_iter().find_map(|host| {
            let vm = host.view().vms.iter().find(|vm| vm.uuid == uuid).cloned()?;
            Some((host, vm))
        })
    }

    /// Capacity of every host.
    pub fn host_infos(&self, show_uris: bool) -> Vec<HostInfo> {
        self.hosts().iter().map(|h| h.info(show_uris)).collect()
    }

    /// Each host's name, driver and whether its last look reached it (from the views; no
    /// libvirt call); the URI for admins only.
    pub fn health(&self, show_uri: bool) -> Vec<HostHealth> {
        self.hosts()
            .iter()
            .map(|host| HostHealth {
                name: host.name.clone(),
                uri: if show_uri {
                    host.uri.clone()
                } else {
                    String::new()
                },
                kind: HypervisorKind::of_uri(&host.uri),
                reachable: host.view().online,
            })
            .collect()
    }
}

impl Drop for Pool {
    fn drop(&mut self) {
        for member in self.members.read().expect("pool lock").iter() {
            member.reconciler.abort();
        }
    }
}
