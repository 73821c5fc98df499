//! Ezilla's element in a domain's `<metadata>`: who owns the VM, its OS label, when it was
//! made, how much disk it was given and which ports of its host reach its SSH and HTTP. It lives in the domain itself, so it survives the loss of Ezilla's database and shows
//! in `virsh dumpxml`:
//!
//! ```xml
//! <metadata>
//!   <ezilla:vm xmlns:ezilla="https://ezilla.nchc.org.tw/xmlns/libvirt/1">
//!     <ezilla:owner>alice</ezilla:owner>
//!     <ezilla:os>Debian 12</ezilla:os>
//!     <ezilla:created>1764150000</ezilla:created>
//!     <ezilla:disk_gib>4</ezilla:disk_gib>
//!     <ezilla:ssh_port>40000</ezilla:ssh_port>
//!     <ezilla:http_port>40001</ezilla:http_port>
//!   </ezilla:vm>
//! </metadata>
//! ```

use std::fmt::Write;

use super::xml::escape;

/// The XML namespace of Ezilla's metadata element.
pub const NAMESPACE: &str = "https://ezilla.nchc.org.tw/xmlns/libvirt/1";
/// libvirt's VIR_DOMAIN_METADATA_ELEMENT.
pub const KIND_ELEMENT: i32 = 2;

/// What Ezilla records in a domain.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VmMetadata {
    pub owner: Option<String>,
    pub os: Option<String>,
    /// Unix seconds.
    pub created: Option<u64>,
    /// The disk size it was given, counted against its owner's disk quota.
    pub disk_gib: Option<u64>,
    /// The port of the host's 127.0.0.1 forwarded to the guest's SSH (22).
    pub ssh_port: Option<u16>,
    /// The port of the host's 127.0.0.1 forwarded to the guest's HTTP (80).
    pub http_port: Option<u16>,
}

impl VmMetadata {
    /// The `<metadata>` element for a new domain.
    pub fn to_xml(&self) -> String {
        let mut x = format!("<metadata><ezilla:vm xmlns:ezilla='{}'>", escape(NAMESPACE));
        let fields = [
            ("owner", self.owner.clone()),
            ("os", self.os.clone()),
            ("created", self.created.map(|c| c.to_string())),
            ("disk_gib", self.disk_gib.map(|d| d.to_string())),
            ("ssh_port", self.ssh_port.map(|p| p.to_string())),
            ("http_port", self.http_port.map(|p| p.to_string())),
        ];
        for (tag, value) in fields {
            if let Some(value) = value {
                let _ = write!(x, "<ezilla:{tag}>{}</ezilla:{tag}>", escape(&value));
            }
        }
        x.push_str("</ezilla:vm></metadata>");
        x
    }

    /// Reads the element as libvirt returns it (`virDomainGetMetadata`).
    pub fn parse(element: &str) -> Self {
        let Ok(doc) = roxmltree::Document::parse(element) else {
            return Self::default();
        };
        let field = |tag: &str| {
            doc.root_element()
                .children()
                .find(|n| n.tag_name().name() == tag)
                .and_then(|n| n.text())
                .map(|t| t.trim().to_owned())
                .filter(|t| !t.is_empty())
        };
        Self {
            owner: field("owner"),
            os: field("os"),
            created: field("created").and_then(|c| c.parse().ok()),
            disk_gib: field("disk_gib").and_then(|d| d.parse().ok()),
            ssh_port: field("ssh_port").and_then(|p| p.parse().ok()),
            http_port: field("http_port").and_then(|p| p.parse().ok()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_is_written_reads_back() {
        let meta = VmMetadata {
            owner: Some("alice".into()),
            os: Some("Debian <12> & more".into()),
            created: Some(1_764_150_000),
            disk_gib: Some(4),
            ssh_port: Some(40000),
            http_port: Some(40001),
        };
        let xml = meta.to_xml();
        let doc = roxmltree::Document::parse(&xml).unwrap();
        let element = doc.root_element().first_element_child().unwrap();
        let inner = &xml[element.range()];
        assert_eq!(VmMetadata::parse(inner), meta);
        assert_eq!(VmMetadata::parse("<vm/>"), VmMetadata::default());
        assert_eq!(VmMetadata::parse("not xml"), VmMetadata::default());
    }
}
