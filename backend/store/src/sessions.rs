//! The sessions table. Only a SHA-256 of each session token is stored, so a copy of the
//! database does not let anyone log in.

use rusqlite::{Connection, OptionalExtension, params};
use sha2::{Digest, Sha256};
use shared::Language;

use super::{Store, StoreError, users, users::UserRecord};

fn token_hash(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

pub(crate) fn insert(
    conn: &Connection,
    token: &str,
    user_id: i64,
    now: i64,
) -> Result<(), StoreError> {
    conn.execute(
        "INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at)
         VALUES (?1, ?2, ?3, ?3)",
        params![token_hash(token), user_id, now],
    )?;
    Ok(())
}

/// Expiry rules, in seconds.
#[derive(Debug, Clone, Copy)]
pub struct Expiry {
    /// A session unused this long ends.
    pub idle: i64,
    /// A session this old ends, used or not.
    pub absolute: i64,
}

/// The user of a live session, touching its last-seen time (a request is activity);
/// expired sessions are deleted.
pub(crate) fn user_of(
    conn: &Connection,
    token: &str,
    now: i64,
    expiry: Expiry,
) -> Result<Option<UserRecord>, StoreError> {
    live_user(conn, token, now, expiry, true)
}

/// The user of a live session, without touching it: an open socket's own checks are not
/// activity, so a forgotten tab still lets its session idle out.
pub(crate) fn peek(
    conn: &Connection,
    token: &str,
    now: i64,
    expiry: Expiry,
) -> Result<Option<UserRecord>, StoreError> {
    live_user(conn, token, now, expiry, false)
}

fn live_user(
    conn: &Connection,
    token: &str,
    now: i64,
    expiry: Expiry,
    touch: bool,
) -> Result<Option<UserRecord>, StoreError> {
    let hash = token_hash(token);
    let found = conn
        .query_row(
            "SELECT user_id, created_at, last_seen_at FROM sessions WHERE token_hash = ?1",
            [&hash],
            |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, i64>(1)?,
                    r.get::<_, i64>(2)?,
                ))
            },
        )
        .optional()?;
    let Some((user_id, created, last_seen)) = found else {
        return Ok(None);
    };
    if now - created > expiry.absolute || now - last_seen > expiry.idle {
        conn.execute("DELETE FROM sessions WHERE token_hash = ?1", [&hash])?;
        return Ok(None);
    }
    // Touch at most once a minute: a write per request would make reads pay for durability.
    if touch && now - last_seen >= 60 {
        conn.execute(
            "UPDATE sessions SET last_seen_at = ?2 WHERE token_hash = ?1",
            params![hash, now],
        )?;
    }
    super::users::by_id(conn, user_id)
}

/// Ends a session; false if it did not exist.
pub(crate) fn delete(conn: &Connection, token: &str) -> Result<bool, StoreError> {
    Ok(conn.execute(
        "DELETE FROM sessions WHERE token_hash = ?1",
        [token_hash(token)],
    )? > 0)
}

/// Login sessions, by a SHA-256 of their token.
pub struct Sessions<'a>(pub(crate) &'a Store);

impl Sessions<'_> {
    /// Opens a session of `user_id`; with `language`, that is the user's language from now
    /// on. One trip to the database (a login is on a classroom's hot path).
    pub async fn open(
        &self,
        token: &str,
        user_id: i64,
        now: i64,
        language: Option<Language>,
    ) -> Result<(), StoreError> {
        let token = token.to_owned();
        self.0
            .run(move |c| {
                insert(c, &token, user_id, now)?;
                match language {
                    Some(language) => users::set_language(c, user_id, language),
                    None => Ok(()),
                }
            })
            .await
    }

    /// The session's user if it is live, marking it used now.
    pub async fn user_of(
        &self,
        token: &str,
        now: i64,
        expiry: Expiry,
    ) -> Result<Option<UserRecord>, StoreError> {
        let token = token.to_owned();
        self.0.run(move |c| user_of(c, &token, now, expiry)).await
    }

    /// The session's user if it is live, without marking it used.
    pub async fn peek(
        &self,
        token: &str,
        now: i64,
        expiry: Expiry,
    ) -> Result<Option<UserRecord>, StoreError> {
        let token = token.to_owned();
        self.0.run(move |c| peek(c, &token, now, expiry)).await
    }

    pub async fn delete(&self, token: &str) -> Result<bool, StoreError> {
        let token = token.to_owned();
        self.0.run(move |c| delete(c, &token)).await
    }
}

#[cfg(test)]
mod tests {
    use rusqlite::Connection;

    use super::*;

    const EXPIRY: Expiry = Expiry {
        idle: 100,
        absolute: 1_000,
    };

    fn db_with_session(token: &str) -> Connection {
        let mut conn = Connection::open_in_memory().unwrap();
        crate::migrations::apply(&mut conn).unwrap();
        let user = crate::users::plain_user("alice");
        let record = crate::users::insert(&conn, &user, "hash", 0).unwrap();
        insert(&conn, token, record.id, 0).unwrap();
        conn
    }

    #[test]
    fn idle_sessions_end() {
        let conn = db_with_session("t");
        assert!(user_of(&conn, "t", 90, EXPIRY).unwrap().is_some());
        assert!(
            user_of(&conn, "t", 185, EXPIRY).unwrap().is_some(),
            "touched at 90"
        );
        assert!(user_of(&conn, "t", 400, EXPIRY).unwrap().is_none());
        assert!(
            user_of(&conn, "t", 401, EXPIRY).unwrap().is_none(),
            "and is gone"
        );
    }

    #[test]
    fn peeking_is_not_activity() {
        let conn = db_with_session("t");
        assert!(peek(&conn, "t", 90, EXPIRY).unwrap().is_some());
        assert!(
            peek(&conn, "t", 101, EXPIRY).unwrap().is_none(),
            "not kept alive by the peek at 90"
        );
    }

    #[test]
    fn busy_sessions_end_at_the_absolute_limit() {
        let conn = db_with_session("t");
        for now in (60..=1_000).step_by(60) {
            assert!(user_of(&conn, "t", now, EXPIRY).unwrap().is_some(), "{now}");
        }
        assert!(user_of(&conn, "t", 1_001, EXPIRY).unwrap().is_none());
    }

    #[test]
    fn only_a_hash_of_the_token_is_stored() {
        let conn = db_with_session("secret-token");
        let stored: Vec<u8> = conn
            .query_row("SELECT token_hash FROM sessions", [], |r| r.get(0))
            .unwrap();
        assert_eq!(stored.len(), 32);
        assert!(!String::from_utf8_lossy(&stored).contains("secret-token"));
        assert!(user_of(&conn, "secret-token", 1, EXPIRY).unwrap().is_some());
        assert!(user_of(&conn, "other", 1, EXPIRY).unwrap().is_none());
    }
}
