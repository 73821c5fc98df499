//! Raw statistics counters for the sampler: the node's CPU times and memory, and every running
//! domain's CPU time, balloon, disk and network counters from ONE bulk call
//! (`virConnectGetAllDomainStats`). The virt crate wraps neither node CPU stats nor the stats
//! records' contents (nor frees them), so this module speaks to libvirt's C API directly.
//! Anything a driver does not report stays `None`: the test driver reports little.
#![expect(
    unsafe_code,
    reason = "node CPU/memory stats and domain stats records: the virt crate has no safe API"
)]

use std::{
    ffi::{c_char, c_int},
    sync::Arc,
    time::{Duration, Instant},
};

use virt::{connect::Connect, error::Error, sys};

use super::{Host, HostError};

/// The node's cumulative CPU times, in nanoseconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CpuTimes {
    pub busy_ns: u64,
    pub total_ns: u64,
}

/// One running domain's counters (cumulative since it started, except memory).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DomainCounters {
    pub uuid: String,
    pub cpu_time_ns: Option<u64>,
    /// The balloon's current size: what the guest has now (KiB).
    pub balloon_current_kib: Option<u64>,
    /// What the guest says it has and leaves unused (KiB), if it reports it.
    pub guest_available_kib: Option<u64>,
    pub guest_unused_kib: Option<u64>,
    /// The resident memory of the VM's process on the host (KiB).
    pub rss_kib: Option<u64>,
    pub disk_read_bytes: Option<u64>,
    pub disk_write_bytes: Option<u64>,
    pub net_rx_bytes: Option<u64>,
    pub net_tx_bytes: Option<u64>,
}

/// What one look at a host returns.
#[derive(Debug, Clone)]
pub struct Counters {
    /// When libvirt answered (for deltas).
    pub at: Instant,
    pub cpu: Option<CpuTimes>,
    /// Node memory in KiB: total and in use (total less free, buffers and cache).
    pub memory_total_kib: Option<u64>,
    pub memory_used_kib: Option<u64>,
    pub domains: Vec<DomainCounters>,
}

impl Host {
    /// The host's counters, within `timeout`. `guard` is dropped when the libvirt calls end,
    /// even if the timeout has given up on them first (so callers can tell a call in flight).
    pub async fn counters(
        self: &Arc<Self>,
        timeout: Duration,
        guard: impl Send + 'static,
    ) -> Result<Counters, HostError> {
        self.call_with_timeout(timeout, move |_, conn| {
            let read = read(conn);
            drop(guard);
            read
        })
        .await
    }
}

/// Reads every counter of `conn`; fails only when the bulk domain statistics call fails.
pub fn read(conn: &Connect) -> Result<Counters, Error> {
    let domains = domain_stats(conn)?;
    let memory = node_values(conn, NodeStat::Memory);
    let field = |name: &str| {
        memory
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, value)| *value)
    };
    let memory_total_kib = field("total");
    let memory_used_kib = memory_total_kib.and_then(|total| {
        let spare = field("free")? + field("buffers").unwrap_or(0) + field("cached").unwrap_or(0);
        Some(total.saturating_sub(spare))
    });
    Ok(Counters {
        at: Instant::now(),
        cpu: cpu_times(&node_values(conn, NodeStat::Cpu)),
        memory_total_kib,
        memory_used_kib,
        domains,
    })
}

/// Busy and total from the node's CPU fields (Linux: kernel, user, idle, iowait).
fn cpu_times(fields: &[(String, u64)]) -> Option<CpuTimes> {
    let get = |name: &str| fields.iter().find(|(n, _)| n == name).map(|(_, v)| *v);
    let busy = get("kernel")? + get("user")?;
    let total = busy + get("idle")? + get("iowait").unwrap_or(0);
    Some(CpuTimes {
        busy_ns: busy,
        total_ns: total,
    })
}

#[derive(Clone, Copy)]
enum NodeStat {
    Cpu,
    Memory,
}

/// `virNodeGetCPUStats` / `virNodeGetMemoryStats` for the whole node, as name-value pairs;
/// empty when the driver does not support it.
fn node_values(conn: &Connect, which: NodeStat) -> Vec<(String, u64)> {
    // Both calls fill arrays of the same layout: a field name and an unsigned long long.
    let call = |params: *mut sys::virNodeCPUStats, n: *mut c_int| -> c_int {
        // SAFETY: the connection pointer is valid while `conn` lives; `params` is null (to ask
        // for the count) or points to `*n` elements; the two structs have identical layouts.
        unsafe {
            match which {
                NodeStat::Cpu => sys::virNodeGetCPUStats(
                    conn.as_ptr(),
                    sys::VIR_NODE_CPU_STATS_ALL_CPUS,
                    params,
                    n,
                    0,
                ),
                NodeStat::Memory => sys::virNodeGetMemoryStats(
                    conn.as_ptr(),
                    sys::VIR_NODE_MEMORY_STATS_ALL_CELLS,
                    params.cast(),
                    n,
                    0,
                ),
            }
        }
    };
    let mut count: c_int = 0;
    if call(std::ptr::null_mut(), &mut count) < 0 || count <= 0 {
        return Vec::new();
    }
    let empty = sys::virNodeCPUStats {
        field: [0; 80],
        value: 0,
    };
    let mut params = vec![empty; count as usize];
    if call(params.as_mut_ptr(), &mut count) < 0 {
        return Vec::new();
    }
    params
        .iter()
        .take(count.max(0) as usize)
        .map(|p| (c_text(&p.field), p.value))
        .collect()
}

