//! Save as image: a full copy of a shut-off VM's disk as a new standalone volume beside it,
//! to become a template. The VM stays as it is. And deleting such a copy.

use shared::KernelBoot;
use virt::{domain::DomainState, enumutil::Enum, storage_vol::StorageVol};

use super::{ActionError, Pool, domains, xml};

/// Copying a disk can take long; libvirt gets this much time for it.
const COPY_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(30 * 60);

/// Where the copy went, and what a template made from it needs.
#[derive(Debug, Clone)]
pub struct SavedImage {
    pub storage_pool: String,
    pub volume: String,
    pub disk_gib: u64,
    pub cores: u32,
    pub memory_mib: u64,
    pub kernel_boot: Option<KernelBoot>,
    /// The VM had a cloud-init seed, so its copy runs cloud-init too.
    pub cloud_init: bool,
}

impl Pool {
    /// Copies the VM's first disk into a new qcow2 volume `volume` in the same storage pool.
    pub async fn save_image(&self, uuid: &str, volume: &str) -> Result<SavedImage, ActionError> {
        let (host, vm) = self.find_vm(uuid).ok_or(ActionError::NotFound)?;
        let (id, volume) = (uuid.to_owned(), volume.to_owned());
        let saved = host
            .call_with_timeout(COPY_TIMEOUT, move |_, conn| {
                let dom = conn.lookup_domain_by_uuid_string(&id)?;
                if !matches!(dom.state()?.0, Enum::Known(DomainState::Shutoff)) {
                    return Ok(Err(ActionError::InvalidState));
                }
                let desc = dom.xml_desc(0)?;
                let Some(disk) = xml::disk_files(&desc).into_iter().next() else {
                    return Ok(Err(ActionError::Conflict(
                        "the VM has no disk to save".into(),
                    )));
                };
                let source = conn.lookup_storage_vol_by_path(&disk)?;
                let pool = source.lookup_storage_pool()?;
                if pool.lookup_storage_vol_by_name(&volume).is_ok() {
                    return Ok(Err(ActionError::Conflict(format!(
                        "a disk named {volume} exists"
                    ))));
                }
                let capacity = source.info()?.capacity;
                let copy = StorageVol::create_xml_from(
                    &pool,
                    &xml::standalone_volume(&volume, capacity),
                    &source,
                    0,
                )?;
                Ok(Ok(SavedImage {
                    storage_pool: pool.name()?,
                    volume: copy.name()?,
                    disk_gib: capacity.div_ceil(1 << 30).max(1),
                    cores: vm.cores,
                    memory_mib: vm.memory_mib,
                    kernel_boot: xml::kernel_boot(&desc),
                    cloud_init: xml::has_seed(&desc),
                }))
            })
            .await;
        saved?
    }
}

impl Pool {
    /// Deletes the volume `volume` of storage pool `storage_pool` on every host that has it;
    /// whether any had it. A host that does not answer keeps its copy.
    pub async fn delete_volume(&self, storage_pool: &str, volume: &str) -> bool {
        let mut deleted = false;
        for host in self.hosts() {
            let (pool, vol) = (storage_pool.to_owned(), volume.to_owned());
            let gone = host
                .call(move |_, conn| {
                    let Ok(pool) = conn.lookup_storage_pool_by_name(&pool) else {
                        return Ok(false);
                    };
                    match pool.lookup_storage_vol_by_name(&vol) {
                        Ok(vol) => vol.delete(0).map(|()| true),
                        Err(_) => Ok(false),
                    }
                })
                .await;
            deleted |= gone.unwrap_or(false);
        }
        deleted
    }
}

impl Pool {
    /// The names of the VMs, on every host that answers, whose disk is an overlay of the
    /// volume `volume` of storage pool `storage_pool` (a template's base).
    pub async fn vms_backed_by(&self, storage_pool: &str, volume: &str) -> Vec<String> {
        let mut names = Vec::new();
        for host in self.hosts() {
            let (pool, vol) = (storage_pool.to_owned(), volume.to_owned());
            let found = host
                .call(move |_, conn| {
                    let Ok(base) = conn
                        .lookup_storage_pool_by_name(&pool)
                        .and_then(|p| p.lookup_storage_vol_by_name(&vol))
                    else {
                        return Ok(Vec::new());
                    };
                    let base = base.path()?;
                    domains::names_where(conn, |desc| {
                        xml::disk_files(desc).iter().any(|file| {
                            conn.lookup_storage_vol_by_path(file)
                                .and_then(|v| v.xml_desc(0))
                                .is_ok_and(|x| xml::backing_path(&x).as_deref() == Some(&base))
                        })
                    })
                })
                .await;
            names.extend(found.unwrap_or_default());
        }
        names.sort();
        names
    }
}

impl super::Host {
    /// Whether this host has the volume `volume` in storage pool `storage_pool` (no, if it
    /// does not answer).
    pub async fn has_volume(self: &std::sync::Arc<Self>, storage_pool: &str, volume: &str) -> bool {
        let (pool, vol) = (storage_pool.to_owned(), volume.to_owned());
        self.call(move |_, conn| {
            Ok(conn
                .lookup_storage_pool_by_name(&pool)
                .and_then(|pool| pool.lookup_storage_vol_by_name(&vol))
                .is_ok())
        })
        .await
        .unwrap_or(false)
    }
}
