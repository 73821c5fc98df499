//! Accounts and sessions: who is calling, and what they may do.

mod access;
pub mod bearer;
pub mod bootstrap;
pub mod cache;
pub mod csrf;
pub mod origin;
pub mod password;
pub mod session;
pub mod throttle;
pub mod tokens;

use std::time::{SystemTime, UNIX_EPOCH};

pub use access::Access;
use shared::{Quota, Role, TokenScope, User};

use store::{Store, StoreError, sessions::Expiry};
use throttle::Throttle;

use crate::owners::Viewer;

/// Session and account settings plus the login throttle.
pub struct Auth {
    pub store: Store,
    pub throttle: Throttle,
    pub expiry: Expiry,
    /// The quota a new user gets unless one is given.
    pub default_quota: Quota,
    /// Set the cookie's `Secure` flag (when served over TLS).
    pub secure_cookies: bool,
    /// Recently looked-up sessions.
    pub sessions: cache::SessionCache,
    /// Every password hash and check of the server goes through it.
    pub hashing: password::HashGate,
}

/// The logged-in caller, put into request extensions by the session middleware.
#[derive(Debug, Clone)]
pub struct CurrentUser {
    pub id: i64,
    /// The stable id VMs name their owner by.
    pub uid: String,
    pub user: User,
    /// The session token (so logout can end exactly this session), or the access token's
    /// secret.
    pub token: String,
    /// How the caller proved who they are.
    pub credential: Credential,
}

/// How the caller proved who they are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Credential {
    /// A session cookie (the browser).
    Session,
    /// A personal access token (`Authorization: Bearer`).
    Token {
        id: i64,
        scope: TokenScope,
        /// Unix seconds after which it no longer works.
        expires: i64,
    },
}

impl CurrentUser {
    pub fn is_admin(&self) -> bool {
        self.user.role == Role::Admin
    }

    /// Whose VMs this caller sees.
    pub fn viewer(&self) -> Viewer<'_> {
        Viewer {
            uid: &self.uid,
            username: &self.user.username,
            admin: self.is_admin(),
        }
    }

    /// Whether `vm` is this caller's own.
    pub fn owns(&self, vm: &shared::Vm) -> bool {
        self.viewer()
            .owns(vm.owner_id.as_deref(), vm.owner.as_deref())
    }

    /// Whether this caller may see `vm`: their own, or any for admins.
    pub fn may_see(&self, vm: &shared::Vm) -> bool {
        self.viewer()
            .may_see(vm.owner_id.as_deref(), vm.owner.as_deref())
    }
}

/// Seconds since the Unix epoch.
pub fn now_secs() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or_default()
}

/// Why a username is refused, if it is: 1-32 of letters, digits, `.`, `_`, `-`, starting
/// with a letter or digit.
pub fn check_username(name: &str) -> Result<(), String> {
    let ok_len = (1..=32).contains(&name.len());
    let ok_chars = name
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b));
    let ok_start = name
        .bytes()
        .next()
        .is_some_and(|b| b.is_ascii_alphanumeric());
    if ok_len && ok_chars && ok_start {
        Ok(())
    } else {
        Err(
            "a username is 1-32 letters, digits, '.', '_' or '-', starting with a letter or digit"
                .into(),
        )
    }
}

/// Adds a user with a checked name and password; `Conflict` if the name is taken.
pub async fn add_user(
    store: &Store,
    user: User,
    password: &str,
) -> Result<Result<User, String>, StoreError> {
    if let Err(why) = check_username(&user.username).and(password::check_new(password)) {
        return Ok(Err(why));
    }
    let hash = password::hash(password);
    add_hashed_user(store, user, &hash).await.map(Ok)
}

/// Adds a user whose name and password were checked and hashed already.
pub async fn add_hashed_user(store: &Store, user: User, hash: &str) -> Result<User, StoreError> {
    Ok(store.users().insert(&user, hash, now_secs()).await?.user)
}

/// A plain user with the smallest quota, for unit tests.
#[cfg(test)]
pub fn test_user(username: &str) -> User {
    User {
        username: username.into(),
        role: Role::User,
        language: shared::Language::En,
        quota: Quota {
            max_vms: 1,
            max_vcpus: 1,
            max_memory_mib: 1,
            max_disk_gib: 1,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::check_username;

    #[test]
    fn usernames_are_plain() {
        for ok in ["alice", "a", "bob.smith", "x_1-2"] {
            assert!(check_username(ok).is_ok(), "{ok}");
        }
        for bad in ["", ".alice", "a b", "<script>", "ü", &"a".repeat(33)] {
            assert!(check_username(bad).is_err(), "{bad}");
        }
    }
}
