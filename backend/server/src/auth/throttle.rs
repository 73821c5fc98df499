//! Login throttling, per client address and per (username, address), never per username alone,
//! so nobody elsewhere can lock the real user out. Every attempt is counted *before* its
//! password is hashed (so a burst of concurrent guesses cannot all slip in before the first
//! fails); a successful login gives its attempt back. A key that reaches its limit within
//! `WINDOW` is locked, for `WINDOW` the first time and twice as long after each further
//! lockout (up to `MAX_LOCK`); lockouts are forgotten after `FORGET` without one.

use std::{
    collections::{HashMap, VecDeque},
    net::IpAddr,
    sync::Mutex,
    time::{Duration, Instant},
};

/// Attempts from one (username, address) within `WINDOW` before it is locked.
pub const PAIR_LIMIT: usize = 5;
/// Attempts from one address, whatever the usernames, within `WINDOW` before it is locked.
pub const ADDRESS_LIMIT: usize = 20;
/// How far back attempts count, and the first lockout's length.
pub const WINDOW: Duration = Duration::from_secs(5 * 60);
/// The longest lockout.
pub const MAX_LOCK: Duration = Duration::from_secs(60 * 60);
/// A key with no lockout for this long starts over at the first lockout's length.
pub const FORGET: Duration = Duration::from_secs(24 * 60 * 60);
/// Keys kept at most; past this, keys with nothing recent and no lock are dropped.
pub const MAX_KEYS: usize = 100_000;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Key {
    Pair(String, IpAddr),
    Address(IpAddr),
}

#[derive(Default)]
struct Entry {
    attempts: VecDeque<Instant>,
    locked_until: Option<Instant>,
    lockouts: u32,
}

impl Entry {
    fn prune(&mut self, now: Instant) {
        while self
            .attempts
            .front()
            .is_some_and(|t| now.duration_since(*t) >= WINDOW)
        {
            self.attempts.pop_front();
        }
        if self
            .locked_until
            .is_some_and(|until| now.saturating_duration_since(until) >= FORGET)
        {
            self.lockouts = 0;
            self.locked_until = None;
        }
    }

    fn locked(&self, now: Instant) -> Option<Duration> {
        self.locked_until
            .filter(|until| *until > now)
            .map(|until| until - now)
    }

    fn idle(&self, now: Instant) -> bool {
        self.attempts.is_empty() && self.locked(now).is_none() && self.lockouts == 0
    }
}

/// Recent login attempts per address and per (username, address).
#[derive(Default)]
pub struct Throttle {
    entries: Mutex<HashMap<Key, Entry>>,
}

impl Throttle {
    /// Counts an attempt by `username` (`None` for a name that cannot exist) from `addr`, or
    /// refuses it with the seconds to wait when a key is locked or reaches its limit.
    pub fn attempt(&self, username: Option<&str>, addr: IpAddr, now: Instant) -> Result<(), u64> {
        let mut map = self.entries.lock().expect("throttle lock");
        if map.len() >= MAX_KEYS {
            map.retain(|_, entry| {
                entry.prune(now);
                !entry.idle(now)
            });
        }
        let keys = keys(username, addr);
        let mut wait = Duration::ZERO;
        for (key, limit) in &keys {
            // Only keys that exist can be locked; a refused attempt makes none.
            let Some(entry) = map.get_mut(key) else {
                continue;
            };
            entry.prune(now);
            if let Some(left) = entry.locked(now) {
                wait = wait.max(left);
            } else if entry.attempts.len() >= *limit {
                let lock = WINDOW
                    .saturating_mul(1 << entry.lockouts.min(16))
                    .min(MAX_LOCK);
                entry.lockouts += 1;
                entry.locked_until = Some(now + lock);
                entry.attempts.clear();
                wait = wait.max(lock);
            }
        }
        if !wait.is_zero() {
            return Err(wait.as_secs().max(1));
        }
        for (key, _) in keys {
            map.entry(key).or_default().attempts.push_back(now);
        }
        Ok(())
    }

