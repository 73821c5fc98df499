//! Users' SSH public keys.

use rusqlite::{Connection, params};
use shared::SshKey;

use super::{StoreError, conflict_on_unique};

/// How many keys one user may keep.
pub const MAX_PER_USER: usize = 32;

/// A key to add: already validated.
pub struct NewKey<'a> {
    pub name: &'a str,
    pub public_key: &'a str,
    pub fingerprint: &'a str,
    pub created: u64,
}

pub fn list(conn: &Connection, user_id: i64) -> Result<Vec<SshKey>, StoreError> {
    let mut stmt = conn.prepare(
        "SELECT id, name, public_key, fingerprint, created_at FROM ssh_keys \
         WHERE user_id = ?1 ORDER BY id",
    )?;
    let rows = stmt.query_map([user_id], |r| {
        Ok(SshKey {
            id: r.get(0)?,
            name: r.get(1)?,
            public_key: r.get(2)?,
            fingerprint: r.get(3)?,
            created: r.get(4)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Adds a key; `Ok(None)` when the user has `MAX_PER_USER` already, `Conflict` when they have
/// this one.
pub fn insert(
    conn: &mut Connection,
    user_id: i64,
    key: &NewKey,
) -> Result<Option<SshKey>, StoreError> {
    let tx = conn.transaction()?;
    let count: usize = tx.query_row(
        "SELECT COUNT(*) FROM ssh_keys WHERE user_id = ?1",
        [user_id],
        |r| r.get(0),
    )?;
    if count >= MAX_PER_USER {
        return Ok(None);
    }
    tx.execute(
        "INSERT INTO ssh_keys (user_id, name, public_key, fingerprint, created_at) \
         VALUES (?1, ?2, ?3, ?4, ?5)",
        params![
            user_id,
            key.name,
            key.public_key,
            key.fingerprint,
            key.created
        ],
    )
    .map_err(conflict_on_unique)?;
    let id = tx.last_insert_rowid();
    tx.commit()?;
    Ok(Some(SshKey {
        id,
        name: key.name.to_owned(),
        public_key: key.public_key.to_owned(),
        fingerprint: key.fingerprint.to_owned(),
        created: key.created,
    }))
}

/// Removes one of the user's keys; false if they have no such key.
pub fn delete(conn: &Connection, user_id: i64, id: i64) -> Result<bool, StoreError> {
    Ok(conn.execute(
        "DELETE FROM ssh_keys WHERE id = ?1 AND user_id = ?2",
        [id, user_id],
    )? > 0)
}

/// The public key lines of a user, by name (for a new VM's seed).
pub fn lines_of(conn: &Connection, username: &str) -> Result<Vec<String>, StoreError> {
    let mut stmt = conn.prepare(
        "SELECT k.public_key FROM ssh_keys k JOIN users u ON u.id = k.user_id \
         WHERE u.username = ?1 ORDER BY k.id",
    )?;
    let rows = stmt.query_map([username], |r| r.get(0))?;
    Ok(rows.collect::<Result<_, _>>()?)
}
