//! Personal access tokens. Like sessions, only a SHA-256 of each secret is stored, so a copy
//! of the database does not let anyone in.

use rusqlite::{Connection, OptionalExtension, params};
use sha2::{Digest, Sha256};
use shared::{AccessToken, TokenScope};

use super::{Store, StoreError, users::UserRecord};

/// How many tokens one user may keep.
pub const MAX_PER_USER: usize = 32;

fn secret_hash(secret: &str) -> Vec<u8> {
    Sha256::digest(secret.as_bytes()).to_vec()
}

fn scope_name(scope: TokenScope) -> &'static str {
    match scope {
        TokenScope::Read => "read",
        TokenScope::Write => "write",
    }
}

fn scope_of(name: &str) -> TokenScope {
    if name == "write" {
        TokenScope::Write
    } else {
        TokenScope::Read
    }
}

/// A token to add: its label checked, its secret freshly made.
pub struct NewToken {
    pub name: String,
    pub secret: String,
    pub scope: TokenScope,
    pub created: i64,
    pub expires: i64,
}

/// A live token's owner and what the token may do.
#[derive(Debug, Clone)]
pub struct TokenUser {
    pub token_id: i64,
    pub scope: TokenScope,
    pub expires: i64,
    pub user: UserRecord,
}

fn row_to_token(r: &rusqlite::Row) -> rusqlite::Result<AccessToken> {
    Ok(AccessToken {
        id: r.get(0)?,
        name: r.get(1)?,
        scope: scope_of(&r.get::<_, String>(2)?),
        created: r.get(3)?,
        expires: r.get(4)?,
        last_used: r.get(5)?,
    })
}

/// The user's tokens, expired ones included (so they can see why a tool stopped working).
pub(crate) fn list(conn: &Connection, user_id: i64) -> Result<Vec<AccessToken>, StoreError> {
    let mut stmt = conn.prepare(
        "SELECT id, name, scope, created_at, expires_at, last_used_at FROM access_tokens \
         WHERE user_id = ?1 ORDER BY id",
    )?;
    let rows = stmt.query_map([user_id], row_to_token)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Adds a token; `Ok(None)` when the user has `MAX_PER_USER` already.
pub(crate) fn insert(
    conn: &mut Connection,
    user_id: i64,
    token: &NewToken,
) -> Result<Option<AccessToken>, StoreError> {
    let tx = conn.transaction()?;
    let count: usize = tx.query_row(
        "SELECT COUNT(*) FROM access_tokens WHERE user_id = ?1",
        [user_id],
        |r| r.get(0),
    )?;
    if count >= MAX_PER_USER {
        return Ok(None);
    }
    tx.execute(
        "INSERT INTO access_tokens (user_id, name, token_hash, scope, created_at, expires_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![
            user_id,
            token.name,
            secret_hash(&token.secret),
            scope_name(token.scope),
            token.created,
            token.expires
        ],
    )?;
    let id = tx.last_insert_rowid();
    tx.commit()?;
    Ok(Some(AccessToken {
        id,
        name: token.name.clone(),
        scope: token.scope,
        created: token.created as u64,
        expires: token.expires as u64,
        last_used: None,
    }))
}

/// The owner of a live token, recording its use (to the minute) when `touch`; `None` for an
/// unknown, revoked or expired secret.
pub(crate) fn user_of(
    conn: &Connection,
    secret: &str,
    now: i64,
    touch: bool,
) -> Result<Option<TokenUser>, StoreError> {
    let hash = secret_hash(secret);
    let found = conn
        .query_row(
            "SELECT id, user_id, scope, expires_at, last_used_at FROM access_tokens \
             WHERE token_hash = ?1",
            [&hash],
            |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, i64>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, i64>(3)?,
                    r.get::<_, Option<i64>>(4)?,
                ))
            },
        )
        .optional()?;
    let Some((token_id, user_id, scope, expires, last_used)) = found else {
        return Ok(None);
    };
    if now >= expires {
        return Ok(None);
    }
    if touch && last_used.is_none_or(|at| now - at >= 60) {
        conn.execute(
            "UPDATE access_tokens SET last_used_at = ?2 WHERE id = ?1",
            params![token_id, now],
        )?;
    }
    Ok(super::users::by_id(conn, user_id)?.map(|user| TokenUser {
        token_id,
        scope: scope_of(&scope),
        expires,
        user,
    }))
}

