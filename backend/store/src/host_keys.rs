//! The SSH host key each VM showed the first time Ezilla connected to it (trust on first
//! use): later connections must see the same key.

use rusqlite::{Connection, OptionalExtension, params};

use super::{Store, StoreError};

/// The host key recorded for VM `uuid` (an OpenSSH public key line).
pub(crate) fn get(conn: &Connection, uuid: &str) -> Result<Option<String>, StoreError> {
    Ok(conn
        .query_row(
            "SELECT host_key FROM vm_host_keys WHERE vm_uuid = ?1",
            [uuid],
            |r| r.get(0),
        )
        .optional()?)
}

/// Records `key` as VM `uuid`'s host key unless one is recorded; returns the recorded one.
pub(crate) fn remember(
    conn: &Connection,
    uuid: &str,
    key: &str,
    now: u64,
) -> Result<String, StoreError> {
    conn.execute(
        "INSERT OR IGNORE INTO vm_host_keys (vm_uuid, host_key, seen_at) VALUES (?1, ?2, ?3)",
        params![uuid, key, now],
    )?;
    Ok(get(conn, uuid)?.unwrap_or_else(|| key.to_owned()))
}

/// Forgets VM `uuid`'s host key (the VM is gone).
pub(crate) fn forget(conn: &Connection, uuid: &str) -> Result<(), StoreError> {
    conn.execute("DELETE FROM vm_host_keys WHERE vm_uuid = ?1", [uuid])?;
    Ok(())
}

/// VMs' SSH host keys, as first seen.
pub struct HostKeys<'a>(pub(crate) &'a Store);

impl HostKeys<'_> {
    pub async fn get(&self, uuid: &str) -> Result<Option<String>, StoreError> {
        let uuid = uuid.to_owned();
        self.0.run(move |c| get(c, &uuid)).await
    }

    /// Records the key unless one is recorded already; returns the recorded one.
    pub async fn remember(&self, uuid: &str, key: &str, now: u64) -> Result<String, StoreError> {
        let (uuid, key) = (uuid.to_owned(), key.to_owned());
        self.0.run(move |c| remember(c, &uuid, &key, now)).await
    }

    pub async fn forget(&self, uuid: &str) -> Result<(), StoreError> {
        let uuid = uuid.to_owned();
        self.0.run(move |c| forget(c, &uuid)).await
    }
}
