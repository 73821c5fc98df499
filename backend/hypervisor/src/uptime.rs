//! VM uptime. libvirt reports no start time, so: on the local QEMU driver the start time is
//! the mtime of the pid file that libvirtd writes when it starts QEMU; elsewhere it is the
//! first time this server saw that run of the VM (a VM's numeric ID changes on every start).

use std::{collections::HashMap, path::PathBuf, time::SystemTime};

use shared::Vm;

/// Where libvirtd keeps the pid files of the QEMU processes it started.
const QEMU_RUN_DIR: &str = "/run/libvirt/qemu";

/// Fills in `uptime_secs` for running VMs.
pub struct UptimeTracker {
    pid_dir: Option<PathBuf>,
    first_seen: HashMap<(String, u32), SystemTime>,
}

impl UptimeTracker {
    /// A tracker for a host reached through `uri`.
    pub fn for_uri(uri: &str) -> Self {
        let local_qemu = uri == "qemu:///system";
        Self {
            pid_dir: local_qemu.then(|| PathBuf::from(QEMU_RUN_DIR)),
            first_seen: HashMap::new(),
        }
    }

    /// Sets `uptime_secs` of every VM in `vms` that has a numeric ID (that is, runs).
    pub fn fill(&mut self, vms: &mut [Vm], now: SystemTime) {
        let mut seen = HashMap::with_capacity(vms.len());
        for vm in vms.iter_mut() {
            let Some(id) = vm.id else { continue };
            let key = (vm.uuid.clone(), id);
            let started = self
                .pid_file_time(&vm.name)
                .or_else(|| self.first_seen.get(&key).copied())
                .unwrap_or(now);
            seen.insert(key, started);
            vm.uptime_secs = Some(now.duration_since(started).unwrap_or_default().as_secs());
        }
        // Forget runs that ended, so the map stays as small as the set of running VMs.
        self.first_seen = seen;
    }

    fn pid_file_time(&self, name: &str) -> Option<SystemTime> {
        let path = self.pid_dir.as_ref()?.join(format!("{name}.pid"));
        std::fs::metadata(path).ok()?.modified().ok()
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use shared::VmState;

    use super::*;

    fn vm(uuid: &str, id: Option<u32>) -> Vm {
        Vm {
            uuid: uuid.into(),
            id,
            name: uuid.into(),
            state: if id.is_some() {
                VmState::Running
            } else {
                VmState::Shutoff
            },
            lcm_state: String::new(),
            cores: 1,
            memory_mib: 64,
            host: "h".into(),
            uptime_secs: None,
            owner: None,
            owner_id: None,
            os: None,
            created: None,
            disk_gib: None,
            ips: Vec::new(),
            unprotected: false,
            ssh_port: None,
            guest_os: None,
            http_port: None,
        }
    }

    #[test]
    fn counts_from_first_sighting_and_restarts_on_a_new_run() {
        let mut tracker = UptimeTracker::for_uri("test:///default");
        let t0 = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000);
        let mut vms = [vm("a", Some(1)), vm("b", None)];
        tracker.fill(&mut vms, t0);
        assert_eq!(vms[0].uptime_secs, Some(0));
        assert_eq!(vms[1].uptime_secs, None);

        let mut vms = [vm("a", Some(1))];
        tracker.fill(&mut vms, t0 + Duration::from_secs(90));
        assert_eq!(vms[0].uptime_secs, Some(90));

        // Restarted between two looks: a new ID, so a new run.
        let mut vms = [vm("a", Some(2))];
        tracker.fill(&mut vms, t0 + Duration::from_secs(100));
        assert_eq!(vms[0].uptime_secs, Some(0));
    }
}
