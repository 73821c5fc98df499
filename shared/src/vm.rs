//! `GET /api/v1/vms`: the VM table, with the original Ezilla's columns.

use serde::{Deserialize, Serialize};

/// A VM's run state, as libvirt reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum VmState {
    Running,
    Blocked,
    Paused,
    ShuttingDown,
    Shutoff,
    Crashed,
    Suspended,
    Unknown,
}

impl VmState {
    /// A name for pages to select on (`data-state`), in lower case.
    pub fn name(self) -> &'static str {
        match self {
            Self::Running => "running",
            Self::Blocked => "blocked",
            Self::Paused => "paused",
            Self::ShuttingDown => "shuttingdown",
            Self::Shutoff => "shutoff",
            Self::Crashed => "crashed",
            Self::Suspended => "suspended",
            Self::Unknown => "unknown",
        }
    }
}

/// One row of the VM table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct Vm {
    /// libvirt's UUID: stable across restarts, the key the API uses.
    pub uuid: String,
    /// libvirt's numeric ID while the VM runs (the original's ID column); none when off.
    pub id: Option<u32>,
    pub name: String,
    pub state: VmState,
    /// Why the VM is in its state, in words (libvirt's state reason: "booted", "crashed",
    /// "user", "migrated", ...); the original's LCM state column.
    pub lcm_state: String,
    /// Virtual CPUs.
    pub cores: u32,
    /// Memory in MiB (current allocation while running, maximum when off).
    pub memory_mib: u64,
    /// The pool host the VM lives on.
    pub host: String,
    /// Seconds since the VM started, when it runs and the start time is known.
    pub uptime_secs: Option<u64>,
    /// The user who owns the VM (from the domain's own metadata); none for VMs made
    /// outside Ezilla, which only admins see.
    pub owner: Option<String>,
    /// The owner's stable id (from the domain's metadata), which decides who sees the VM; a
    /// later user of the same name has another.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner_id: Option<String>,
    /// The OS label of the template it was made from.
    pub os: Option<String>,
    /// When Ezilla made it (Unix seconds).
    pub created: Option<u64>,
    /// The disk size Ezilla gave it (GiB), counted against the owner's quota.
    pub disk_gib: Option<u64>,
    /// The guest's IP addresses as libvirt knows them (DHCP leases or the guest agent);
    /// empty when it cannot know, as with user-mode networking and no agent.
    #[serde(default)]
    pub ips: Vec<String>,
    /// Running with the layout of a version before guest isolation (VNC on a TCP port, a
    /// network that reaches the host): Ezilla brings it to the isolated layout when it
    /// next starts, so a restart (power off, then start) protects it.
    #[serde(default)]
    pub unprotected: bool,
    /// The OS the guest's own agent reports, when it runs one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub guest_os: Option<String>,
    /// The port of its host's 127.0.0.1 forwarded to the guest's SSH (VMs of cloud-init
    /// templates).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ssh_port: Option<u16>,
    /// The port of its host's 127.0.0.1 forwarded to the guest's HTTP.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub http_port: Option<u16>,
}

/// The VM table, and which hosts could not be asked (so a partial list is never silent).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct VmList {
    pub vms: Vec<Vm>,
    /// Hosts that did not answer; their VMs are missing from `vms`.
    pub unreachable_hosts: Vec<String>,
}

/// A lifecycle action on a VM: the buttons of the VM Manager's toolbar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum VmAction {
    /// Boot a VM that is off.
    Start,
    /// Ask the guest to shut down (ACPI power button).
    Shutdown,
    /// Cut the power at once.
    Poweroff,
    /// Ask the guest to reboot.
    Reboot,
    /// Pause the VM in memory.
    Suspend,
    /// Continue a paused VM.
    Resume,
}

impl VmAction {
    pub const ALL: [VmAction; 6] = [
        Self::Start,
        Self::Shutdown,
        Self::Poweroff,
        Self::Reboot,
        Self::Suspend,
        Self::Resume,
    ];
}

/// `POST /api/v1/vms/{id}/action`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct ActionRequest {
    pub action: VmAction,
}

/// `POST /api/v1/vms`: create a VM from a template.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct CreateVm {
    /// Letters, digits, `-`, `_`, `.`; 1-63 characters; unique in the pool.
    pub name: String,
    /// The template's name.
    pub template: String,
    /// vCPUs; the template's default when absent.
    #[serde(default)]
    pub cores: Option<u32>,
    /// Memory in MiB; the template's default when absent.
    #[serde(default)]
    pub memory_mib: Option<u64>,
    /// The host to create it on; the scheduler picks when absent.
    #[serde(default)]
    pub host: Option<String>,
    /// Admins only, templates that run cloud-init only: user-data of their own (a
    /// `#cloud-config` or a script), run after Ezilla's at first boot.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_data: Option<String>,
}

/// `DELETE /api/v1/vms/{id}?disks=true`: also delete the VM's disk volumes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct DeleteVm {
    #[serde(default)]
    pub disks: bool,
}

/// A snapshot of a VM (its disks, and its memory when taken while running).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct Snapshot {
    pub name: String,
    /// Unix seconds when it was taken.
    pub created: u64,
    /// The VM's state when it was taken ("running", "shutoff", ...).
    pub vm_state: String,
    /// Whether the VM was last reverted to, or last snapshotted as, this one.
    pub current: bool,
}

/// `POST /api/v1/vms/{id}/snapshots`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct NewSnapshot {
    /// Same rule as VM names.
    pub name: String,
}

/// `POST /api/v1/vms/{id}/website`: where the VM's website opens for the caller.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct WebsiteEntry {
    /// A one-time URL on the VM's own origin (valid about a minute); it sets that origin's
    /// cookie and goes on to the site.
    pub url: String,
}
