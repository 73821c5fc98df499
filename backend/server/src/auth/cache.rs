//! Sessions looked up in the last few seconds, so that a busy client does not queue on the
//! database for every request. Logout, a password reset, a quota change and a deleted user
//! drop their entries at once; so does any write to the database by another process (the
//! `ezilla user` commands), seen within `OTHER_WRITERS_POLL`; anything else the database
//! decides within `FRESH`.

use std::{
    collections::HashMap,
    sync::Mutex,
    time::{Duration, Instant},
};

use super::CurrentUser;

/// How long a looked-up session is trusted without asking the database again.
pub const FRESH: Duration = Duration::from_secs(5);
/// More sessions than this and the cache starts over (memory stays bounded).
const MAX_ENTRIES: usize = 10_000;
/// How often the database is asked whether another process wrote to it (SQLite's
/// `data_version`: an in-memory counter, no disk read).
pub const OTHER_WRITERS_POLL: Duration = Duration::from_millis(250);

#[derive(Default)]
pub struct SessionCache {
    entries: Mutex<HashMap<String, (Instant, CurrentUser)>>,
}

impl SessionCache {
    /// The session's user, if looked up less than `FRESH` ago.
    pub fn get(&self, token: &str, now: Instant) -> Option<CurrentUser> {
        let entries = self.entries.lock().expect("session cache lock");
        let (at, user) = entries.get(token)?;
        (now.duration_since(*at) < FRESH).then(|| user.clone())
    }

    pub fn put(&self, user: CurrentUser, now: Instant) {
        let mut entries = self.entries.lock().expect("session cache lock");
        if entries.len() >= MAX_ENTRIES {
            entries.retain(|_, (at, _)| now.duration_since(*at) < FRESH);
        }
        entries.insert(user.token.clone(), (now, user));
    }

    /// Forgets one session (logout).
    pub fn forget_token(&self, token: &str) {
        self.entries
            .lock()
            .expect("session cache lock")
            .remove(token);
    }

    /// Forgets every session.
    pub fn clear(&self) {
        self.entries.lock().expect("session cache lock").clear();
    }

    /// Forgets every session of a user (password reset, quota change, deletion).
    pub fn forget_user(&self, username: &str) {
        self.entries
            .lock()
            .expect("session cache lock")
            .retain(|_, (_, u)| u.user.username != username);
    }
}

/// Clears `auth`'s session cache whenever another process (an `ezilla user` command) has
/// written to the database, so a password reset there ends sessions at once; ends with `auth`.
pub fn watch_other_writers(auth: std::sync::Weak<super::Auth>) {
    tokio::spawn(async move {
        let mut last = None;
        let mut tick = tokio::time::interval(OTHER_WRITERS_POLL);
        loop {
            tick.tick().await;
            let Some(auth) = auth.upgrade() else { return };
            let version = auth.store.data_version().await.ok();
            if version.is_some() && last.is_some() && version != last {
                auth.sessions.clear();
            }
            last = version.or(last);
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn alice(token: &str) -> CurrentUser {
        CurrentUser {
            id: 1,
            uid: "u1".into(),
            token: token.into(),
            credential: super::super::Credential::Session,
            user: crate::auth::test_user("alice"),
        }
    }

    #[test]
    fn entries_are_fresh_for_a_while_and_forgotten_on_demand() {
        let cache = SessionCache::default();
        let t0 = Instant::now();
        cache.put(alice("a"), t0);
        cache.put(alice("b"), t0);
        assert!(cache.get("a", t0 + Duration::from_secs(1)).is_some());
        assert!(
            cache.get("a", t0 + FRESH).is_none(),
            "stale: ask the database"
        );
        cache.forget_token("a");
        assert!(cache.get("a", t0).is_none());
        assert!(cache.get("b", t0).is_some());
        cache.forget_user("alice");
        assert!(cache.get("b", t0).is_none());
    }
}
