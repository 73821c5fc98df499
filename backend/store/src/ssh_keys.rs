//! Users' SSH public keys.

use rusqlite::{Connection, params};
use shared::SshKey;

use super::{Store, StoreError, conflict_on_unique};

/// How many keys one user may keep.
pub const MAX_PER_USER: usize = 32;

/// A key to add: already validated.
pub struct NewKey {
    pub name: String,
    pub public_key: String,
    pub fingerprint: String,
    pub created: u64,
}

pub(crate) fn list(conn: &Connection, user_id: i64) -> Result<Vec<SshKey>, StoreError> {
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
pub(crate) fn insert(
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
        name: key.name.clone(),
        public_key: key.public_key.clone(),
        fingerprint: key.fingerprint.clone(),
        created: key.created,
    }))
}

/// Removes one of the user's keys; false if they have no such key.
pub(crate) fn delete(conn: &Connection, user_id: i64, id: i64) -> Result<bool, StoreError> {
    Ok(conn.execute(
        "DELETE FROM ssh_keys WHERE id = ?1 AND user_id = ?2",
        [id, user_id],
    )? > 0)
}

/// Users' SSH public keys.
pub struct SshKeys<'a>(pub(crate) &'a Store);

impl SshKeys<'_> {
    pub async fn list(&self, user_id: i64) -> Result<Vec<SshKey>, StoreError> {
        self.0.run(move |c| list(c, user_id)).await
    }

    /// Adds a key; `None` when the user has `MAX_PER_USER` already.
    pub async fn insert(&self, user_id: i64, key: NewKey) -> Result<Option<SshKey>, StoreError> {
        self.0.run(move |c| insert(c, user_id, &key)).await
    }

    pub async fn delete(&self, user_id: i64, id: i64) -> Result<bool, StoreError> {
        self.0.run(move |c| delete(c, user_id, id)).await
    }
}
