//! The one boundary to libvirt. Nothing outside this module imports `virt`; every call runs on
//! a blocking thread with a per-host timeout, and results come back as `shared` types.

mod detect;
mod domains;
mod host;
mod uptime;

use std::{sync::Arc, time::Duration};

use shared::{HostHealth, HypervisorKind, VmList};

use crate::config::HostSpec;
pub use host::{Host, HostError};

/// The pool of hypervisor hosts.
pub struct Pool {
    hosts: Vec<Arc<Host>>,
}

impl Pool {
    /// Builds the pool, resolving any `auto` URI to local QEMU or the test driver.
    pub async fn start(specs: &[HostSpec], timeout: Duration) -> anyhow::Result<Self> {
        virt::error::clear_error_callback();
        let mut hosts = Vec::with_capacity(specs.len());
        for spec in specs {
            let uri = if spec.uri == "auto" {
                detect::auto_uri().await
            } else {
                spec.uri.clone()
            };
            tracing::info!(host = %spec.name, %uri, "hypervisor host");
            hosts.push(Arc::new(Host::new(spec.name.clone(), uri, timeout)));
        }
        Ok(Self { hosts })
    }

    /// The hosts, in configuration order.
    pub fn hosts(&self) -> &[Arc<Host>] {
        &self.hosts
    }

    /// Every VM of every host that answers; hosts that do not are named in the result.
    pub async fn list_vms(&self) -> VmList {
        let jobs: Vec<_> = self
            .hosts
            .iter()
            .map(|host| {
                let host = host.clone();
                tokio::spawn(async move { (host.name.clone(), host.list_vms().await) })
            })
            .collect();
        let mut list = VmList {
            vms: Vec::new(),
            unreachable_hosts: Vec::new(),
        };
        for job in jobs {
            match job.await {
                Ok((_, Ok(vms))) => list.vms.extend(vms),
                Ok((name, Err(err))) => {
                    tracing::warn!(host = %name, error = %err, "host did not list its VMs");
                    list.unreachable_hosts.push(name);
                }
                Err(join) => tracing::error!(error = %join, "host listing task failed"),
            }
        }
        list.vms
            .sort_by(|a, b| (&a.host, &a.name).cmp(&(&b.host, &b.name)));
        list
    }

    /// Asks every host, concurrently, whether libvirt answers.
    pub async fn health(&self) -> Vec<HostHealth> {
        let jobs: Vec<_> = self
            .hosts
            .iter()
            .map(|host| {
                let host = host.clone();
                tokio::spawn(async move { host.ping().await.is_ok() })
            })
            .collect();
        let mut report = Vec::with_capacity(jobs.len());
        for (host, job) in self.hosts.iter().zip(jobs) {
            report.push(HostHealth {
                name: host.name.clone(),
                uri: host.uri.clone(),
                kind: HypervisorKind::of_uri(&host.uri),
                reachable: job.await.unwrap_or(false),
            });
        }
        report
    }
}
