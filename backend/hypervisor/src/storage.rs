//! What admins browse of a host's storage: its pools with their free space, a pool's
//! volumes; and trying a URI before a host is added, with libvirt's reason if it fails.

use std::{sync::Arc, time::Duration};

use shared::{StoragePoolInfo, VolumeInfo};
use virt::connect::Connect;

use super::{Host, HostError};

/// Pools or volumes listed at most (a host with more shows the first ones, by name).
const MAX_LISTED: usize = 1000;

impl Host {
    /// The host's storage pools, by name.
    pub async fn storage_pools(self: &Arc<Self>) -> Result<Vec<StoragePoolInfo>, HostError> {
        self.call(|_, conn| {
            let mut pools = Vec::new();
            for pool in conn.list_all_storage_pools(0)? {
                let info = pool.info()?;
                pools.push(StoragePoolInfo {
                    name: pool.name()?,
                    active: pool.is_active()?,
                    capacity_bytes: info.capacity,
                    available_bytes: info.available,
                });
            }
            pools.sort_by(|a, b| a.name.cmp(&b.name));
            pools.truncate(MAX_LISTED);
            Ok(pools)
        })
        .await
    }

    /// The volumes of storage pool `pool`, by name (`None`: no such pool).
    pub async fn volumes(
        self: &Arc<Self>,
        pool: &str,
    ) -> Result<Option<Vec<VolumeInfo>>, HostError> {
        let pool = pool.to_owned();
        self.call(move |_, conn| {
            let Ok(pool) = conn.lookup_storage_pool_by_name(&pool) else {
                return Ok(None);
            };
            let mut volumes = Vec::new();
            for vol in pool.list_all_volumes(0)? {
                volumes.push(VolumeInfo {
                    name: vol.name()?,
                    capacity_bytes: vol.info()?.capacity,
                });
            }
            volumes.sort_by(|a, b| a.name.cmp(&b.name));
            volumes.truncate(MAX_LISTED);
            Ok(Some(volumes))
        })
        .await
    }
}

/// Opens `uri` once and asks libvirt's version: `Err` with libvirt's reason if it cannot be
/// reached within `timeout`.
pub async fn try_uri(uri: &str, timeout: Duration) -> Result<(), String> {
    let uri = uri.to_owned();
    let job = tokio::task::spawn_blocking(move || {
        let conn = Connect::open(Some(&uri)).map_err(|e| e.message().to_owned())?;
        conn.lib_version()
            .map(drop)
            .map_err(|e| e.message().to_owned())
    });
    match tokio::time::timeout(timeout, job).await {
        Ok(Ok(answer)) => answer,
        Ok(Err(panicked)) => Err(panicked.to_string()),
        Err(_) => Err(format!("no answer within {timeout:?}")),
    }
}
