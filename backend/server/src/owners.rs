//! Who owns a VM: the stable user id in its domain's metadata. VMs made before ids are given
//! their owner's id when the server starts; a user's VMs are deleted or handed over with
//! the user, never left for a later user of the same name.

use hypervisor::{ActionError, Pool};
use store::Store;

/// Whose VMs a caller sees: a user's own (by stable id and name), or every VM for an admin.
#[derive(Debug, Clone, Copy)]
pub struct Viewer<'a> {
    pub uid: &'a str,
    pub username: &'a str,
    pub admin: bool,
}

impl Viewer<'_> {
    /// Whether a VM whose metadata names `owner_id` (and `owner`) is this user's: by the
    /// stable id; by the name only for VMs not yet given one (made before ids, their host
    /// offline when the server started).
    pub fn owns(&self, owner_id: Option<&str>, owner: Option<&str>) -> bool {
        match owner_id {
            Some(id) => id == self.uid,
            None => owner == Some(self.username),
        }
    }

    /// Whether this caller may see such a VM: their own, or any for admins.
    pub fn may_see(&self, owner_id: Option<&str>, owner: Option<&str>) -> bool {
        self.admin || self.owns(owner_id, owner)
    }
}

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
        let Ok(Some(user)) = store.users().by_name(&name).await else {
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
) -> Result<usize, ActionError> {
    let user = Viewer {
        uid,
        username,
        admin: false,
    };
    let theirs: Vec<_> = pool
        .list_vms()
        .vms
        .into_iter()
        .filter(|vm| user.owns(vm.owner_id.as_deref(), vm.owner.as_deref()))
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
    let user = Viewer {
        uid,
        username,
        admin: false,
    };
    pool.list_vms()
        .vms
        .iter()
        .filter(|vm| user.owns(vm.owner_id.as_deref(), vm.owner.as_deref()))
        .count()
}
