//! A VM installed from an ISO: a blank qcow2 disk beside the ISO, the ISO in the VM's CD
//! drive, booting from the CD first and from the disk after (BIOS), on the ISO's host. Any
//! failure undoes what was made.

use std::{sync::Arc, time::Duration};

use shared::{HypervisorKind, Vm};
use virt::{connect::Connect, storage_vol::StorageVol};

use super::{CreateError, Host, HostError, Pool, layout, metadata::VmMetadata, xml};

/// A VM to install, already validated and checked against the owner's quota.
#[derive(Debug, Clone)]
pub struct NewInstall {
    pub name: String,
    pub owner: String,
    pub owner_id: String,
    /// The OS label shown with the VM.
    pub os: String,
    pub cores: u32,
    pub memory_mib: u64,
    pub disk_gib: u64,
    /// The ISO's host, storage pool (the blank disk goes there too) and volume path.
    pub host: String,
    pub storage_pool: String,
    pub iso: String,
}

/// Starting QEMU on a busy host can take long (see `create`).
const BUILD_TIMEOUT: Duration = Duration::from_secs(120);

impl Pool {
    /// Creates and starts the VM on the ISO's host; the new VM's row.
    pub async fn install(&self, new: NewInstall) -> Result<Vm, CreateError> {
        if self.list_vms().vms.iter().any(|vm| vm.name == new.name) {
            return Err(CreateError::NameTaken(new.name));
        }
        let host = self
            .host(&new.host)
            .ok_or_else(|| CreateError::UnknownHost(new.host.clone()))?;
        if let Some(why) = host.shortfall(new.cores, new.memory_mib) {
            return Err(CreateError::NoCapacity {
                cores: new.cores,
                memory_mib: new.memory_mib,
                why,
            });
        }
        let uuid = build_on(&host, new).await?;
        self.changed();
        for _ in 0..3 {
            if let Some((_, vm)) = self.find_vm(&uuid) {
                return Ok(vm);
            }
            let _ = host.refresh().await;
        }
        Err(CreateError::Host(HostError::Unreachable(
            "the new VM does not show on its host".into(),
        )))
    }
}

async fn build_on(host: &Arc<Host>, new: NewInstall) -> Result<String, CreateError> {
    let domain_type = match HypervisorKind::of_uri(&host.uri) {
        HypervisorKind::Test => "test",
        _ => "qemu",
    };
    if domain_type == "qemu" {
        host.guard_guests().await?;
    }
    let (name, network) = (new.name.clone(), host.guest_network);
    let built = host
        .call_with_timeout(BUILD_TIMEOUT, move |_, conn| {
            build(conn, &new, domain_type, network)
        })
        .await;
    let _ = host.refresh().await;
    match built? {
        Some(uuid) => Ok(uuid),
        None => Err(CreateError::NameTaken(name)),
    }
}

/// Blank disk, then domain, then start; each failure removes what came before it. `None`
/// if a disk of the VM's name exists already.
fn build(
    conn: &Connect,
    new: &NewInstall,
    domain_type: &'static str,
    network: shared::GuestNetwork,
) -> Result<Option<String>, virt::error::Error> {
    let pool = conn.lookup_storage_pool_by_name(&new.storage_pool)?;
    let disk_name = format!("{}.qcow2", new.name);
    if pool.lookup_storage_vol_by_name(&disk_name).is_ok() {
        return Ok(None);
    }
    let blank = xml::standalone_volume(&disk_name, new.disk_gib << 30);
    let volume = StorageVol::create_xml(&pool, &blank, 0)?;
    let spec = xml::DomainSpec {
        domain_type,
        name: new.name.clone(),
        metadata: VmMetadata::made_now(&new.owner, &new.owner_id, &new.os, new.disk_gib),
        cores: new.cores,
        memory_mib: new.memory_mib,
        disk: volume.path()?,
        kernel_boot: None,
        serial_log: (domain_type == "qemu").then(|| layout::serial_log_path(&new.name)),
        network,
        forwards: Vec::new(),
        seed: None,
        install_media: Some(new.iso.clone()),
    };
    let domain = match conn.define_domain_xml(&spec.to_xml()) {
        Ok(domain) => domain,
        Err(err) => {
            let _ = volume.delete(0);
            return Err(err);
        }
    };
    if let Err(err) = domain.create() {
        let _ = domain.undefine();
        let _ = volume.delete(0);
        return Err(err);
    }
    domain.uuid_string().map(Some)
}