/// Revokes one of the user's tokens; false if they have no such token.
pub(crate) fn delete(conn: &Connection, user_id: i64, id: i64) -> Result<bool, StoreError> {
    Ok(conn.execute(
        "DELETE FROM access_tokens WHERE id = ?1 AND user_id = ?2",
        [id, user_id],
    )? > 0)
}

/// Personal access tokens, by a SHA-256 of their secret.
pub struct AccessTokens<'a>(pub(crate) &'a Store);

impl AccessTokens<'_> {
    pub async fn list(&self, user_id: i64) -> Result<Vec<AccessToken>, StoreError> {
        self.0.run(move |c| list(c, user_id)).await
    }

    /// Adds a token; `None` when the user has `MAX_PER_USER` already.
    pub async fn insert(
        &self,
        user_id: i64,
        token: NewToken,
    ) -> Result<Option<AccessToken>, StoreError> {
        self.0.run(move |c| insert(c, user_id, &token)).await
    }

    /// The live token's owner and scope; `touch` records the use.
    pub async fn user_of(
        &self,
        secret: &str,
        now: i64,
        touch: bool,
    ) -> Result<Option<TokenUser>, StoreError> {
        let secret = secret.to_owned();
        self.0.run(move |c| user_of(c, &secret, now, touch)).await
    }

    pub async fn delete(&self, user_id: i64, id: i64) -> Result<bool, StoreError> {
        self.0.run(move |c| delete(c, user_id, id)).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn db() -> (Connection, i64, i64) {
        let mut conn = Connection::open_in_memory().unwrap();
        crate::migrations::apply(&mut conn).unwrap();
        let alice = crate::users::insert(&conn, &crate::users::plain_user("alice"), "h", 0)
            .unwrap()
            .id;
        let bob = crate::users::insert(&conn, &crate::users::plain_user("bob"), "h", 0)
            .unwrap()
            .id;
        (conn, alice, bob)
    }

    fn add(conn: &mut Connection, user: i64, secret: &str, expires: i64) -> AccessToken {
        let new = NewToken {
            name: "ci".into(),
            secret: secret.into(),
            scope: TokenScope::Read,
            created: 0,
            expires,
        };
        insert(conn, user, &new).unwrap().unwrap()
    }

    #[test]
    fn a_token_works_until_it_expires_and_only_its_hash_is_kept() {
        let (mut conn, alice, _) = db();
        add(&mut conn, alice, "ezilla_secret", 1_000);
        let found = user_of(&conn, "ezilla_secret", 999, false)
            .unwrap()
            .unwrap();
        assert_eq!(found.user.user.username, "alice");
        assert_eq!(found.scope, TokenScope::Read);
        assert!(
            user_of(&conn, "ezilla_secret", 1_000, false)
                .unwrap()
                .is_none()
        );
        assert!(user_of(&conn, "ezilla_other", 1, false).unwrap().is_none());
        let stored: Vec<u8> = conn
            .query_row("SELECT token_hash FROM access_tokens", [], |r| r.get(0))
            .unwrap();
        assert!(!String::from_utf8_lossy(&stored).contains("secret"));
    }

    #[test]
    fn use_is_recorded_to_the_minute() {
        let (mut conn, alice, _) = db();
        add(&mut conn, alice, "s", 10_000);
        user_of(&conn, "s", 100, false).unwrap();
        assert_eq!(list(&conn, alice).unwrap()[0].last_used, None, "a peek");
        user_of(&conn, "s", 100, true).unwrap();
        user_of(&conn, "s", 130, true).unwrap();
        assert_eq!(list(&conn, alice).unwrap()[0].last_used, Some(100));
        user_of(&conn, "s", 160, true).unwrap();
        assert_eq!(list(&conn, alice).unwrap()[0].last_used, Some(160));
    }

    #[test]
    fn only_the_owner_revokes_and_counts_are_bounded() {
        let (mut conn, alice, bob) = db();
        let token = add(&mut conn, alice, "s", 10_000);
        assert!(!delete(&conn, bob, token.id).unwrap(), "not bob's");
        assert!(delete(&conn, alice, token.id).unwrap());
        assert!(user_of(&conn, "s", 1, false).unwrap().is_none(), "revoked");
        for i in 0..MAX_PER_USER {
            add(&mut conn, bob, &format!("b{i}"), 10_000);
        }
        let new = NewToken {
            name: "one too many".into(),
            secret: "x".into(),
            scope: TokenScope::Write,
            created: 0,
            expires: 1,
        };
        assert!(insert(&mut conn, bob, &new).unwrap().is_none());
    }
}
