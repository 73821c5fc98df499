//! The server's own SSH key of each user: its public half, and its private half sealed (see
//! `ssh::vault`); at most one per user, made the first time it is needed.

use rusqlite::{Connection, OptionalExtension, params};

use super::{Store, StoreError};

/// A user's key as kept: the OpenSSH public line and the sealed private half.
pub struct StoredIdentity {
    pub public_key: String,
    pub sealed: Vec<u8>,
}

pub(crate) fn get(conn: &Connection, user_id: i64) -> Result<Option<StoredIdentity>, StoreError> {
    Ok(conn
        .query_row(
            "SELECT public_key, sealed FROM ssh_identities WHERE user_id = ?1",
            [user_id],
            |r| {
                Ok(StoredIdentity {
                    public_key: r.get(0)?,
                    sealed: r.get(1)?,
                })
            },
        )
        .optional()?)
}

/// Keeps `new` as the user's key unless they have one already; returns the one they have.
pub(crate) fn get_or_insert(
    conn: &mut Connection,
    user_id: i64,
    new: StoredIdentity,
) -> Result<StoredIdentity, StoreError> {
    let tx = conn.transaction()?;
    tx.execute(
        "INSERT OR IGNORE INTO ssh_identities (user_id, public_key, sealed) VALUES (?1, ?2, ?3)",
        params![user_id, new.public_key, new.sealed],
    )?;
    let kept = get(&tx, user_id)?.ok_or(StoreError::from(rusqlite::Error::QueryReturnedNoRows))?;
    tx.commit()?;
    Ok(kept)
}

/// The server's per-user SSH keys, their private halves sealed.
pub struct SshIdentities<'a>(pub(crate) &'a Store);

impl SshIdentities<'_> {
    pub async fn get(&self, user_id: i64) -> Result<Option<StoredIdentity>, StoreError> {
        self.0.run(move |c| get(c, user_id)).await
    }

    /// The user's identity, `new` stored first if they had none.
    pub async fn get_or_insert(
        &self,
        user_id: i64,
        new: StoredIdentity,
    ) -> Result<StoredIdentity, StoreError> {
        self.0.run(move |c| get_or_insert(c, user_id, new)).await
    }
}
