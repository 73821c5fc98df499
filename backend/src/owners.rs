//! Who owns a VM: the stable user id in its domain's metadata. VMs made before ids are given
//! their owner's id when the server starts; a user's VMs are deleted or handed over with
//! the user, never left for a later user of the same name.

use crate::{
    error::ApiError,
    hypervisor::Pool,
    store::{Store, users},
};

/// Gives every VM that names its owner only by username the id of the user of that name
/// now (hosts offline at the time are done at the next start). Failures are logged.
pub async fn migrate(pool: &Pool, store: &Store) {
    let legacy: Vec<_> = pool
        .list_vms()
        .vms
        .into_iter()
        .filter(|vm| vm.owner_id.is_none())
        .filter_map(|vm| vm.owner.map(|owner| (vm.uuid, owner)))
        .collect();
    for (uuid, owner) in legacy {
        let name = owner.clone();
        let Ok(Some(user)) = store.run(move |c| users::by_name(c, &name)).await else {
            continue;
        };
        match pool.set_owner(&uuid, &owner, &user.uid).await {
            Ok(()) => tracing::info!(%uuid, %owner, "VM now owned by the user's id"),
            Err(err) => tracing::warn!(%uuid, %owner, error = %err, "VM owner not migrated"),
        }
    }
}

/// What becomes of a deleted user's VMs.
#[derive(Debug, Clone)]
pub enum Disposal {
    /// Deleted, with their disks.
    Delete,
    /// Owned from now on by this user (name and stable id).
    HandOver { to: String, to_uid: String },
}

/// Deletes or hands over every VM of the user with stable id `uid` (or, not yet migrated,
/// of name `username`); how many.
pub async fn dispose(
    pool: &Pool,
    uid: &str,
    username: &str,
    disposal: &Disposal,
) -> Result<usize, ApiError> {
    let theirs: Vec<_> = pool
        .list_vms()
        .vms
        .into_iter()
        .filter(|vm| match &vm.owner_id {
            Some(id) => id == uid,
            None => vm.owner.as_deref() == Some(username),
        })
        .collect();
    for vm in &theirs {
        match disposal {
            Disposal::Delete => pool.delete(&vm.uuid, true).await?,
            Disposal::HandOver { to, to_uid } => pool.set_owner(&vm.uuid, to, to_uid).await?,
        }
    }
    Ok(theirs.len())
}

/// How many VMs the user owns.
pub fn count(pool: &Pool, uid: &str, username: &str) -> usize {
    pool.list_vms()
        .vms
        .iter()
        .filter(|vm| match &vm.owner_id {
            Some(id) => id == uid,
            None => vm.owner.as_deref() == Some(username),
        })
        .count()
}
