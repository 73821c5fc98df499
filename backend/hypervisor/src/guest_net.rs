//! What a guest can reach. Every QEMU guest Ezilla makes gets QEMU's user-mode network
//! (slirp) with no route to the host: in `isolated` mode with `restrict=on` (nothing leaves
//! the guest), in `outbound` mode unrestricted but behind a firewall rule on the host that
//! refuses every connection of the QEMU user to one of the host's own addresses. Either way
//! IPv6 is off (slirp would map `fec0::2` to the host's `::1`) and the ports Ezilla forwards
//! into a guest listen on the host's 127.0.0.1 only.
//!
//! The netdev is given on QEMU's command line (libvirt's `<qemu:commandline>`), because
//! libvirt 9.0 has no `restrict` for `<interface type='user'>` and no passt backend.

use std::{fmt::Write, process::Stdio, time::Duration};

use shared::GuestNetwork;
use tokio::process::Command;

use super::{tunnel::SshTarget, xml::escape};

/// libvirt's namespace for QEMU command-line arguments.
pub const QEMU_NAMESPACE: &str = "http://libvirt.org/schemas/domain/qemu/1.0";
/// The id of the netdev Ezilla gives a guest; its presence marks the isolated layout.
pub const NETDEV_ID: &str = "ezilla-net0";
/// The PCI slot of the guest's NIC: high, so that it never takes one libvirt assigns.
const NIC_SLOT: &str = "0x1e";

/// The ports of a host's 127.0.0.1 that Ezilla forwards to guests (SSH and HTTP of each VM
/// made from a cloud-init template), kept in the VM's metadata for its life.
pub const FORWARD_PORTS: std::ops::Range<u16> = 40000..45000;

/// A TCP port of the guest reachable at a port of the host's 127.0.0.1.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PortForward {
    pub host_port: u16,
    pub guest_port: u16,
}

/// QEMU's `-netdev` value for a guest of a host in `mode`, forwarding `forwards`.
pub fn netdev(mode: GuestNetwork, forwards: &[PortForward]) -> String {
    let restrict = match mode {
        GuestNetwork::Isolated => "on",
        GuestNetwork::Outbound => "off",
    };
    let mut arg = format!("user,id={NETDEV_ID},restrict={restrict},ipv6=off");
    for f in forwards {
        // Bound to the host's loopback only: never another address of the host.
        let _ = write!(
            arg,
            ",hostfwd=tcp:127.0.0.1:{}-:{}",
            f.host_port, f.guest_port
        );
    }
    arg
}

/// The `<qemu:commandline>` element that gives the guest its network: the netdev and a
/// virtio NIC on it. The domain element must declare `xmlns:qemu` (see `QEMU_NAMESPACE`).
pub fn commandline_xml(mode: GuestNetwork, forwards: &[PortForward]) -> String {
    let device =
        format!("virtio-net-pci,netdev={NETDEV_ID},id=ezilla-nic0,bus=pci.0,addr={NIC_SLOT}");
    let mut x = String::from("<qemu:commandline>");
    for arg in ["-netdev", &netdev(mode, forwards), "-device", &device] {
        let _ = write!(x, "<qemu:arg value='{}'/>", escape(arg));
    }
    x.push_str("</qemu:commandline>");
    x
}

/// How long installing the host's guard may take (an SSH round trip on a remote host).
const GUARD_TIMEOUT: Duration = Duration::from_secs(20);

/// Adds, unless present, the host firewall rule that keeps `outbound` guests off the host:
/// every connection that the QEMU user (the owner of libvirt's QEMU state directory) opens
/// to an address of the host itself is refused. Only new connections: the answers of QEMU's
/// own listeners (the forwarded ports) are the QEMU user's packets to a local address too.
/// Run on this machine for local URIs and over the host's own SSH for `qemu+ssh` ones.
const GUARD_SCRIPT: &str = "set -e; u=$(stat -c %U /var/lib/libvirt/qemu); \
     rule=\"OUTPUT -m owner --uid-owner $u -m addrtype --dst-type LOCAL \
     -m conntrack --ctstate NEW -j REJECT\"; \
     iptables -w -C $rule 2>/dev/null || iptables -w -I $rule";

/// Makes sure the guard is in force on the host of `uri` before an `outbound` guest starts
/// there; the error says why it could not be.
pub async fn ensure_guard(uri: &str, local: bool) -> Result<(), String> {
    let mut command = if local {
        let mut sh = Command::new("sh");
        sh.args(["-c", GUARD_SCRIPT]);
        sh
    } else {
        let ssh = SshTarget::of_uri(uri).ok_or(
            "the host is reached neither locally nor by SSH, so its firewall cannot be set",
        )?;
        let quoted = format!("'{}'", GUARD_SCRIPT.replace('\'', r"'\''"));
        ssh.command(&[], &["sh", "-c", &quoted])
    };
    let run = command
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .output();
    match tokio::time::timeout(GUARD_TIMEOUT, run).await {
        Ok(Ok(out)) if out.status.success() => Ok(()),
        Ok(Ok(out)) => Err(format!(
            "its firewall rule against guests reaching it could not be set: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        )),
        Ok(Err(err)) => Err(format!("cannot run its firewall command: {err}")),
        Err(_) => Err("setting its firewall rule took too long".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forwards_bind_the_loopback_only_and_isolation_restricts() {
        let forwards = [PortForward {
            host_port: 42022,
            guest_port: 22,
        }];
        assert_eq!(
            netdev(GuestNetwork::Isolated, &forwards),
            "user,id=ezilla-net0,restrict=on,ipv6=off,hostfwd=tcp:127.0.0.1:42022-:22"
        );
        assert_eq!(
            netdev(GuestNetwork::Outbound, &[]),
            "user,id=ezilla-net0,restrict=off,ipv6=off"
        );
        let xml = format!(
            "<domain xmlns:qemu='{QEMU_NAMESPACE}'>{}</domain>",
            commandline_xml(GuestNetwork::Isolated, &[])
        );
        let doc = roxmltree::Document::parse(&xml).unwrap();
        let args: Vec<_> = doc
            .descendants()
            .filter_map(|n| n.attribute("value"))
            .collect();
        assert_eq!(args[0], "-netdev");
        assert_eq!(args[2], "-device");
        assert!(args[3].contains("netdev=ezilla-net0"), "{args:?}");
    }
}
