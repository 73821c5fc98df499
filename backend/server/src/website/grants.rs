//! Who may see which VM's website: one-time entry tokens (short-lived, handed to the
//! desktop) and the site sessions they are exchanged for (a cookie of the VM's own origin).
//! Both bounded in number; only SHA-256 digests of the session cookies are kept.

use std::{
    collections::HashMap,
    sync::Mutex,
    time::{Duration, Instant},
};

use sha2::{Digest, Sha256};

/// How long an entry token may wait to be used.
pub const TOKEN_TTL: Duration = Duration::from_secs(60);
/// How long a site session lasts.
pub const SESSION_TTL: Duration = Duration::from_secs(8 * 3600);
/// Tokens and sessions kept at most, each (a flood of them is refused, not stored).
const MAX_ENTRIES: usize = 10_000;

/// A user's right to one VM's website.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grant {
    pub username: String,
    pub admin: bool,
    /// The VM's UUID.
    pub vm: String,
}

#[derive(Default)]
pub struct Grants {
    tokens: Mutex<HashMap<String, (Grant, Instant)>>,
    sessions: Mutex<HashMap<[u8; 32], (Grant, Instant)>>,
}

impl Grants {
    /// A new one-time entry token for `grant`, or `None` when too many are outstanding.
    pub fn token(&self, grant: Grant) -> Option<String> {
        insert(&self.tokens, random(), grant, TOKEN_TTL)
    }

    /// The grant of an entry token, which is spent by asking.
    pub fn redeem(&self, token: &str) -> Option<Grant> {
        let (grant, expires) = self.tokens.lock().expect("tokens").remove(token)?;
        (Instant::now() < expires).then_some(grant)
    }

    /// A new site session for `grant`: the cookie's value.
    pub fn open_session(&self, grant: Grant) -> Option<String> {
        let cookie = random();
        let mut sessions = self.sessions.lock().expect("sessions");
        let now = Instant::now();
        sessions.retain(|_, (_, expires)| *expires > now);
        if sessions.len() >= MAX_ENTRIES {
            return None;
        }
        sessions.insert(digest(&cookie), (grant, now + SESSION_TTL));
        Some(cookie)
    }

    /// The grant of a live site session.
    pub fn session(&self, cookie: &str) -> Option<Grant> {
        let sessions = self.sessions.lock().expect("sessions");
        let (grant, expires) = sessions.get(&digest(cookie))?;
        (Instant::now() < *expires).then(|| grant.clone())
    }
}

fn insert(
    map: &Mutex<HashMap<String, (Grant, Instant)>>,
    key: String,
    grant: Grant,
    ttl: Duration,
) -> Option<String> {
    let mut map = map.lock().expect("grants");
    let now = Instant::now();
    map.retain(|_, (_, expires)| *expires > now);
    if map.len() >= MAX_ENTRIES {
        return None;
    }
    map.insert(key.clone(), (grant, now + ttl));
    Some(key)
}

fn random() -> String {
    crate::auth::session::new_token()
}

fn digest(cookie: &str) -> [u8; 32] {
    Sha256::digest(cookie.as_bytes()).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn alice() -> Grant {
        Grant {
            username: "alice".into(),
            admin: false,
            vm: "a11ce".into(),
        }
    }

    #[test]
    fn a_token_is_spent_once_and_a_session_lasts() {
        let grants = Grants::default();
        let token = grants.token(alice()).unwrap();
        assert_eq!(grants.redeem(&token), Some(alice()));
        assert_eq!(grants.redeem(&token), None, "one time only");
        let cookie = grants.open_session(alice()).unwrap();
        assert_eq!(grants.session(&cookie), Some(alice()));
        assert_eq!(grants.session("forged"), None);
    }
}
