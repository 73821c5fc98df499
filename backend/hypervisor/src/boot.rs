//! Which device a VM boots from first (`<os><boot dev=…/>` in its definition): the CD for
//! an install, the disk after it. Changed in the persistent definition only, so it takes
//! effect at the VM's next start. A VM that boots a kernel directly, or whose devices carry
//! boot orders of their own, keeps what it has.

use shared::{BootDevice, BootOrder};
use virt::sys;

use super::{ActionError, Pool};

impl Pool {
    /// What VM `uuid` boots from first, by its persistent definition.
    pub async fn boot_order(&self, uuid: &str) -> Result<BootOrder, ActionError> {
        let (host, _) = self.find_vm(uuid).ok_or(ActionError::NotFound)?;
        let id = uuid.to_owned();
        let desc = host
            .call(move |_, conn| {
                conn.lookup_domain_by_uuid_string(&id)?
                    .xml_desc(sys::VIR_DOMAIN_XML_INACTIVE)
            })
            .await?;
        Ok(BootOrder {
            first: first_boot_device(&desc),
        })
    }

    /// Makes VM `uuid` boot from `first` first, the other device after, from its next start.
    pub async fn set_boot_order(&self, uuid: &str, first: BootDevice) -> Result<(), ActionError> {
        let (host, _) = self.find_vm(uuid).ok_or(ActionError::NotFound)?;
        let id = uuid.to_owned();
        host.call(move |_, conn| {
            let dom = conn.lookup_domain_by_uuid_string(&id)?;
            let desc = dom.xml_desc(sys::VIR_DOMAIN_XML_INACTIVE)?;
            let Some(new) = with_boot_order(&desc, first) else {
                return Ok(Err(ActionError::Conflict(
                    "this VM boots its kernel directly or sets its boot order per device".into(),
                )));
            };
            conn.define_domain_xml(&new)?;
            Ok(Ok(()))
        })
        .await?
    }
}

/// The first `<os><boot dev=…/>` of a domain (the disk when there is none).
fn first_boot_device(domain_xml: &str) -> BootDevice {
    let first = roxmltree::Document::parse(domain_xml).ok().and_then(|doc| {
        let os = doc
            .root_element()
            .children()
            .find(|n| n.has_tag_name("os"))?;
        let boot = os.children().find(|n| n.has_tag_name("boot"))?;
        Some(boot.attribute("dev") == Some("cdrom"))
    });
    match first {
        Some(true) => BootDevice::Cdrom,
        _ => BootDevice::Disk,
    }
}

/// The domain's XML with its `<os>` booting from `first` and then the other device, or `None`
/// when the order is not the `<os>` element's to set: a direct kernel boot, or `<boot
/// order=…/>` on its devices (libvirt refuses both kinds at once).
fn with_boot_order(domain_xml: &str, first: BootDevice) -> Option<String> {
    let doc = roxmltree::Document::parse(domain_xml).ok()?;
    let os = doc
        .root_element()
        .children()
        .find(|n| n.has_tag_name("os"))?;
    let per_device = doc
        .root_element()
        .children()
        .filter(|n| n.has_tag_name("devices"))
        .flat_map(|d| d.descendants())
        .any(|n| n.has_tag_name("boot"));
    if per_device || os.children().any(|n| n.has_tag_name("kernel")) {
        return None;
    }
    let after_type = os.children().find(|n| n.has_tag_name("type"))?.range().end;
    let order = match first {
        BootDevice::Cdrom => ["cdrom", "hd"],
        BootDevice::Disk => ["hd", "cdrom"],
    };
    let boots: String = order
        .iter()
        .map(|dev| format!("\n    <boot dev='{dev}'/>"))
        .collect();
    // Each old `<boot>` goes with the blank text before it; the new ones follow `<type>`.
    let mut cuts: Vec<std::ops::Range<usize>> = os
        .children()
        .filter(|n| n.has_tag_name("boot"))
        .map(|n| {
            let start = n
                .prev_sibling()
                .filter(|p| p.is_text() && p.text().is_some_and(|t| t.trim().is_empty()))
                .map_or(n.range().start, |p| p.range().start);
            start.max(after_type)..n.range().end
        })
        .collect();
    cuts.sort_by_key(|r| r.start);
    let mut out = String::with_capacity(domain_xml.len() + boots.len());
    let mut at = 0;
    for cut in &cuts {
        out.push_str(&domain_xml[at..cut.start]);
        at = cut.end;
    }
    out.push_str(&domain_xml[at..]);
    // `<type>` ends before every cut, so its offset is unchanged in `out`.
    out.insert_str(after_type, &boots);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const INSTALL: &str = "<domain type='qemu'>\n  <name>n</name>\n  <os>\n    \
        <type arch='x86_64' machine='pc-i440fx-7.2'>hvm</type>\n    <boot dev='cdrom'/>\n    \
        <boot dev='hd'/>\n  </os>\n  <devices>\n    <disk type='file' device='disk'/>\n  \
        </devices>\n</domain>\n";

    fn boots(xml: &str) -> Vec<String> {
        let doc = roxmltree::Document::parse(xml).unwrap();
        doc.descendants()
            .filter(|n| n.has_tag_name("boot"))
            .map(|n| n.attribute("dev").unwrap().to_owned())
            .collect()
    }

    #[test]
    fn the_order_is_rewritten_and_read_back() {
        assert_eq!(first_boot_device(INSTALL), BootDevice::Cdrom);
        let disk_first = with_boot_order(INSTALL, BootDevice::Disk).unwrap();
        assert_eq!(boots(&disk_first), ["hd", "cdrom"]);
        assert_eq!(first_boot_device(&disk_first), BootDevice::Disk);
        let back = with_boot_order(&disk_first, BootDevice::Cdrom).unwrap();
        assert_eq!(back, INSTALL, "the same XML as before, whitespace and all");
        let none = INSTALL.replace("\n    <boot dev='cdrom'/>\n    <boot dev='hd'/>", "");
        assert_eq!(first_boot_device(&none), BootDevice::Disk);
        assert_eq!(
            boots(&with_boot_order(&none, BootDevice::Cdrom).unwrap()),
            ["cdrom", "hd"]
        );
    }

    #[test]
    fn kernel_boots_and_per_device_orders_are_left_alone() {
        let kernel = INSTALL.replace("<boot dev='cdrom'/>", "<kernel>/k</kernel>");
        assert_eq!(with_boot_order(&kernel, BootDevice::Disk), None);
        let per_device = INSTALL
            .replace("\n    <boot dev='cdrom'/>\n    <boot dev='hd'/>", "")
            .replace("device='disk'/>", "device='disk'><boot order='1'/></disk>");
        assert_eq!(with_boot_order(&per_device, BootDevice::Cdrom), None);
    }
}
