//! The isolated layout of a QEMU domain, and bringing domains made before it to it.
//!
//! Isolated means: every graphics display listens on a Unix socket (libvirt puts it in the
//! domain's private directory, which only the QEMU user and root can enter), and the guest's
//! only network is Ezilla's netdev (see `guest_net`), never `<interface type='user'>`, whose
//! guests reach the host's loopback at 10.0.2.2. Earlier versions made VNC on a loopback TCP
//! port and such an interface; their serial logs were `NAME-serial.log`, which is also where
//! libvirt keeps the QEMU log of a VM called `NAME-serial`.

use shared::GuestNetwork;
use virt::{connect::Connect, domain::Domain, error::Error, sys};

use super::{
    guest_net::{self, NETDEV_ID, QEMU_NAMESPACE},
    metadata::{self, VmMetadata},
};

/// The graphics element of the isolated layout: libvirt picks the socket's path.
pub const VNC_ON_SOCKET: &str = "<graphics type='vnc'><listen type='socket'/></graphics>";

/// Where a QEMU guest's serial console output is kept: libvirt's log directory, under a
/// name that ends in `.serial`, which no VM's own log (`NAME.log`) can have.
pub fn serial_log_path(vm_name: &str) -> String {
    format!("/var/log/libvirt/qemu/{vm_name}.serial")
}

/// Whether a domain's XML has the isolated layout (only QEMU domains are asked).
pub fn is_isolated(domain_xml: &str) -> bool {
    let Ok(doc) = roxmltree::Document::parse(domain_xml) else {
        return false;
    };
    let displays_on_sockets = doc
        .descendants()
        .filter(|n| n.has_tag_name("graphics"))
        .all(|n| listens_on_socket(&n));
    let no_interfaces = !doc.descendants().any(|n| n.has_tag_name("interface"));
    displays_on_sockets && no_interfaces && has_ezilla_netdev(&doc)
}

/// Whether QEMU's command line in the domain has Ezilla's netdev.
fn has_ezilla_netdev(doc: &roxmltree::Document) -> bool {
    let prefix = format!("user,id={NETDEV_ID},");
    doc.descendants()
        .filter(|n| n.tag_name().namespace() == Some(QEMU_NAMESPACE) && n.has_tag_name("arg"))
        .filter_map(|n| n.attribute("value"))
        .any(|value| value.starts_with(&prefix))
}

fn listens_on_socket(graphics: &roxmltree::Node) -> bool {
    let listens: Vec<_> = graphics
        .children()
        .filter(|c| c.has_tag_name("listen"))
        .collect();
    match listens.is_empty() {
        true => graphics.attribute("socket").is_some(),
        false => listens
            .iter()
            .all(|l| l.attribute("type") == Some("socket")),
    }
}

/// A domain's persistent XML brought to the isolated layout, or `None` when it has it
/// already: VNC moved to a socket, the user-mode interface replaced by Ezilla's netdev for
/// `mode`, and the serial log renamed. Everything else (disks, metadata, UUID) is kept.
pub fn upgrade(domain_xml: &str, vm_name: &str, mode: GuestNetwork) -> Option<String> {
    let doc = roxmltree::Document::parse(domain_xml).ok()?;
    let root = doc.root_element();
    let mut edits: Vec<(std::ops::Range<usize>, String)> = Vec::new();
    for node in doc.descendants() {
        if node.has_tag_name("graphics") && !listens_on_socket(&node) {
            edits.push((node.range(), VNC_ON_SOCKET.into()));
        } else if node.has_tag_name("interface") && node.attribute("type") == Some("user") {
            edits.push((node.range(), String::new()));
        } else if node.has_tag_name("log")
            && node.parent().is_some_and(|p| p.has_tag_name("serial"))
        {
            let old = format!("/var/log/libvirt/qemu/{vm_name}-serial.log");
            if node.attribute("file") == Some(old.as_str()) {
                let new = serial_log_path(vm_name);
                let element = &domain_xml[node.range()];
                edits.push((
                    node.range(),
                    element.replace(&old, &super::xml::escape(&new)),
                ));
            }
        }
    }
    if !has_ezilla_netdev(&doc) {
        // Before the root's end tag; the namespace declared on its start tag.
        let end = root.range().end;
        let close = domain_xml[..end].rfind("</")?;
        edits.push((close..close, guest_net::commandline_xml(mode, &[])));
        if root.lookup_prefix(QEMU_NAMESPACE).is_none() {
            let at = root.range().start + "<domain".len();
            edits.push((at..at, format!(" xmlns:qemu='{QEMU_NAMESPACE}'")));
        }
    }
    if edits.is_empty() {
        return None;
    }
    edits.sort_by_key(|(range, _)| std::cmp::Reverse(range.start));
    let mut xml = domain_xml.to_owned();
    for (range, text) in edits {
        xml.replace_range(range, &text);
    }
    Some(xml)
}

