//! The users table.

use rusqlite::{Connection, OptionalExtension, Row, params};
use shared::{Language, Quota, Role, User};

use super::{Store, StoreError, conflict_on_unique};

/// A user row: the API's view plus what stays on the server.
#[derive(Debug, Clone)]
pub struct UserRecord {
    pub id: i64,
    /// The stable id VMs name their owner by (random, never reused).
    pub uid: String,
    pub user: User,
    pub password_hash: String,
}

const COLUMNS: &str = "id, username, role, language, max_vms, max_vcpus, max_memory_mib, \
    max_disk_gib, password_hash, uid";

fn from_row(row: &Row<'_>) -> rusqlite::Result<UserRecord> {
    let role: String = row.get(2)?;
    let language: String = row.get(3)?;
    Ok(UserRecord {
        id: row.get(0)?,
        user: User {
            username: row.get(1)?,
            role: Role::parse(&role).unwrap_or(Role::User),
            language: Language::from_tag(&language).unwrap_or_default(),
            quota: Quota {
                max_vms: row.get(4)?,
                max_vcpus: row.get(5)?,
                max_memory_mib: row.get(6)?,
                max_disk_gib: row.get(7)?,
            },
        },
        password_hash: row.get(8)?,
        uid: row.get(9)?,
    })
}

/// Adds a user; `Conflict` if the name is taken.
pub(crate) fn insert(
    conn: &Connection,
    user: &User,
    password_hash: &str,
    now: i64,
) -> Result<UserRecord, StoreError> {
    let q = user.quota;
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).expect("OS randomness");
    let uid: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    conn.execute(
        "INSERT INTO users (username, password_hash, role, language, max_vms, max_vcpus,
                            max_memory_mib, max_disk_gib, created_at, uid)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        params![
            user.username,
            password_hash,
            user.role.as_str(),
            user.language.tag(),
            q.max_vms,
            q.max_vcpus,
            q.max_memory_mib,
            q.max_disk_gib,
            now,
            uid
        ],
    )
    .map_err(conflict_on_unique)?;
    Ok(UserRecord {
        id: conn.last_insert_rowid(),
        uid,
        user: user.clone(),
        password_hash: password_hash.into(),
    })
}

pub(crate) fn by_name(conn: &Connection, username: &str) -> Result<Option<UserRecord>, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM users WHERE username = ?1");
    Ok(conn.query_row(&sql, [username], from_row).optional()?)
}

pub(crate) fn by_id(conn: &Connection, id: i64) -> Result<Option<UserRecord>, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM users WHERE id = ?1");
    Ok(conn.query_row(&sql, [id], from_row).optional()?)
}

pub(crate) fn list(conn: &Connection) -> Result<Vec<User>, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM users ORDER BY username");
    let mut stmt = conn.prepare(&sql)?;
    let rows = stmt.query_map([], |row| from_row(row).map(|r| r.user))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub(crate) fn count(conn: &Connection) -> Result<u64, StoreError> {
    Ok(conn.query_row("SELECT COUNT(*) FROM users", [], |r| r.get(0))?)
}

/// Deletes a user and (by cascade) their sessions; the id they had, `None` if there was no
/// such user.
pub(crate) fn delete(conn: &Connection, username: &str) -> Result<Option<i64>, StoreError> {
    Ok(conn
        .query_row(
            "DELETE FROM users WHERE username = ?1 RETURNING id",
            [username],
            |r| r.get(0),
        )
        .optional()?)
}

/// Sets a new password hash, ends every session of the user and revokes their access tokens;
/// false if no such user.
pub(crate) fn set_password_hash(
    conn: &mut Connection,
    username: &str,
    hash: &str,
) -> Result<bool, StoreError> {
    let tx = conn.transaction()?;
    let changed = tx.execute(
        "UPDATE users SET password_hash = ?2 WHERE username = ?1",
        params![username, hash],
    )?;
    for table in ["sessions", "access_tokens"] {
        tx.execute(
            &format!(
                "DELETE FROM {table} WHERE user_id = (SELECT id FROM users WHERE username = ?1)"
            ),
            [username],
        )?;
    }
    tx.commit()?;
    Ok(changed > 0)
}

pub(crate) fn set_quota(conn: &Connection, username: &str, q: Quota) -> Result<bool, StoreError> {
    Ok(conn.execute(
        "UPDATE users SET max_vms = ?2, max_vcpus = ?3, max_memory_mib = ?4, max_disk_gib = ?5
         WHERE username = ?1",
        params![
            username,
            q.max_vms,
            q.max_vcpus,
            q.max_memory_mib,
            q.max_disk_gib
        ],
    )? > 0)
}

pub(crate) fn set_language(
    conn: &Connection,
    user_id: i64,
    language: Language,
) -> Result<(), StoreError> {
    conn.execute(
        "UPDATE users SET language = ?2 WHERE id = ?1",
        params![user_id, language.tag()],
    )?;
    Ok(())
}

/// A plain user with the smallest quota, for unit tests.
#[cfg(test)]
pub(crate) fn plain_user(username: &str) -> User {
    User {
        username: username.into(),
        role: shared::Role::User,
        language: shared::Language::En,
        quota: shared::Quota {
            max_vms: 1,
            max_vcpus: 1,
            max_memory_mib: 1,
            max_disk_gib: 1,
        },
    }
}

/// The user accounts.
pub struct Users<'a>(pub(crate) &'a Store);

impl Users<'_> {
    /// Adds a user; `Conflict` if the name is taken.
    pub async fn insert(
        &self,
        user: &User,
        password_hash: &str,
        now: i64,
    ) -> Result<UserRecord, StoreError> {
        let (user, hash) = (user.clone(), password_hash.to_owned());
        self.0.run(move |c| insert(c, &user, &hash, now)).await
    }

    pub async fn by_name(&self, username: &str) -> Result<Option<UserRecord>, StoreError> {
        let username = username.to_owned();
        self.0.run(move |c| by_name(c, &username)).await
    }

    pub async fn list(&self) -> Result<Vec<User>, StoreError> {
        self.0.run(|c| list(c)).await
    }

    pub async fn count(&self) -> Result<u64, StoreError> {
        self.0.run(|c| count(c)).await
    }

    /// Deletes the user, returning their id if they existed.
    pub async fn delete(&self, username: &str) -> Result<Option<i64>, StoreError> {
        let username = username.to_owned();
        self.0.run(move |c| delete(c, &username)).await
    }

    /// Sets the password hash and ends the user's sessions and tokens; false if no such user.
    pub async fn set_password_hash(&self, username: &str, hash: &str) -> Result<bool, StoreError> {
        let (username, hash) = (username.to_owned(), hash.to_owned());
        self.0
            .run(move |c| set_password_hash(c, &username, &hash))
            .await
    }

    pub async fn set_quota(&self, username: &str, quota: Quota) -> Result<bool, StoreError> {
        let username = username.to_owned();
        self.0.run(move |c| set_quota(c, &username, quota)).await
    }

    pub async fn set_language(&self, user_id: i64, language: Language) -> Result<(), StoreError> {
        self.0
            .run(move |c| set_language(c, user_id, language))
            .await
    }
}
