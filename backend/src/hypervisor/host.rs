//! One hypervisor host: its cached libvirt connection, reopened when it dies, and the
//! blocking-thread-plus-timeout wrapper that every libvirt call goes through.

use std::{
    sync::{Arc, Mutex},
    time::{Duration, SystemTime},
};

use shared::Vm;
use virt::connect::Connect;

use super::{domains, uptime::UptimeTracker};

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
}

/// A libvirt host of the pool.
pub struct Host {
    /// Name in the pool (the Host column).
    pub name: String,
    /// libvirt connection URI.
    pub uri: String,
    timeout: Duration,
    conn: Mutex<Option<Connect>>,
    uptime: Mutex<UptimeTracker>,
}

impl Host {
    pub fn new(name: String, uri: String, timeout: Duration) -> Self {
        let uptime = UptimeTracker::for_uri(&uri);
        Self {
            name,
            uri,
            timeout,
            conn: Mutex::new(None),
            uptime: Mutex::new(uptime),
        }
    }

    /// Whether libvirt answers.
    pub async fn ping(self: &Arc<Self>) -> Result<(), HostError> {
        self.call(|_, conn| conn.lib_version().map(drop)).await
    }

    /// The host's VMs, active and inactive.
    pub async fn list_vms(self: &Arc<Self>) -> Result<Vec<Vm>, HostError> {
        self.call(|host, conn| {
            let mut vms = domains::list(conn, &host.name)?;
            let mut uptime = host.uptime.lock().expect("uptime lock");
            uptime.fill(&mut vms, SystemTime::now());
            Ok(vms)
        })
        .await
    }

    /// Runs `f` with a live connection on a blocking thread; gives up after the timeout.
    async fn call<T: Send + 'static>(
        self: &Arc<Self>,
        f: impl FnOnce(&Host, &Connect) -> Result<T, virt::error::Error> + Send + 'static,
    ) -> Result<T, HostError> {
        let host = self.clone();
        let job = tokio::task::spawn_blocking(move || host.call_blocking(f));
        match tokio::time::timeout(self.timeout, job).await {
            Err(_) => Err(HostError::Timeout(self.timeout)),
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
        if let Some(conn) = slot.as_ref() {
            if conn.is_alive().unwrap_or(false) {
                return Ok(conn.clone());
            }
        }
        *slot = None;
        let conn =
            Connect::open(Some(&self.uri)).map_err(|e| HostError::Unreachable(e.to_string()))?;
        *slot = Some(conn.clone());
        Ok(conn)
    }

    fn forget_connection(&self) {
        self.conn.lock().expect("connection lock").take();
    }
}