/// One bulk statistics call for every running domain of the connection.
fn domain_stats(conn: &Connect) -> Result<Vec<DomainCounters>, Error> {
    let groups = sys::VIR_DOMAIN_STATS_CPU_TOTAL
        | sys::VIR_DOMAIN_STATS_BALLOON
        | sys::VIR_DOMAIN_STATS_INTERFACE
        | sys::VIR_DOMAIN_STATS_BLOCK;
    let mut records: *mut sys::virDomainStatsRecordPtr = std::ptr::null_mut();
    // SAFETY: valid connection; libvirt allocates the record list and we free it below with
    // its own function, after copying everything out of it.
    let count = unsafe {
        sys::virConnectGetAllDomainStats(
            conn.as_ptr(),
            groups,
            &mut records,
            sys::VIR_CONNECT_GET_ALL_DOMAINS_STATS_ACTIVE,
        )
    };
    if count < 0 {
        return Err(Error::last_error());
    }
    let mut out = Vec::with_capacity(count as usize);
    for i in 0..count as usize {
        // SAFETY: libvirt returned `count` valid record pointers (NULL-terminated list).
        let record = unsafe { &**records.add(i) };
        out.push(domain_counters(record));
    }
    // SAFETY: the list came from virConnectGetAllDomainStats and is freed exactly once.
    unsafe { sys::virDomainStatsRecordListFree(records) };
    Ok(out)
}

fn domain_counters(record: &sys::virDomainStatsRecord) -> DomainCounters {
    let mut uuid = [0 as c_char; sys::VIR_UUID_STRING_BUFLEN as usize];
    // SAFETY: the record's domain is valid until the list is freed; the buffer has the
    // length libvirt requires.
    let uuid_ok = unsafe { sys::virDomainGetUUIDString(record.dom, uuid.as_mut_ptr()) } == 0;
    let mut c = DomainCounters {
        uuid: if uuid_ok {
            c_text(&uuid)
        } else {
            String::new()
        },
        ..Default::default()
    };
    let params: &[sys::virTypedParameter] = if record.params.is_null() || record.nparams <= 0 {
        &[]
    } else {
        // SAFETY: libvirt gives `nparams` parameters at `params`, valid until freed.
        unsafe { std::slice::from_raw_parts(record.params, record.nparams as usize) }
    };
    for param in params {
        let Some(value) = unsigned(param) else {
            continue;
        };
        let name = c_text(&param.field);
        let add = |slot: &mut Option<u64>| *slot = Some(slot.unwrap_or(0) + value);
        match name.as_str() {
            "cpu.time" => c.cpu_time_ns = Some(value),
            "balloon.current" => c.balloon_current_kib = Some(value),
            "balloon.available" => c.guest_available_kib = Some(value),
            "balloon.unused" => c.guest_unused_kib = Some(value),
            "balloon.rss" => c.rss_kib = Some(value),
            n if n.starts_with("block.") && n.ends_with(".rd.bytes") => add(&mut c.disk_read_bytes),
            n if n.starts_with("block.") && n.ends_with(".wr.bytes") => {
                add(&mut c.disk_write_bytes)
            }
            n if n.starts_with("net.") && n.ends_with(".rx.bytes") => add(&mut c.net_rx_bytes),
            n if n.starts_with("net.") && n.ends_with(".tx.bytes") => add(&mut c.net_tx_bytes),
            _ => {}
        }
    }
    c
}

/// A typed parameter's value if it is a non-negative integer.
fn unsigned(param: &sys::virTypedParameter) -> Option<u64> {
    // SAFETY: the union member read is the one `type_` names.
    unsafe {
        match param.type_ as u32 {
            sys::VIR_TYPED_PARAM_ULLONG => Some(param.value.ul),
            sys::VIR_TYPED_PARAM_UINT => Some(u64::from(param.value.ui)),
            sys::VIR_TYPED_PARAM_LLONG => u64::try_from(param.value.l).ok(),
            sys::VIR_TYPED_PARAM_INT => u64::try_from(param.value.i).ok(),
            _ => None,
        }
    }
}

/// A NUL-terminated C string in a fixed buffer.
fn c_text(buf: &[c_char]) -> String {
    let bytes: Vec<u8> = buf
        .iter()
        .take_while(|c| **c != 0)
        .map(|c| *c as u8)
        .collect();
    String::from_utf8_lossy(&bytes).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cpu_times_need_the_linux_fields() {
        let fields = |pairs: &[(&str, u64)]| -> Vec<(String, u64)> {
            pairs.iter().map(|(n, v)| ((*n).to_owned(), *v)).collect()
        };
        let times = cpu_times(&fields(&[
            ("kernel", 10),
            ("user", 20),
            ("idle", 60),
            ("iowait", 10),
        ]));
        assert_eq!(
            times,
            Some(CpuTimes {
                busy_ns: 30,
                total_ns: 100
            })
        );
        assert_eq!(cpu_times(&fields(&[("utilization", 5)])), None);
    }

    #[test]
    fn the_test_driver_answers_with_what_it_has() {
        let conn = Connect::open(Some("test:///default")).unwrap();
        let counters = read(&conn).unwrap();
        assert_eq!(counters.domains.len(), 1, "its one running domain");
        assert_eq!(counters.domains[0].uuid.len(), 36);
        // The test driver keeps no CPU time: nothing is made up for it.
        assert_eq!(counters.domains[0].cpu_time_ns, None);
    }
}
