//! Ezilla's element in a domain's `<metadata>`: who owns the VM, its OS label, when it was
//! made, how much disk it was given and which ports of its host reach its SSH and HTTP. It lives in the domain itself, so it survives the loss of Ezilla's database and shows
//! in `virsh dumpxml`:
//!
//! ```xml
//! <metadata>
//!   <ezilla:vm xmlns:ezilla="https://ezilla.nchc.org.tw/xmlns/libvirt/1">
//!     <ezilla:owner>alice</ezilla:owner>
//!     <ezilla:owner_id>5f0c…</ezilla:owner_id>
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
    /// The owner's stable id: who the VM belongs to (the name is for people to read).
    pub owner_id: Option<String>,
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
    /// What a VM Ezilla makes now records: its owner, OS label, disk size and the time.
    pub fn made_now(owner: &str, owner_id: &str, os: &str, disk_gib: u64) -> Self {
        Self {
            owner: Some(owner.to_owned()),
            owner_id: Some(owner_id.to_owned()),
            os: Some(os.to_owned()),
            created: std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .ok()
                .map(|d| d.as_secs()),
            disk_gib: Some(disk_gib),
            ..Self::default()
        }
    }

    /// The `<metadata>` element for a new domain.
    pub fn to_xml(&self) -> String {
        let ns = escape(NAMESPACE);
        format!(
            "<metadata><ezilla:vm xmlns:ezilla='{ns}'>{}</ezilla:vm></metadata>",
            self.children("ezilla:")
        )
    }

    /// The element alone, unprefixed, as `virDomainSetMetadata` takes it (libvirt puts it in
    /// our namespace with the `ezilla` prefix).
    pub fn to_element(&self) -> String {
        format!("<vm>{}</vm>", self.children(""))
    }

    fn children(&self, prefix: &str) -> String {
        let fields = [
            ("owner", self.owner.clone()),
            ("owner_id", self.owner_id.clone()),
            ("os", self.os.clone()),
            ("created", self.created.map(|c| c.to_string())),
            ("disk_gib", self.disk_gib.map(|d| d.to_string())),
            ("ssh_port", self.ssh_port.map(|p| p.to_string())),
            ("http_port", self.http_port.map(|p| p.to_string())),
        ];
        let mut x = String::new();
        for (tag, value) in fields {
            if let Some(value) = value {
                let _ = write!(x, "<{prefix}{tag}>{}</{prefix}{tag}>", escape(&value));
            }
        }
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
            owner_id: field("owner_id"),
            os: field("os"),
            created: field("created").and_then(|c| c.parse().ok()),
            disk_gib: field("disk_gib").and_then(|d| d.parse().ok()),
            ssh_port: field("ssh_port").and_then(|p| p.parse().ok()),
            http_port: field("http_port").and_then(|p| p.parse().ok()),
        }
    }
}

impl super::Pool {
    /// Makes `owner` (stable id `owner_id`) the VM's owner in its domain's metadata, live and
    /// in the persistent definition; the rest of the metadata stays.
    pub async fn set_owner(
        &self,
        uuid: &str,
        owner: &str,
        owner_id: &str,
    ) -> Result<(), super::ActionError> {
        let (host, _) = self.find_vm(uuid).ok_or(super::ActionError::NotFound)?;
        let (id, owner, owner_id) = (uuid.to_owned(), owner.to_owned(), owner_id.to_owned());
        host.call(move |_, conn| {
            let dom = conn.lookup_domain_by_uuid_string(&id)?;
            let mut meta = dom
                .metadata(KIND_ELEMENT, Some(NAMESPACE), 0)
                .map(|element| VmMetadata::parse(&element))
                .unwrap_or_default();
            meta.owner = Some(owner);
            meta.owner_id = Some(owner_id);
            let mut flags = 0;
            if dom.is_active()? {
                flags |= virt::sys::VIR_DOMAIN_AFFECT_LIVE;
            }
            if dom.is_persistent()? {
                flags |= virt::sys::VIR_DOMAIN_AFFECT_CONFIG;
            }
            dom.set_metadata(
                KIND_ELEMENT,
                Some(&meta.to_element()),
                Some("ezilla"),
                Some(NAMESPACE),
                flags,
            )
        })
        .await?;
        host.refresh().await.ok();
        self.changed();
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_is_written_reads_back() {
        let meta = VmMetadata {
            owner: Some("alice".into()),
            owner_id: Some("0a1b".into()),
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
        assert_eq!(
            VmMetadata::parse(&meta.to_element()),
            meta,
            "as set on a domain"
        );
        assert_eq!(VmMetadata::parse("<vm/>"), VmMetadata::default());
        assert_eq!(VmMetadata::parse("not xml"), VmMetadata::default());
    }
}
