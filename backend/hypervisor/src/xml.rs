//! libvirt XML: a typed builder for the domains and volumes Ezilla creates, escaping every
//! value so that no input can add an element, and a reader for the parts Ezilla looks at.

use std::fmt::Write;

use shared::{GuestNetwork, KernelBoot};

use super::{
    guest_net::{self, PortForward, QEMU_NAMESPACE},
    layout::VNC_ON_SOCKET,
    metadata::VmMetadata,
};

/// Escapes text for an XML attribute or element body.
pub fn escape(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

/// Everything Ezilla puts in a new domain.
#[derive(Debug, Clone)]
pub struct DomainSpec {
    /// `qemu` (TCG) for QEMU hosts, `test` for the test driver.
    pub domain_type: &'static str,
    pub name: String,
    /// Owner, OS label, creation time.
    pub metadata: VmMetadata,
    pub cores: u32,
    pub memory_mib: u64,
    /// Path of the VM's qcow2 disk.
    pub disk: String,
    pub kernel_boot: Option<KernelBoot>,
    /// A file that keeps everything the guest writes to its serial console (its boot log).
    pub serial_log: Option<String>,
    /// What the guest may reach (QEMU domains; see `guest_net`).
    pub network: GuestNetwork,
    /// Guest ports reachable at ports of the host's 127.0.0.1.
    pub forwards: Vec<PortForward>,
    /// The cloud-init seed ISO, attached as a CD-ROM.
    pub seed: Option<String>,
    /// A CD drive the user inserts ISOs into (`CD_DRIVE`), with this ISO in it; the VM
    /// boots from it first, then from its disk (BIOS).
    pub install_media: Option<String>,
}

/// The target of the CD drive users insert ISOs into (the seed, if any, is `hdc`).
pub const CD_DRIVE: &str = "hdd";

/// The CD drive `CD_DRIVE` holding `iso`, or empty.
pub fn cd_drive(iso: Option<&str>) -> String {
    let source = iso
        .map(|f| format!("<source file='{}'/>", escape(f)))
        .unwrap_or_default();
    format!(
        "<disk type='file' device='cdrom'><driver name='qemu' type='raw'/>{source}\
         <target dev='{CD_DRIVE}' bus='ide'/><readonly/></disk>"
    )
}

impl DomainSpec {
    /// The domain XML: virtio disk, serial console, VNC on a Unix socket in the domain's
    /// private directory (never a TCP port), the owner in Ezilla's metadata and, for QEMU,
    /// the guest's network with no way to the host (see `guest_net`).
    pub fn to_xml(&self) -> String {
        let e = escape;
        let qemu = self.domain_type == "qemu";
        let mut x = String::new();
        let namespace = match qemu {
            true => format!(" xmlns:qemu='{QEMU_NAMESPACE}'"),
            false => String::new(),
        };
        let _ = writeln!(x, "<domain type='{}'{namespace}>", e(self.domain_type));
        let _ = writeln!(x, "  <name>{}</name>", e(&self.name));
        let _ = writeln!(x, "  {}", self.metadata.to_xml());
        let _ = writeln!(x, "  <memory unit='MiB'>{}</memory>", self.memory_mib);
        let _ = writeln!(x, "  <vcpu>{}</vcpu>", self.cores);
        x.push_str("  <os>\n    <type arch='x86_64' machine='pc'>hvm</type>\n");
        match &self.kernel_boot {
            Some(k) => {
                let _ = writeln!(x, "    <kernel>{}</kernel>", e(&k.kernel));
                let _ = writeln!(x, "    <initrd>{}</initrd>", e(&k.initrd));
                let _ = writeln!(x, "    <cmdline>{}</cmdline>", e(&k.cmdline));
            }
            None if self.install_media.is_some() => {
                x.push_str("    <boot dev='cdrom'/>\n    <boot dev='hd'/>\n")
            }
            None => x.push_str("    <boot dev='hd'/>\n"),
        }
        x.push_str("  </os>\n  <features><acpi/></features>\n  <devices>\n");
        let _ = writeln!(
            x,
            "    <disk type='file' device='disk'><driver name='qemu' type='qcow2'/>\
             <source file='{}'/><target dev='vda' bus='virtio'/></disk>",
            e(&self.disk)
        );
        if let Some(seed) = &self.seed {
            let _ = writeln!(
                x,
                "    <disk type='file' device='cdrom'><driver name='qemu' type='raw'/>\
                 <source file='{}'/><target dev='hdc' bus='ide'/><readonly/></disk>",
                e(seed)
            );
        }
        if let Some(iso) = &self.install_media {
            let _ = writeln!(x, "    {}", cd_drive(Some(iso)));
        }
        let log = self
            .serial_log
            .as_ref()
            .map(|f| format!("<log file='{}' append='off'/>", e(f)))
            .unwrap_or_default();
        let _ = writeln!(x, "    <serial type='pty'>{log}<target port='0'/></serial>");
        x.push_str("    <console type='pty'><target type='serial' port='0'/></console>\n");
        let _ = writeln!(x, "    {VNC_ON_SOCKET}");
        if qemu {
            // The QEMU guest agent's channel (libvirt picks the socket).
            x.push_str(
                "    <channel type='unix'><target type='virtio' name='org.qemu.guest_agent.0'/></channel>\n",
            );
        }
        x.push_str("    <video><model type='vga'/></video>\n  </devices>\n");
        if qemu {
            let _ = writeln!(
                x,
                "  {}",
                guest_net::commandline_xml(self.network, &self.forwards)
            );
        }
        x.push_str("</domain>\n");
        x
    }
}

/// A qcow2 volume backed by `base` (copy-on-write: only changes take space).
pub fn overlay_volume(name: &str, capacity_bytes: u64, base: &str, base_format: &str) -> String {
    let e = escape;
    format!(
        "<volume><name>{}</name><capacity unit='bytes'>{capacity_bytes}</capacity>\
         <target><format type='qcow2'/></target>\
         <backingStore><path>{}</path><format type='{}'/></backingStore></volume>",
        e(name),
        e(base),
        e(base_format)
    )
}

/// A qcow2 volume with no backing file (a full copy lands in it).
pub fn standalone_volume(name: &str, capacity_bytes: u64) -> String {
    format!(
        "<volume><name>{}</name><capacity unit='bytes'>{capacity_bytes}</capacity>\
         <target><format type='qcow2'/></target></volume>",
        escape(name)
    )
}

/// The suffix of a VM's cloud-init seed volume (`NAME-seed.iso`, beside its `NAME.qcow2`).
pub const SEED_SUFFIX: &str = "-seed.iso";

/// Whether a domain has a cloud-init seed CD-ROM.
pub fn has_seed(domain_xml: &str) -> bool {
    disk_files(domain_xml)
        .iter()
        .any(|f| f.ends_with(SEED_SUFFIX))
}

/// A raw volume of `bytes` bytes (a seed ISO is uploaded into it).
pub fn raw_volume(name: &str, bytes: u64) -> String {
    format!(
        "<volume><name>{}</name><capacity unit='bytes'>{bytes}</capacity>\
         <target><format type='raw'/></target></volume>",
        escape(name)
    )
}

/// A directory storage pool `name` under libvirt's images directory.
pub fn dir_pool(name: &str) -> String {
    format!(
        "<pool type='dir'><name>{0}</name>\
         <target><path>/var/lib/libvirt/images/{0}</path></target></pool>",
        escape(name)
    )
}

/// A domain's direct kernel boot, if it has one.
pub fn kernel_boot(domain_xml: &str) -> Option<KernelBoot> {
    let doc = roxmltree::Document::parse(domain_xml).ok()?;
    let os = doc
        .root_element()
        .children()
        .find(|n| n.has_tag_name("os"))?;
    let text = |tag: &str| {
        os.children()
            .find(|n| n.has_tag_name(tag))
            .and_then(|n| n.text())
            .map(str::to_owned)
    };
    Some(KernelBoot {
        kernel: text("kernel")?,
        initrd: text("initrd").unwrap_or_default(),
        cmdline: text("cmdline").unwrap_or_default(),
    })
}

/// The files behind a domain's disks.
pub fn disk_files(domain_xml: &str) -> Vec<String> {
    let Ok(doc) = roxmltree::Document::parse(domain_xml) else {
        return Vec::new();
    };
    doc.descendants()
        .filter(|n| n.has_tag_name("disk"))
        .filter_map(|disk| disk.children().find(|c| c.has_tag_name("source")))
        .filter_map(|source| source.attribute("file").map(str::to_owned))
        .collect()
}

/// The ISO in a domain's CD drive (`CD_DRIVE`), if it has the drive and it is not empty.
pub fn cd_drive_media(domain_xml: &str) -> Option<String> {
    let doc = roxmltree::Document::parse(domain_xml).ok()?;
    let drive = cd_drive_of(&doc)?;
    let source = drive.children().find(|c| c.has_tag_name("source"))?;
    source.attribute("file").map(str::to_owned)
}

/// Whether a domain has the CD drive `CD_DRIVE`.
pub fn has_cd_drive(domain_xml: &str) -> bool {
    roxmltree::Document::parse(domain_xml).is_ok_and(|doc| cd_drive_of(&doc).is_some())
}

fn cd_drive_of<'a>(doc: &'a roxmltree::Document<'a>) -> Option<roxmltree::Node<'a, 'a>> {
    doc.descendants()
        .filter(|n| n.has_tag_name("disk"))
        .find(|disk| {
            disk.children()
                .any(|c| c.has_tag_name("target") && c.attribute("dev") == Some(CD_DRIVE))
        })
}

