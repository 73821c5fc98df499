//! The ISO library: installation media a user uploaded, private to them unless an admin
//! published it.

use serde::{Deserialize, Serialize};

/// The largest upload the server takes unless configured otherwise (`iso_max_bytes`).
pub const DEFAULT_MAX_BYTES: u64 = 8 << 30;

/// Where ISO 9660's first volume descriptor says `CD001`: byte 1 of sector 16.
pub const SIGNATURE_OFFSET: usize = 0x8001;
/// The signature of an ISO 9660 volume descriptor.
pub const SIGNATURE: &[u8; 5] = b"CD001";

/// Whether `head` (at least the first `SIGNATURE_OFFSET + 5` bytes of a file) is the start
/// of an ISO 9660 image.
pub fn is_iso9660(head: &[u8]) -> bool {
    head.get(SIGNATURE_OFFSET..SIGNATURE_OFFSET + SIGNATURE.len()) == Some(SIGNATURE)
}

/// One ISO of the library.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct Iso {
    pub id: i64,
    /// The name it was uploaded as.
    pub name: String,
    /// Who uploaded it.
    pub owner: String,
    /// The host whose storage holds it (VMs made from it run there).
    pub host: String,
    pub bytes: u64,
    /// Lower-case hex SHA-256 of the whole file, to compare with the publisher's.
    pub sha256: String,
    /// Published by an admin: every user sees it and may boot from it.
    pub public: bool,
}

/// The query of an upload: the name to keep it as and, optionally, the host to keep it on
/// (the first online host otherwise).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct IsoUpload {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host: Option<String>,
}

/// A VM to install from an ISO: a blank disk of `disk_gib`, the ISO in its CD drive.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct InstallVm {
    pub name: String,
    pub cores: u32,
    pub memory_mib: u64,
    pub disk_gib: u64,
}

/// The CD drive of a VM: the ISO to insert, or none to eject.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct CdMedia {
    pub iso: Option<i64>,
}

/// Which device a VM boots from first; it tries the other after it. A change takes effect at
/// the VM's next start.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum BootDevice {
    Disk,
    Cdrom,
}

/// `GET/PUT /api/v1/vms/{id}/boot`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct BootOrder {
    pub first: BootDevice,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_signature_is_read_from_sector_16() {
        let mut head = vec![0u8; SIGNATURE_OFFSET + 5];
        assert!(!is_iso9660(&head));
        head[SIGNATURE_OFFSET..].copy_from_slice(b"CD001");
        assert!(is_iso9660(&head));
        assert!(!is_iso9660(&head[..SIGNATURE_OFFSET + 4]), "too short");
    }
}
