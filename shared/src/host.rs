//! `GET /api/v1/hosts`: the hypervisor hosts of the pool and their capacity.

use serde::{Deserialize, Serialize};

/// One host as the pool sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
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
    /// What the guests Ezilla makes on this host may reach; shown to admins only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub guest_network: Option<GuestNetwork>,
    /// Why the last look at the host failed, while it is offline; admins only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_error: Option<String>,
}

/// A storage pool of a host, as the Hosts and Templates apps show it (admins).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct StoragePoolInfo {
    pub name: String,
    pub active: bool,
    pub capacity_bytes: u64,
    pub available_bytes: u64,
}

/// A volume of a storage pool (admins pick a template's base volume among them).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct VolumeInfo {
    pub name: String,
    pub capacity_bytes: u64,
}

/// `DELETE /api/v1/admin/hosts/{name}?force=true`: remove the host even while it has VMs
/// Ezilla made (they are left alone, no longer managed).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct RemoveHost {
    #[serde(default)]
    pub force: bool,
}

/// What a guest may reach over its network, set per host. Whatever the setting, a guest
/// never reaches the host (its loopback services, other guests' forwarded ports, Ezilla)
/// nor another guest; the ports Ezilla forwards to a guest are on the host's 127.0.0.1 only.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum GuestNetwork {
    /// No connection out of the guest at all (QEMU user networking with `restrict=on`); only
    /// the ports Ezilla forwards reach in.
    #[default]
    Isolated,
    /// Connections out to the world beyond the host, through the host's NAT; the host's own
    /// addresses stay closed to the guest (a firewall rule on the host refuses every
    /// connection of the QEMU user to a local address).
    Outbound,
}

impl GuestNetwork {
    /// The setting's name in configuration files and the API.
    pub fn name(self) -> &'static str {
        match self {
            Self::Isolated => "isolated",
            Self::Outbound => "outbound",
        }
    }
}

/// `POST /api/v1/admin/hosts`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct NewHost {
    pub name: String,
    pub uri: String,
    /// What its guests may reach; isolated when absent.
    #[serde(default)]
    pub guest_network: GuestNetwork,
    /// Add it even if it does not answer now (it is tried again until it does); otherwise a
    /// host that cannot be reached is refused, with libvirt's reason.
    #[serde(default)]
    pub connect_later: bool,
}
