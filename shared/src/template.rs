//! The template catalogue: what a new VM is made from.

use serde::{Deserialize, Serialize};

/// A template: a base disk volume in a libvirt storage pool, and defaults for new VMs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct Template {
    /// Unique name, as picked in the VM Creator.
    pub name: String,
    /// The OS label shown with VMs made from it ("Debian 12", ...).
    pub os: String,
    /// The libvirt storage pool that holds the base volume (on every host that offers it).
    pub storage_pool: String,
    /// The base volume; a new VM's disk is a copy-on-write qcow2 overlay of it.
    pub volume: String,
    pub cores: u32,
    pub memory_mib: u64,
    pub disk_gib: u64,
    /// Direct kernel boot (kernel, initrd, cmdline) instead of booting the disk's own loader.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kernel_boot: Option<KernelBoot>,
    /// Whose private image this is (saved from one of their VMs, shown to them and to admins
    /// only); `None` for the shared catalogue.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    /// The guest runs cloud-init: VMs made from it get a NoCloud seed (hostname, an account
    /// named after their owner with the owner's SSH keys and sudo) and SSH and HTTP forwarded
    /// to ports of their host's 127.0.0.1.
    #[serde(default)]
    pub cloud_init: bool,
}

/// `PUT /api/v1/templates/{name}` (admins): what a shared template gives new VMs. Its volume
/// and boot stay as they are.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct TemplateDefaults {
    pub os: String,
    pub cores: u32,
    pub memory_mib: u64,
    pub disk_gib: u64,
    pub cloud_init: bool,
}

/// Files for direct kernel boot, as paths on the host.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct KernelBoot {
    pub kernel: String,
    pub initrd: String,
    pub cmdline: String,
}
