//! The desktops table: one JSON document per user, with a version that every save bumps.

use rusqlite::{Connection, OptionalExtension, params};
use shared::{Desktop, VersionedDesktop};

use super::{Store, StoreError};

/// The user's desktop; version 0 and the defaults if never saved.
pub(crate) fn get(conn: &Connection, user_id: i64) -> Result<VersionedDesktop, StoreError> {
    let row: Option<(u64, String)> = conn
        .query_row(
            "SELECT version, state FROM desktops WHERE user_id = ?1",
            [user_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    Ok(match row {
        Some((version, state)) => VersionedDesktop {
            version,
            // A document this build cannot read (hand-edited) falls back to the defaults.
            desktop: serde_json::from_str(&state).unwrap_or_default(),
        },
        None => VersionedDesktop {
            version: 0,
            desktop: Desktop::default(),
        },
    })
}

/// Saves `desktop` if the stored version is still `expected`; `Ok(None)` if it is not.
pub(crate) fn put(
    conn: &mut Connection,
    user_id: i64,
    expected: u64,
    desktop: &Desktop,
) -> Result<Option<VersionedDesktop>, StoreError> {
    let state = serde_json::to_string(desktop).expect("a desktop serializes");
    let tx = conn.transaction()?;
    let current: u64 = tx
        .query_row(
            "SELECT version FROM desktops WHERE user_id = ?1",
            [user_id],
            |r| r.get(0),
        )
        .optional()?
        .unwrap_or(0);
    if current != expected {
        return Ok(None);
    }
    let version = current + 1;
    tx.execute(
        "INSERT INTO desktops (user_id, version, state) VALUES (?1, ?2, ?3)
         ON CONFLICT(user_id) DO UPDATE SET version = excluded.version, state = excluded.state",
        params![user_id, version, state],
    )?;
    tx.commit()?;
    Ok(Some(VersionedDesktop {
        version,
        desktop: desktop.clone(),
    }))
}

/// Each user's desktop layout, versioned.
pub struct Desktops<'a>(pub(crate) &'a Store);

impl Desktops<'_> {
    pub async fn get(&self, user_id: i64) -> Result<VersionedDesktop, StoreError> {
        self.0.run(move |c| get(c, user_id)).await
    }

    /// Stores the desktop if its version is still `expected`; `None` when it moved on.
    pub async fn put(
        &self,
        user_id: i64,
        expected: u64,
        desktop: &Desktop,
    ) -> Result<Option<VersionedDesktop>, StoreError> {
        let desktop = desktop.clone();
        self.0
            .run(move |c| put(c, user_id, expected, &desktop))
            .await
    }
}
