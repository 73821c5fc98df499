//! The SSH host key each VM showed the first time Ezilla connected to it (trust on first
//! use): later connections must see the same key.

use rusqlite::{Connection, OptionalExtension, params};

use super::StoreError;

/// The host key recorded for VM `uuid` (an OpenSSH public key line).
pub fn get(conn: &Connection, uuid: &str) -> Result<Option<String>, StoreError> {
    Ok(conn
        .query_row(
            "SELECT host_key FROM vm_host_keys WHERE vm_uuid = ?1",
            [uuid],
            |r| r.get(0),
        )
        .optional()?)
}

/// Records `key` as VM `uuid`'s host key unless one is recorded; returns the recorded one.
pub fn remember(conn: &Connection, uuid: &str, key: &str, now: u64) -> Result<String, StoreError> {
    conn.execute(
        "INSERT OR IGNORE INTO vm_host_keys (vm_uuid, host_key, seen_at) VALUES (?1, ?2, ?3)",
        params![uuid, key, now],
    )?;
    Ok(get(conn, uuid)?.unwrap_or_else(|| key.to_owned()))
}

/// Forgets VM `uuid`'s host key (the VM is gone).
pub fn forget(conn: &Connection, uuid: &str) -> Result<(), StoreError> {
    conn.execute("DELETE FROM vm_host_keys WHERE vm_uuid = ?1", [uuid])?;
    Ok(())
}
