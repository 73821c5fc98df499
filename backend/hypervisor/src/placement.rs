//! Where a new VM goes: among the online hosts with enough free memory and vCPUs, the one
//! with the most free memory first (OpenNebula's default ranking).

use shared::HostInfo;

/// Hosts that can take a VM of `cores` and `memory_mib`, best first.
pub fn rank(hosts: &[HostInfo], cores: u32, memory_mib: u64) -> Vec<String> {
    let mut fits: Vec<_> = hosts
        .iter()
        .filter(|h| h.online && h.free_vcpus >= cores && h.free_memory_mib >= memory_mib)
        .collect();
    fits.sort_by(|a, b| {
        b.free_memory_mib
            .cmp(&a.free_memory_mib)
            .then(a.name.cmp(&b.name))
    });
    fits.into_iter().map(|h| h.name.clone()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn host(name: &str, online: bool, free_vcpus: u32, free_memory_mib: u64) -> HostInfo {
        HostInfo {
            name: name.into(),
            uri: None,
            online,
            cpus: 8,
            free_vcpus,
            memory_mib: 16_384,
            free_memory_mib,
            host_free_memory_mib: free_memory_mib,
            vm_count: 0,
            configured: true,
            guest_network: None,
            last_error: None,
        }
    }

    #[test]
    fn most_free_memory_first_and_only_hosts_that_fit() {
        let hosts = [
            host("one1", true, 4, 2_048),
            host("one2", true, 8, 8_192),
            host("one3", false, 8, 16_384),
            host("one4", true, 1, 16_384),
        ];
        assert_eq!(rank(&hosts, 2, 1_024), ["one2", "one1"]);
        assert_eq!(rank(&hosts, 1, 1_024), ["one4", "one2", "one1"]);
        assert!(rank(&hosts, 2, 10_000).is_empty());
    }
}
