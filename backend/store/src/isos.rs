//! The ISO library's table. A row is made when an upload starts (`complete` false: it counts
//! in its owner's quota but nobody can use it) and completed or deleted when the upload ends.
//! A user sees their own ISOs and the published ones; another user's private ISO is never
//! found.

use rusqlite::{Connection, OptionalExtension, Row, params};
use shared::Iso;

use super::{Store, StoreError, conflict_on_unique};

/// An ISO with where it lives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredIso {
    pub iso: Iso,
    pub owner_id: i64,
    pub storage_pool: String,
    pub volume: String,
    /// The volume's path on its host (what a VM's CD drive names).
    pub path: String,
}

const SELECT: &str = "SELECT i.id, i.name, u.username, i.host, i.bytes, i.sha256, i.public,
    i.owner_id, i.storage_pool, i.volume, i.path FROM isos i JOIN users u ON u.id = i.owner_id";

fn from_row(row: &Row<'_>) -> rusqlite::Result<StoredIso> {
    Ok(StoredIso {
        iso: Iso {
            id: row.get(0)?,
            name: row.get(1)?,
            owner: row.get(2)?,
            host: row.get(3)?,
            bytes: row.get(4)?,
            sha256: row.get(5)?,
            public: row.get(6)?,
        },
        owner_id: row.get(7)?,
        storage_pool: row.get(8)?,
        volume: row.get(9)?,
        path: row.get(10)?,
    })
}

/// The complete ISOs user `viewer` sees (theirs and the published ones), by name.
pub(crate) fn visible(conn: &Connection, viewer: i64) -> Result<Vec<StoredIso>, StoreError> {
    let sql = format!(
        "{SELECT} WHERE i.complete AND (i.owner_id = ?1 OR i.public) ORDER BY i.name, i.id"
    );
    let mut stmt = conn.prepare(&sql)?;
    let rows = stmt
        .query_map([viewer], from_row)?
        .collect::<Result<Vec<_>, _>>();
    Ok(rows?)
}

/// ISO `id` if `viewer` sees it (`None` viewer: an admin, who sees every complete one).
pub(crate) fn get(
    conn: &Connection,
    id: i64,
    viewer: Option<i64>,
) -> Result<Option<StoredIso>, StoreError> {
    let sql = format!("{SELECT} WHERE i.id = ?1 AND i.complete");
    let found = conn.query_row(&sql, [id], from_row).optional()?;
    Ok(found.filter(|f| viewer.is_none_or(|v| f.owner_id == v || f.iso.public)))
}

/// The id of the complete ISO stored at `path` on `host`, if any.
pub(crate) fn by_path(
    conn: &Connection,
    host: &str,
    path: &str,
) -> Result<Option<i64>, StoreError> {
    Ok(conn
        .query_row(
            "SELECT id FROM isos WHERE host = ?1 AND path = ?2 AND complete",
            params![host, path],
            |r| r.get(0),
        )
        .optional()?)
}

/// Bytes of the ISOs user `owner_id` has, finished or being uploaded.
pub(crate) fn own_bytes(conn: &Connection, owner_id: i64) -> Result<u64, StoreError> {
    Ok(conn.query_row(
        "SELECT COALESCE(SUM(bytes), 0) FROM isos WHERE owner_id = ?1",
        [owner_id],
        |r| r.get(0),
    )?)
}

/// Starts an upload's row; `Conflict` if the owner has an ISO of that name. Its id and its
/// volume's name, `ezilla-iso-ID-TAG.iso`: no name a user types reaches libvirt, and `tag`
/// (random) keeps two servers sharing a host apart.
pub(crate) fn begin(
    conn: &Connection,
    owner_id: i64,
    name: &str,
    host: &str,
    storage_pool: &str,
    bytes: u64,
    tag: &str,
) -> Result<(i64, String), StoreError> {
    conn.execute(
        "INSERT INTO isos (owner_id, name, host, storage_pool, volume, bytes)
         VALUES (?1, ?2, ?3, ?4, '', ?5)",
        params![owner_id, name, host, storage_pool, bytes],
    )
    .map_err(conflict_on_unique)?;
    let id = conn.last_insert_rowid();
    let volume = format!("ezilla-iso-{id}-{tag}.iso");
    conn.execute(
        "UPDATE isos SET volume = ?2 WHERE id = ?1",
        params![id, volume],
    )?;
    Ok((id, volume))
}

/// Marks an upload done, with its volume's path and the file's SHA-256.
pub(crate) fn complete(
    conn: &Connection,
    id: i64,
    path: &str,
    sha256: &str,
) -> Result<(), StoreError> {
    conn.execute(
        "UPDATE isos SET complete = 1, path = ?2, sha256 = ?3 WHERE id = ?1",
        params![id, path, sha256],
    )?;
    Ok(())
}

