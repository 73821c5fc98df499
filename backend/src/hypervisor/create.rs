//! Creating a VM from a template: a copy-on-write qcow2 overlay of the template's base
//! volume, made through libvirt's storage API, then a domain defined and started on it.
//! Any failure undoes what was made: no orphan volume, no half-defined domain.

use std::{
    sync::Arc,
    time::{Duration, SystemTime, UNIX_EPOCH},
};

use shared::{GuestNetwork, HypervisorKind, Template, Vm};
use virt::{
    connect::Connect,
    enumutil::Enum,
    error::{Error, ErrorNumber},
    storage_vol::StorageVol,
};

use super::{Host, HostError, Pool, layout, metadata::VmMetadata, placement, xml};

/// A VM to create, already validated and checked against the owner's quota.
#[derive(Debug, Clone)]
pub struct NewVm {
    pub name: String,
    pub owner: String,
    /// The owner's stable id, kept in the domain's metadata.
    pub owner_id: String,
    pub template: Template,
    pub cores: u32,
    pub memory_mib: u64,
    /// The host the user picked, if any.
    pub host: Option<String>,
}

/// Why a VM was not created.
#[derive(Debug, thiserror::Error)]
pub enum CreateError {
    #[error("a VM or disk named {0} exists already")]
    NameTaken(String),
    #[error("no host named {0}")]
    UnknownHost(String),
    /// Every host with the template's disk is full; says how full.
    #[error("no host has room for {cores} vCPUs and {memory_mib} MiB: {why}")]
    NoCapacity {
        cores: u32,
        memory_mib: u64,
        why: String,
    },
    #[error("the template's disk is not on {0}")]
    TemplateMissing(String),
    #[error(transparent)]
    Host(#[from] HostError),
}

impl Pool {
    /// Creates and starts the VM on the picked host, or on the best host that fits and has
    /// the template's disk. Returns the new VM's row.
    pub async fn create(&self, new: NewVm) -> Result<Vm, CreateError> {
        if self.list_vms().vms.iter().any(|vm| vm.name == new.name) {
            return Err(CreateError::NameTaken(new.name));
        }
        let hosts = match &new.host {
            Some(name) => vec![
                self.host(name)
                    .ok_or_else(|| CreateError::UnknownHost(name.clone()))?,
            ],
            None => self
                .hosts()
                .into_iter()
                .filter(|h| h.info(false).online)
                .collect(),
        };
        // Only hosts that have the template's disk are candidates (asked all at once).
        let t = &new.template;
        let has_disk = futures_util::future::join_all(
            hosts
                .iter()
                .map(|h| h.has_volume(&t.storage_pool, &t.volume)),
        )
        .await;
        let hosts: Vec<_> = hosts
            .into_iter()
            .zip(has_disk)
            .filter_map(|(h, has)| has.then_some(h))
            .collect();
        if hosts.is_empty() {
            return Err(CreateError::TemplateMissing(match &new.host {
                Some(name) => format!("host {name}"),
                None => "any online host".into(),
            }));
        }
        let infos: Vec<_> = hosts.iter().map(|h| h.info(false)).collect();
        let candidates: Vec<_> = placement::rank(&infos, new.cores, new.memory_mib)
            .iter()
            .filter_map(|name| hosts.iter().find(|h| &h.name == name).cloned())
            .collect();
        if candidates.is_empty() {
            let why: Vec<_> = hosts
                .iter()
                .filter_map(|h| h.shortfall(new.cores, new.memory_mib))
                .collect();
            return Err(CreateError::NoCapacity {
                cores: new.cores,
                memory_mib: new.memory_mib,
                why: why.join("; "),
            });
        }
        let mut last = None;
        for host in candidates {
            match build_on(&host, new.clone()).await {
                Ok(uuid) => {
                    let _ = host.refresh().await;
                    self.changed();
                    return self.find_vm(&uuid).map(|(_, vm)| vm).ok_or_else(|| {
                        CreateError::Host(HostError::Unreachable("vanished after creation".into()))
                    });
                }
                // This host lacks the template's disk: the next one may have it.
                Err(CreateError::TemplateMissing(h)) => {
                    last = Some(CreateError::TemplateMissing(h))
                }
                Err(other) => return Err(other),
            }
        }
        Err(last.expect("at least one candidate was tried"))
    }
}

/// How long building a VM (its disk, its definition, its first start) may take. Starting
/// QEMU can take long on a busy host (or one whose libvirtd is still probing QEMU after a
/// restart): an answer cut short at the usual call timeout would say "no host is answering"
/// while the VM goes on being made.
const BUILD_TIMEOUT: Duration = Duration::from_secs(120);

async fn build_on(host: &Arc<Host>, new: NewVm) -> Result<String, CreateError> {
    let domain_type = match HypervisorKind::of_uri(&host.uri) {
        HypervisorKind::Test => "test",
        _ => "qemu",
    };
    let (host_name, name) = (host.name.clone(), new.name.clone());
    if domain_type == "qemu" {
        host.guard_guests().await?;
    }
    let network = host.guest_network;
    let built = host
        .call_with_timeout(BUILD_TIMEOUT, move |_, conn| {
            Ok(build(conn, &new, domain_type, network))
        })
        .await?;
    built.map_err(|err| match err {
        Built::DiskExists => CreateError::NameTaken(name),
        Built::Failed(e) if is_missing_storage(&e) => CreateError::TemplateMissing(host_name),
        Built::Failed(e) => CreateError::Host(HostError::Libvirt(e)),
    })
}

/// Why `build` made nothing.
enum Built {
    /// A volume of the VM's disk name is in the pool already (a disk kept from a deleted VM).
    DiskExists,
    Failed(Error),
}

impl From<Error> for Built {
    fn from(err: Error) -> Self {
        Self::Failed(err)
    }
}

fn is_missing_storage(err: &Error) -> bool {
    matches!(
        err.code(),
        Enum::Known(ErrorNumber::NoStoragePool | ErrorNumber::NoStorageVolume)
    )
}

/// Overlay volume, then domain, then start; each failure removes what came before it.
fn build(
    conn: &Connect,
    new: &NewVm,
    domain_type: &'static str,
    network: GuestNetwork,
) -> Result<String, Built> {
    let t = &new.template;
    let pool = conn.lookup_storage_pool_by_name(&t.storage_pool)?;
    let base = pool.lookup_storage_vol_by_name(&t.volume)?;
    let base_format = xml::volume_format(&base.xml_desc(0)?).unwrap_or_else(|| "raw".into());
    let disk_name = format!("{}.qcow2", new.name);
    if pool.lookup_storage_vol_by_name(&disk_name).is_ok() {
        return Err(Built::DiskExists);
    }
    let overlay = xml::overlay_volume(&disk_name, t.disk_gib << 30, &base.path()?, &base_format);
    let volume = StorageVol::create_xml(&pool, &overlay, 0)?;
    let spec = xml::DomainSpec {
        domain_type,
        name: new.name.clone(),
        metadata: VmMetadata {
            owner: Some(new.owner.clone()),
            owner_id: Some(new.owner_id.clone()),
            os: Some(t.os.clone()),
            created: SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .ok()
                .map(|d| d.as_secs()),
            disk_gib: Some(t.disk_gib),
        },
        cores: new.cores,
        memory_mib: new.memory_mib,
        disk: volume.path()?,
        kernel_boot: t.kernel_boot.clone(),
        serial_log: (domain_type == "qemu").then(|| layout::serial_log_path(&new.name)),
        network,
    };
    let domain = match conn.define_domain_xml(&spec.to_xml()) {
        Ok(domain) => domain,
        Err(err) => {
            let _ = volume.delete(0);
            return Err(err.into());
        }
    };
    if let Err(err) = domain.create() {
        let _ = domain.undefine();
        let _ = volume.delete(0);
        return Err(err.into());
    }
    Ok(domain.uuid_string()?)
}
