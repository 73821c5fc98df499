//! `GET /api/v1/health`: is the server up, and does each hypervisor host answer.

use serde::{Deserialize, Serialize};

/// Which kind of libvirt driver a host is, so the UI can say plainly what is in use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum HypervisorKind {
    /// Real QEMU/KVM virtual machines.
    Qemu,
    /// libvirt's built-in test driver: simulated machines, nothing really runs.
    Test,
    /// Any other libvirt driver.
    Other,
}

impl HypervisorKind {
    /// The kind of driver a libvirt URI names (`qemu:///system`, `test:///default`, ...).
    pub fn of_uri(uri: &str) -> Self {
        let scheme = uri.split(':').next().unwrap_or_default();
        match scheme.split('+').next().unwrap_or_default() {
            "qemu" => Self::Qemu,
            "test" => Self::Test,
            _ => Self::Other,
        }
    }
}

/// One hypervisor host as the health check saw it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct HostHealth {
    /// The host's name in the pool (the original's Host column).
    pub name: String,
    /// The libvirt connection URI (admins only; empty for others).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub uri: String,
    /// Which driver the URI names.
    pub kind: HypervisorKind,
    /// Whether libvirt answered just now.
    pub reachable: bool,
}

/// The health report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct Health {
    /// True when the server runs (and, to a logged-in caller, every host answered).
    pub ok: bool,
    /// The server's version.
    pub version: String,
    /// Every host, to a logged-in caller; none to others.
    pub hosts: Vec<HostHealth>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kind_follows_the_uri_scheme() {
        assert_eq!(
            HypervisorKind::of_uri("qemu:///system"),
            HypervisorKind::Qemu
        );
        assert_eq!(
            HypervisorKind::of_uri("qemu+ssh://u@h/system"),
            HypervisorKind::Qemu
        );
        assert_eq!(
            HypervisorKind::of_uri("test:///default"),
            HypervisorKind::Test
        );
        assert_eq!(HypervisorKind::of_uri("xen:///"), HypervisorKind::Other);
    }
}