    /// The attempt succeeded: the (username, address) starts over and the address gets its
    /// attempt back, so a user who logs in often is never throttled for it.
    pub fn succeeded(&self, username: &str, addr: IpAddr) {
        let mut map = self.entries.lock().expect("throttle lock");
        map.remove(&Key::Pair(username.to_owned(), addr));
        if let Some(entry) = map.get_mut(&Key::Address(addr)) {
            entry.attempts.pop_back();
        }
    }

    /// The attempt was never judged (the hashing queue was full and it was told to try again):
    /// it counts for nothing, so a busy server never locks anyone out.
    pub fn not_judged(&self, username: &str, addr: IpAddr) {
        let mut map = self.entries.lock().expect("throttle lock");
        for (key, _) in keys(Some(username), addr) {
            if let Some(entry) = map.get_mut(&key) {
                entry.attempts.pop_back();
            }
        }
    }
}

fn keys(username: Option<&str>, addr: IpAddr) -> Vec<(Key, usize)> {
    let mut keys = vec![(Key::Address(addr), ADDRESS_LIMIT)];
    if let Some(name) = username {
        keys.push((Key::Pair(name.to_owned(), addr), PAIR_LIMIT));
    }
    keys
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOME: IpAddr = IpAddr::V4(std::net::Ipv4Addr::LOCALHOST);
    const OTHER: IpAddr = IpAddr::V4(std::net::Ipv4Addr::new(127, 0, 0, 2));

    #[test]
    fn a_pair_is_locked_after_its_limit_with_growing_lockouts() {
        let throttle = Throttle::default();
        let t0 = Instant::now();
        for i in 0..PAIR_LIMIT {
            assert!(throttle.attempt(Some("alice"), HOME, t0).is_ok(), "{i}");
        }
        assert_eq!(throttle.attempt(Some("alice"), HOME, t0), Err(300));
        assert!(
            throttle.attempt(Some("alice"), OTHER, t0).is_ok(),
            "the real user elsewhere is not locked out"
        );
        assert!(
            throttle.attempt(Some("bob"), HOME, t0).is_ok(),
            "nor another user here"
        );
        let t1 = t0 + WINDOW;
        for i in 0..PAIR_LIMIT {
            assert!(throttle.attempt(Some("alice"), HOME, t1).is_ok(), "{i}");
        }
        assert_eq!(
            throttle.attempt(Some("alice"), HOME, t1),
            Err(600),
            "the second lockout is twice as long"
        );
    }

    #[test]
    fn an_address_is_locked_after_its_limit_whatever_the_names() {
        let throttle = Throttle::default();
        let t0 = Instant::now();
        for i in 0..ADDRESS_LIMIT {
            let name = format!("user{i}");
            assert!(throttle.attempt(Some(&name), HOME, t0).is_ok(), "{i}");
        }
        assert!(throttle.attempt(None, HOME, t0).is_err());
        assert!(throttle.attempt(Some("x"), OTHER, t0).is_ok());
    }

    #[test]
    fn attempts_a_busy_server_never_judged_count_for_nothing() {
        let throttle = Throttle::default();
        let t0 = Instant::now();
        for _ in 0..PAIR_LIMIT * 10 {
            throttle.attempt(Some("alice"), HOME, t0).unwrap();
            throttle.not_judged("alice", HOME);
        }
        for i in 0..PAIR_LIMIT {
            assert!(throttle.attempt(Some("alice"), HOME, t0).is_ok(), "{i}");
        }
    }

    #[test]
    fn successes_give_their_attempts_back() {
        let throttle = Throttle::default();
        let t0 = Instant::now();
        for _ in 0..ADDRESS_LIMIT * 3 {
            throttle.attempt(Some("alice"), HOME, t0).unwrap();
            throttle.succeeded("alice", HOME);
        }
    }
}