/// Before an Ezilla VM (one with an owner in its metadata) of a QEMU host starts: redefines
/// it with the isolated layout if it was made before it. Returns whether it did.
pub fn upgrade_definition(conn: &Connect, dom: &Domain, mode: GuestNetwork) -> Result<bool, Error> {
    let owned = dom
        .metadata(metadata::KIND_ELEMENT, Some(metadata::NAMESPACE), 0)
        .is_ok_and(|element| VmMetadata::parse(&element).owner.is_some());
    if !owned {
        return Ok(false);
    }
    let xml = dom.xml_desc(sys::VIR_DOMAIN_XML_INACTIVE | sys::VIR_DOMAIN_XML_SECURE)?;
    if !is_qemu(&xml) {
        return Ok(false);
    }
    let Some(new) = upgrade(&xml, &dom.name()?, mode) else {
        return Ok(false);
    };
    conn.define_domain_xml(&new)?;
    tracing::info!(vm = %dom.name()?, "brought to the isolated layout");
    Ok(true)
}

/// Whether the domain is run by QEMU (not a simulation of libvirt's test driver).
pub fn is_qemu(domain_xml: &str) -> bool {
    roxmltree::Document::parse(domain_xml)
        .is_ok_and(|doc| matches!(doc.root_element().attribute("type"), Some("qemu" | "kvm")))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A domain as Ezilla made it before guests were isolated.
    const LEGACY: &str = "<domain type='qemu'>\n  <name>web1</name>\n  <uuid>0b0c-1</uuid>\n  \
        <metadata><ezilla:vm xmlns:ezilla='https://ezilla.nchc.org.tw/xmlns/libvirt/1'>\
        <ezilla:owner>alice</ezilla:owner></ezilla:vm></metadata>\n  <devices>\n    \
        <disk type='file' device='disk'><source file='/p/web1.qcow2'/><target dev='vda'/></disk>\n    \
        <serial type='pty'><log file='/var/log/libvirt/qemu/web1-serial.log' append='off'/>\
        <target port='0'/></serial>\n    \
        <interface type='user'><mac address='52:54:00:aa:bb:cc'/><model type='virtio'/></interface>\n    \
        <graphics type='vnc' port='-1' autoport='yes' listen='127.0.0.1'>\
        <listen type='address' address='127.0.0.1'/></graphics>\n  </devices>\n</domain>\n";

    #[test]
    fn a_legacy_domain_is_brought_to_the_isolated_layout() {
        assert!(!is_isolated(LEGACY));
        let new = upgrade(LEGACY, "web1", GuestNetwork::Isolated).expect("something to change");
        assert!(is_isolated(&new), "{new}");
        let doc = roxmltree::Document::parse(&new).expect("well-formed");
        let graphics = doc
            .descendants()
            .find(|n| n.has_tag_name("graphics"))
            .unwrap();
        assert_eq!(
            graphics.first_element_child().unwrap().attribute("type"),
            Some("socket")
        );
        let log = doc.descendants().find(|n| n.has_tag_name("log")).unwrap();
        assert_eq!(
            log.attribute("file"),
            Some("/var/log/libvirt/qemu/web1.serial")
        );
        assert!(new.contains("restrict=on"), "{new}");
        // What the VM is and whose it is stays.
        for kept in [
            "<uuid>0b0c-1</uuid>",
            "/p/web1.qcow2",
            "<ezilla:owner>alice",
        ] {
            assert!(new.contains(kept), "{kept} in {new}");
        }
        assert_eq!(
            upgrade(&new, "web1", GuestNetwork::Isolated),
            None,
            "once is enough"
        );
    }

    #[test]
    fn a_display_on_tcp_or_any_interface_is_not_isolated() {
        let isolated = upgrade(LEGACY, "web1", GuestNetwork::Outbound).unwrap();
        assert!(isolated.contains("restrict=off"));
        let tcp = isolated.replace(VNC_ON_SOCKET, "<graphics type='vnc' port='5901'/>");
        assert!(!is_isolated(&tcp));
        let bridged = isolated.replace(
            "</devices>",
            "<interface type='bridge'><source bridge='br0'/></interface></devices>",
        );
        assert!(!is_isolated(&bridged));
        let live = isolated.replace(
            VNC_ON_SOCKET,
            "<graphics type='vnc' socket='/var/lib/libvirt/qemu/domain-3-web1/vnc.sock'>\
             <listen type='socket' socket='/var/lib/libvirt/qemu/domain-3-web1/vnc.sock'/></graphics>",
        );
        assert!(is_isolated(&live), "the live XML names the socket");
    }
}
