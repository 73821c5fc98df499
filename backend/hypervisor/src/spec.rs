//! What a host of the pool is, as configuration and the admins' API give it: a name, a
//! libvirt URI, what its guests may reach, and how far it may be overcommitted.

use std::str::FromStr;

use serde::Deserialize;
use shared::GuestNetwork;

/// One hypervisor host of the pool.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct HostSpec {
    /// The name shown in the Host column.
    pub name: String,
    /// A libvirt connection URI, or `auto`.
    pub uri: String,
    /// What the guests Ezilla makes there may reach (`isolated` or `outbound`; never the
    /// host itself) [default: isolated].
    #[serde(default)]
    pub guest_network: GuestNetwork,
    /// vCPUs of running VMs per host CPU [default: `DEFAULT_VCPU_OVERCOMMIT`, 4].
    #[serde(default)]
    pub vcpu_overcommit: Option<f64>,
    /// Memory of running VMs (at their maximum) per MiB of the host's memory [default:
    /// `DEFAULT_MEMORY_OVERCOMMIT`, 1: no overcommit].
    #[serde(default)]
    pub memory_overcommit: Option<f64>,
}

/// vCPUs a host runs per CPU unless its `vcpu_overcommit` says otherwise (as OpenStack's
/// and Proxmox's schedulers allow by default).
pub const DEFAULT_VCPU_OVERCOMMIT: f64 = 4.0;
/// Memory is not overcommitted unless a host's `memory_overcommit` says so.
pub const DEFAULT_MEMORY_OVERCOMMIT: f64 = 1.0;

impl FromStr for HostSpec {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (name, uri) = s
            .split_once('=')
            .ok_or_else(|| format!("`{s}` is not NAME=URI"))?;
        if name.is_empty() || uri.is_empty() {
            return Err(format!("`{s}` needs both a name and a URI"));
        }
        Ok(Self {
            name: name.into(),
            uri: uri.into(),
            guest_network: GuestNetwork::default(),
            vcpu_overcommit: None,
            memory_overcommit: None,
        })
    }
}
