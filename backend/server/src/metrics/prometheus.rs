//! The Prometheus text exposition format (version 0.0.4) of the latest round, the API's
//! request figures and the open consoles. Values not measured are left out, never made up.

use std::fmt::Write as _;

use super::{Monitor, Sampled, http::BUCKETS};

const MIB: f64 = 1024.0 * 1024.0;

/// One metric family being written: its samples follow its HELP and TYPE lines.
struct Family<'a> {
    out: &'a mut String,
    name: &'static str,
}

impl<'a> Family<'a> {
    fn new(out: &'a mut String, name: &'static str, kind: &str, help: &str) -> Self {
        let _ = writeln!(out, "# HELP {name} {help}");
        let _ = writeln!(out, "# TYPE {name} {kind}");
        Self { out, name }
    }

    fn sample(&mut self, suffix: &str, labels: &[(&str, &str)], value: Option<f64>) {
        let Some(value) = value else { return };
        let _ = write!(self.out, "{}{suffix}", self.name);
        if !labels.is_empty() {
            let pairs: Vec<String> = labels
                .iter()
                .map(|(k, v)| format!("{k}=\"{}\"", escape(v)))
                .collect();
            let _ = write!(self.out, "{{{}}}", pairs.join(","));
        }
        let _ = writeln!(self.out, " {value}");
    }
}

/// A label value with `\`, `"` and newlines escaped.
fn escape(value: &str) -> String {
    value
        .replace('\\', r"\\")
        .replace('"', r#"\""#)
        .replace('\n', r"\n")
}

/// Everything, as the text format.
pub fn render(monitor: &Monitor) -> String {
    let mut out = String::new();
    let round = monitor.latest();
    hosts(&mut out, &round);
    vms(&mut out, &round);
    http(&mut out, monitor);
    let mut f = Family::new(
        &mut out,
        "ezilla_consoles_open",
        "gauge",
        "Consoles open now.",
    );
    f.sample("", &[], Some(monitor.consoles_open() as f64));
    let mut f = Family::new(
        &mut out,
        "ezilla_metrics_ring_bytes",
        "gauge",
        "Bytes the metrics history ring buffers hold.",
    );
    f.sample("", &[], Some(monitor.ring_bytes().0 as f64));
    out
}

fn hosts(out: &mut String, round: &Sampled) {
    type Pick = fn(&super::SampledHost) -> Option<f64>;
    let families: [(&str, &str, &str, Pick); 4] = [
        (
            "ezilla_host_up",
            "gauge",
            "1 if the host answered the latest sampling round.",
            |h| Some(if h.up { 1.0 } else { 0.0 }),
        ),
        (
            "ezilla_host_cpu_utilization_ratio",
            "gauge",
            "Share of the host's CPU time spent busy over the latest round.",
            |h| h.sample.cpu_percent.map(|p| p / 100.0),
        ),
        (
            "ezilla_host_memory_used_bytes",
            "gauge",
            "Host memory in use (less free, buffers and cache).",
            |h| h.sample.memory_used_mib.map(|m| m * MIB),
        ),
        (
            "ezilla_host_memory_total_bytes",
            "gauge",
            "Host memory.",
            |h| h.sample.memory_total_mib.map(|m| m * MIB),
        ),
    ];
    for (name, kind, help, pick) in families {
        let mut f = Family::new(out, name, kind, help);
        for host in &round.hosts {
            f.sample("", &[("host", &host.sample.host)], pick(host));
        }
    }
}

fn vms(out: &mut String, round: &Sampled) {
    type Pick = fn(&super::SampledVm) -> Option<f64>;
    let families: [(&str, &str, &str, Pick); 8] = [
        (
            "ezilla_vm_cpu_utilization_ratio",
            "gauge",
            "Share of the VM's vCPUs' time spent busy over the latest round.",
            |v| v.sample.cpu_percent.map(|p| p / 100.0),
        ),
        (
            "ezilla_vm_cpu_seconds_total",
            "counter",
            "CPU time the VM has used since it started.",
            |v| v.cpu_seconds,
        ),
        (
            "ezilla_vm_memory_used_bytes",
            "gauge",
            "Memory the VM uses (the guest's view if it reports one, else its process's resident memory).",
            |v| v.sample.memory_used_mib.map(|m| m * MIB),
        ),
        (
            "ezilla_vm_memory_total_bytes",
            "gauge",
            "Memory the VM has now.",
            |v| v.sample.memory_total_mib.map(|m| m * MIB),
        ),
        (
            "ezilla_vm_disk_read_bytes_total",
            "counter",
            "Bytes the VM has read from its disks since it started.",
            |v| v.disk_read_bytes.map(|b| b as f64),
        ),
        (
            "ezilla_vm_disk_written_bytes_total",
            "counter",
            "Bytes the VM has written to its disks since it started.",
            |v| v.disk_write_bytes.map(|b| b as f64),
        ),
        (
            "ezilla_vm_network_receive_bytes_total",
            "counter",
            "Bytes the VM has received since it started.",
            |v| v.net_rx_bytes.map(|b| b as f64),
        ),
        (
            "ezilla_vm_network_transmit_bytes_total",
            "counter",
            "Bytes the VM has sent since it started.",
            |v| v.net_tx_bytes.map(|b| b as f64),
        ),
    ];
    for (name, kind, help, pick) in families {
        let mut f = Family::new(out, name, kind, help);
        for vm in &round.vms {
            let labels = [
                ("host", vm.sample.host.as_str()),
                ("vm", vm.name.as_str()),
                ("uuid", vm.sample.uuid.as_str()),
                ("owner", vm.owner.as_deref().unwrap_or_default()),
            ];
            f.sample("", &labels, pick(vm));
        }
    }
}

fn http(out: &mut String, monitor: &Monitor) {
    let routes = monitor.http.snapshot();
    let mut f = Family::new(
        out,
        "ezilla_http_requests_total",
        "counter",
        "API requests answered, by method, route template and status.",
    );
    for (method, route, stats) in &routes {
        let mut statuses: Vec<_> = stats.statuses.iter().collect();
        statuses.sort();
        for (status, count) in statuses {
            let status = status.to_string();
            let labels = [
                ("method", method.as_str()),
                ("route", route),
                ("status", &status),
            ];
            f.sample("", &labels, Some(*count as f64));
        }
    }
    let mut f = Family::new(
        out,
        "ezilla_http_request_duration_seconds",
        "histogram",
        "Time to answer API requests, by method and route template.",
    );
    for (method, route, stats) in &routes {
        let mut cumulative = 0;
        for (bound, count) in BUCKETS.iter().zip(stats.buckets) {
            cumulative += count;
            let le = bound.to_string();
            let labels = [("method", method.as_str()), ("route", route), ("le", &le)];
            f.sample("_bucket", &labels, Some(cumulative as f64));
        }
        let labels = [("method", method.as_str()), ("route", route)];
        let all = [labels[0], labels[1], ("le", "+Inf")];
        f.sample("_bucket", &all, Some(stats.count as f64));
        f.sample("_sum", &labels, Some(stats.sum_secs));
        f.sample("_count", &labels, Some(stats.count as f64));
    }
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn label_values_are_escaped() {
        assert_eq!(escape("a\"b\\c\nd"), r#"a\"b\\c\nd"#);
    }
}
