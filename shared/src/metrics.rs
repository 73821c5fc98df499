//! Monitoring, the role Ganglia played: what the sampler measures of hosts and VMs, their
//! history (`GET /api/v1/metrics/...`) and the live points of each sampling round (pushed as
//! `Event::Metrics`).

use serde::{Deserialize, Serialize};

/// What is measured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Metric {
    /// CPU utilisation in percent: of all the host's CPUs for a host; of the VM's vCPUs for a
    /// VM (100 = every vCPU busy).
    CpuPercent,
    /// Memory in use, MiB.
    MemoryUsedMib,
    /// Memory there is, MiB (a host's total; a VM's current allocation).
    MemoryTotalMib,
    /// Disk bytes read per second (VMs).
    DiskReadBps,
    /// Disk bytes written per second (VMs).
    DiskWriteBps,
    /// Network bytes received per second (VMs).
    NetRxBps,
    /// Network bytes sent per second (VMs).
    NetTxBps,
}

impl Metric {
    /// The metrics of a host, in display order.
    pub const HOST: [Metric; 3] = [
        Metric::CpuPercent,
        Metric::MemoryUsedMib,
        Metric::MemoryTotalMib,
    ];
    /// The metrics of a VM, in display order.
    pub const VM: [Metric; 7] = [
        Metric::CpuPercent,
        Metric::MemoryUsedMib,
        Metric::MemoryTotalMib,
        Metric::DiskReadBps,
        Metric::DiskWriteBps,
        Metric::NetRxBps,
        Metric::NetTxBps,
    ];
}

/// How far back a history goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub enum Range {
    /// The last hour, one point per sampling round.
    #[default]
    #[serde(rename = "1h")]
    Hour,
    /// The last day, one point per `History::step_secs` (the mean of each step).
    #[serde(rename = "1d")]
    Day,
}

/// `?range=1h` or `?range=1d`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct RangeQuery {
    #[serde(default)]
    pub range: Range,
}

/// One point of a series. `v` is `None` where nothing was measured (the host was offline, the
/// VM was not running): a gap, never a made-up value.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct Point {
    /// Unix seconds.
    pub t: u64,
    pub v: Option<f64>,
}

/// One metric over time.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct Series {
    pub metric: Metric,
    pub points: Vec<Point>,
}

/// `GET /api/v1/metrics/hosts/{name}` (admins) and `GET /api/v1/metrics/vms/{id}` (the
/// owner, admins): every metric of one host or VM over the range.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct History {
    /// The host's name or the VM's UUID.
    pub subject: String,
    /// Seconds between points.
    pub step_secs: u32,
    pub series: Vec<Series>,
}

/// A host's measurements in one sampling round.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct HostSample {
    pub host: String,
    /// `None` when the host did not answer this round.
    pub cpu_percent: Option<f64>,
    pub memory_used_mib: Option<f64>,
    pub memory_total_mib: Option<f64>,
}

/// A VM's measurements in one sampling round (running VMs only).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct VmSample {
    pub uuid: String,
    pub host: String,
    pub cpu_percent: Option<f64>,
    pub memory_used_mib: Option<f64>,
    pub memory_total_mib: Option<f64>,
    pub disk_read_bps: Option<f64>,
    pub disk_write_bps: Option<f64>,
    pub net_rx_bps: Option<f64>,
    pub net_tx_bps: Option<f64>,
}

/// One sampling round as the caller may see it (pushed as `Event::Metrics`): hosts for admins
/// only; VMs the caller owns (all for admins).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct Round {
    /// Unix seconds.
    pub t: u64,
    pub hosts: Vec<HostSample>,
    pub vms: Vec<VmSample>,
}

impl HostSample {
    /// This round's value of `metric`, if it applies to hosts and was measured.
    pub fn value(&self, metric: Metric) -> Option<f64> {
        match metric {
            Metric::CpuPercent => self.cpu_percent,
            Metric::MemoryUsedMib => self.memory_used_mib,
            Metric::MemoryTotalMib => self.memory_total_mib,
            _ => None,
        }
    }
}

impl VmSample {
    /// This round's value of `metric`, if it was measured.
    pub fn value(&self, metric: Metric) -> Option<f64> {
        match metric {
            Metric::CpuPercent => self.cpu_percent,
            Metric::MemoryUsedMib => self.memory_used_mib,
            Metric::MemoryTotalMib => self.memory_total_mib,
            Metric::DiskReadBps => self.disk_read_bps,
            Metric::DiskWriteBps => self.disk_write_bps,
            Metric::NetRxBps => self.net_rx_bps,
            Metric::NetTxBps => self.net_tx_bps,
        }
    }
}