/// Deletes ISO `id`'s row (a failed upload's, or a deleted ISO's).
pub(crate) fn delete(conn: &Connection, id: i64) -> Result<(), StoreError> {
    conn.execute("DELETE FROM isos WHERE id = ?1", [id])?;
    Ok(())
}

/// Publishes ISO `id` to every user; whether there was such a complete ISO.
pub(crate) fn publish(conn: &Connection, id: i64) -> Result<bool, StoreError> {
    Ok(conn.execute(
        "UPDATE isos SET public = 1 WHERE id = ?1 AND complete",
        [id],
    )? == 1)
}

/// Rows of uploads that never finished (the server stopped during them): to be cleaned up
/// at start.
pub(crate) fn unfinished(conn: &Connection) -> Result<Vec<(i64, String, String)>, StoreError> {
    let mut stmt = conn.prepare("SELECT id, storage_pool, volume FROM isos WHERE NOT complete")?;
    let rows = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<Result<Vec<_>, _>>();
    Ok(rows?)
}

/// An upload about to start.
pub struct NewUpload {
    pub owner_id: i64,
    pub name: String,
    pub host: String,
    pub storage_pool: String,
    pub bytes: u64,
    pub tag: String,
}

/// The ISO library.
pub struct Isos<'a>(pub(crate) &'a Store);

impl Isos<'_> {
    pub async fn visible(&self, viewer: i64) -> Result<Vec<StoredIso>, StoreError> {
        self.0.run(move |c| visible(c, viewer)).await
    }

    /// The ISO if it is complete and `viewer` may see it (any viewer when `None`).
    pub async fn get(&self, id: i64, viewer: Option<i64>) -> Result<Option<StoredIso>, StoreError> {
        self.0.run(move |c| get(c, id, viewer)).await
    }

    pub async fn by_path(&self, host: &str, path: &str) -> Result<Option<i64>, StoreError> {
        let (host, path) = (host.to_owned(), path.to_owned());
        self.0.run(move |c| by_path(c, &host, &path)).await
    }

    /// Records an upload starting: its id and the volume's name.
    pub async fn begin(&self, upload: NewUpload) -> Result<(i64, String), StoreError> {
        self.0
            .run(move |c| {
                let NewUpload {
                    owner_id,
                    name,
                    host,
                    storage_pool,
                    bytes,
                    tag,
                } = &upload;
                begin(c, *owner_id, name, host, storage_pool, *bytes, tag)
            })
            .await
    }

    /// Marks the upload complete and returns the ISO it became.
    pub async fn complete(
        &self,
        id: i64,
        path: &str,
        sha256: &str,
    ) -> Result<Option<StoredIso>, StoreError> {
        let (path, sha256) = (path.to_owned(), sha256.to_owned());
        self.0
            .run(move |c| {
                complete(c, id, &path, &sha256)?;
                get(c, id, None)
            })
            .await
    }

    pub async fn delete(&self, id: i64) -> Result<(), StoreError> {
        self.0.run(move |c| delete(c, id)).await
    }

    pub async fn publish(&self, id: i64) -> Result<bool, StoreError> {
        self.0.run(move |c| publish(c, id)).await
    }

    /// Uploads never completed: id, storage pool and volume.
    pub async fn unfinished(&self) -> Result<Vec<(i64, String, String)>, StoreError> {
        self.0.run(|c| unfinished(c)).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Store;

    #[test]
    fn private_until_published_and_counted_while_uploading() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("db")).unwrap();
        store
            .run_blocking(|c| {
                let alice = crate::users::insert(c, &crate::users::plain_user("alice"), "x", 0)?.id;
                let bob = crate::users::insert(c, &crate::users::plain_user("bob"), "x", 0)?.id;
                let (id, volume) = begin(c, alice, "debian.iso", "one1", "isos", 3 << 20, "t")?;
                assert_eq!(volume, format!("ezilla-iso-{id}-t.iso"));
                assert_eq!(own_bytes(c, alice)?, 3 << 20, "counted while uploading");
                assert!(
                    get(c, id, Some(alice))?.is_none(),
                    "unusable until complete"
                );
                assert!(matches!(
                    begin(c, alice, "debian.iso", "one1", "isos", 1, "u"),
                    Err(StoreError::Conflict)
                ));
                complete(c, id, "/isos/x.iso", "ab")?;
                assert_eq!(by_path(c, "one1", "/isos/x.iso")?, Some(id));
                assert_eq!(by_path(c, "one2", "/isos/x.iso")?, None);
                assert_eq!(visible(c, alice)?.len(), 1);
                assert!(visible(c, bob)?.is_empty(), "bob sees none of alice's");
                assert!(get(c, id, Some(bob))?.is_none());
                assert!(publish(c, id)?);
                assert_eq!(get(c, id, Some(bob))?.unwrap().iso.owner, "alice");
                delete(c, id)?;
                assert_eq!(own_bytes(c, alice)?, 0);
                Ok(())
            })
            .unwrap();
    }
}
