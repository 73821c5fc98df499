//! Quotas: what a user has (VMs at their maximum memory, their disks, their saved images and
//! snapshots) against what they may have, checked and then made under the user's own lock,
//! so concurrent requests cannot each see room for one more and together exceed it.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
};

use shared::{Quota, Vm};
use tokio::sync::{Mutex as AsyncMutex, OwnedMutexGuard};

use crate::{auth::CurrentUser, error::ApiError, state::AppState};

/// One async lock per user id, made on first use (a few bytes per user that ever asked).
#[derive(Default)]
pub struct UserLocks {
    locks: Mutex<HashMap<i64, Arc<AsyncMutex<()>>>>,
}

impl UserLocks {
    fn lock_of(&self, user_id: i64) -> Arc<AsyncMutex<()>> {
        let mut locks = self.locks.lock().expect("user locks");
        locks.entry(user_id).or_default().clone()
    }

    /// Waits for the user's lock.
    pub async fn lock(&self, user_id: i64) -> OwnedMutexGuard<()> {
        self.lock_of(user_id).lock_owned().await
    }

    /// The user's lock if nobody holds it.
    pub fn try_lock(&self, user_id: i64) -> Option<OwnedMutexGuard<()>> {
        self.lock_of(user_id).try_lock_owned().ok()
    }
}

/// What one more thing would add to a user's use.
#[derive(Debug, Clone, Copy, Default)]
pub struct Adding {
    pub vms: u32,
    pub cores: u32,
    pub memory_mib: u64,
    pub disk_gib: u64,
}

/// What the user uses now: their VMs (memory at each domain's maximum), their disks, each
/// snapshot at its VM's disk size (what it can grow to), their own saved images and their
/// ISOs (uploaded or uploading, in whole GiB).
pub async fn in_use(state: &AppState, me: &CurrentUser) -> Result<Adding, ApiError> {
    let own: Vec<Vm> = state.pool.list_vms_where(|vm| me.owns(vm)).vms;
    let images_gib = state.auth.store.images_disk_gib(me.id).await?;
    let mut snapshots_gib = 0;
    for vm in &own {
        if let Some(disk) = vm.disk_gib {
            // A host that does not answer now counts none: it is asked again next time.
            let taken = state.pool.snapshots(&vm.uuid).await.map_or(0, |s| s.len());
            snapshots_gib += taken as u64 * disk;
        }
    }
    Ok(Adding {
        vms: own.len() as u32,
        cores: own.iter().map(|vm| vm.cores).sum(),
        memory_mib: own.iter().map(|vm| vm.memory_mib).sum(),
        disk_gib: own.iter().filter_map(|vm| vm.disk_gib).sum::<u64>() + images_gib + snapshots_gib,
    })
}

/// Refuses `adding` when it would take the user past any limit of `quota`.
pub fn check(quota: &Quota, used: Adding, adding: Adding) -> Result<(), ApiError> {
    let refusal = if used.vms + adding.vms > quota.max_vms {
        Some(format!(
            "your quota allows {} VMs and you have {}",
            quota.max_vms, used.vms
        ))
    } else if used.cores + adding.cores > quota.max_vcpus {
        Some(format!(
            "your quota allows {} vCPUs and you use {}",
            quota.max_vcpus, used.cores
        ))
    } else if used.memory_mib + adding.memory_mib > quota.max_memory_mib {
        Some(format!(
            "your quota allows {} MiB and you use {}",
            quota.max_memory_mib, used.memory_mib
        ))
    } else if used.disk_gib + adding.disk_gib > quota.max_disk_gib {
        Some(format!(
            "your quota allows {} GiB of disk and you use {} (disks, snapshots, saved images)",
            quota.max_disk_gib, used.disk_gib
        ))
    } else {
        None
    };
    refusal.map_or(Ok(()), |why| Err(ApiError::QuotaExceeded(why)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn one_holder_per_user_at_a_time() {
        let locks = UserLocks::default();
        let held = locks.try_lock(1).expect("free");
        assert!(locks.try_lock(1).is_none(), "a second save waits its turn");
        assert!(locks.try_lock(2).is_some(), "another user's is their own");
        drop(held);
        assert!(locks.try_lock(1).is_some());
    }

    #[test]
    fn every_limit_refuses_with_its_reason() {
        let quota = Quota {
            max_vms: 2,
            max_vcpus: 4,
            max_memory_mib: 1024,
            max_disk_gib: 10,
        };
        let used = Adding {
            vms: 1,
            cores: 2,
            memory_mib: 512,
            disk_gib: 8,
        };
        let one = |f: fn(&mut Adding)| {
            let mut adding = Adding::default();
            f(&mut adding);
            check(&quota, used, adding).map_err(|e| e.to_string())
        };
        assert!(one(|a| a.vms = 1).is_ok());
        assert!(one(|a| a.vms = 2).unwrap_err().contains("VMs"));
        assert!(one(|a| a.cores = 3).unwrap_err().contains("vCPUs"));
        assert!(one(|a| a.memory_mib = 513).unwrap_err().contains("MiB"));
        assert!(one(|a| a.disk_gib = 3).unwrap_err().contains("snapshots"));
    }
}
