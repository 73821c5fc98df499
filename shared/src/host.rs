//! `GET /api/v1/hosts`: the hypervisor hosts of the pool and their capacity.

use serde::{Deserialize, Serialize};

/// One host as the pool sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HostInfo {
    /// The name in the pool (the Host column).
    pub name: String,
    /// The libvirt URI; shown to admins only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uri: Option<String>,
    /// Whether the host's connection is up.
    pub online: bool,
    /// Physical CPUs.
    pub cpus: u32,
    /// vCPUs not yet given to active VMs.
    pub free_vcpus: u32,
    /// Memory in MiB.
    pub memory_mib: u64,
    /// Memory in MiB not yet given to active VMs (what placement goes by).
    pub free_memory_mib: u64,
    /// Memory in MiB that the host itself reports free right now.
    pub host_free_memory_mib: u64,
    /// VMs defined on the host.
    pub vm_count: u32,
    /// Whether the host comes from the configuration file (only hosts added at runtime can
    /// be removed at runtime).
    pub configured: bool,
}

/// `POST /api/v1/admin/hosts`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewHost {
    pub name: String,
    pub uri: String,
}