/// The text of the root element's child `tag`.
pub fn child_text(xml: &str, tag: &str) -> Option<String> {
    let doc = roxmltree::Document::parse(xml).ok()?;
    let child = doc
        .root_element()
        .children()
        .find(|n| n.has_tag_name(tag))?;
    child.text().map(str::to_owned)
}

/// The file a volume is backed by (`<backingStore><path>`), if it has one.
pub fn backing_path(volume_xml: &str) -> Option<String> {
    let doc = roxmltree::Document::parse(volume_xml).ok()?;
    let store = doc
        .root_element()
        .children()
        .find(|n| n.has_tag_name("backingStore"))?;
    let path = store.children().find(|n| n.has_tag_name("path"))?;
    path.text().map(str::to_owned)
}

/// A volume's format (`<target><format type='...'/>`), if stated.
pub fn volume_format(volume_xml: &str) -> Option<String> {
    let doc = roxmltree::Document::parse(volume_xml).ok()?;
    let target = doc
        .root_element()
        .children()
        .find(|n| n.has_tag_name("target"))?;
    let format = target.children().find(|n| n.has_tag_name("format"))?;
    format.attribute("type").map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(name: &str) -> DomainSpec {
        DomainSpec {
            domain_type: "qemu",
            name: name.into(),
            metadata: VmMetadata {
                owner: Some("alice".into()),
                owner_id: None,
                os: Some("Debian".into()),
                created: Some(1),
                disk_gib: Some(4),
                ..Default::default()
            },
            cores: 2,
            memory_mib: 512,
            disk: "/var/lib/libvirt/images/x.qcow2".into(),
            kernel_boot: None,
            serial_log: Some("/var/log/libvirt/qemu/x.serial".into()),
            network: GuestNetwork::Isolated,
            forwards: Vec::new(),
            seed: None,
            install_media: None,
        }
    }

    fn count(xml: &str, tag: &str) -> usize {
        let doc = roxmltree::Document::parse(xml).expect("well-formed XML");
        doc.descendants().filter(|n| n.has_tag_name(tag)).count()
    }

    #[test]
    fn injected_markup_stays_text() {
        let evil =
            "a'/><devices><disk type='file'><source file='/etc/shadow'/></disk></devices><name>x";
        let xml = spec(evil).to_xml();
        assert_eq!(count(&xml, "disk"), 1, "{xml}");
        assert_eq!(count(&xml, "devices"), 1);
        assert_eq!(count(&xml, "name"), 1);
        let doc = roxmltree::Document::parse(&xml).unwrap();
        let name = doc.descendants().find(|n| n.has_tag_name("name")).unwrap();
        assert_eq!(
            name.text(),
            Some(evil),
            "the name arrives as exactly what was typed"
        );
        assert_eq!(disk_files(&xml), ["/var/lib/libvirt/images/x.qcow2"]);
    }

    #[test]
    fn domains_have_the_devices_a_console_needs() {
        let xml = spec("vm1").to_xml();
        for tag in ["graphics", "serial", "console", "owner", "commandline"] {
            assert_eq!(count(&xml, tag), 1, "{tag} in {xml}");
        }
        assert_eq!(
            count(&xml, "interface"),
            0,
            "no network that reaches the host"
        );
        assert!(super::super::layout::is_isolated(&xml), "{xml}");
    }

    #[test]
    fn installs_boot_from_the_cd_first() {
        let mut install = spec("i");
        install.install_media = Some("/isos/d'.iso".into());
        let xml = install.to_xml();
        let doc = roxmltree::Document::parse(&xml).unwrap();
        let boots: Vec<_> = doc
            .descendants()
            .filter(|n| n.has_tag_name("boot"))
            .filter_map(|n| n.attribute("dev"))
            .collect();
        assert_eq!(boots, ["cdrom", "hd"]);
        assert!(
            disk_files(&xml).contains(&"/isos/d'.iso".to_owned()),
            "{xml}"
        );
    }

    #[test]
    fn kernel_boot_reads_back() {
        let mut with_kernel = spec("k");
        with_kernel.kernel_boot = Some(KernelBoot {
            kernel: "/b/vmlinuz".into(),
            initrd: "/b/initrd".into(),
            cmdline: "root=/dev/vda rw".into(),
        });
        assert_eq!(kernel_boot(&with_kernel.to_xml()), with_kernel.kernel_boot);
        assert_eq!(kernel_boot(&spec("n").to_xml()), None);
    }

    #[test]
    fn overlays_name_their_backing_file() {
        let xml = overlay_volume("vm1.qcow2", 1 << 30, "/p/base'.img", "raw");
        assert_eq!(backing_path(&xml).as_deref(), Some("/p/base'.img"));
        assert_eq!(backing_path(&standalone_volume("x", 1)), None);
        let doc = roxmltree::Document::parse(&xml).unwrap();
        let path = doc.descendants().find(|n| n.has_tag_name("path")).unwrap();
        assert_eq!(path.text(), Some("/p/base'.img"));
        assert_eq!(
            volume_format("<volume><target><format type='qcow2'/></target></volume>").as_deref(),
            Some("qcow2")
        );
    }
}
