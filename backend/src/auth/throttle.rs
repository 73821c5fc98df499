//! Login throttling: after `LIMIT` failures for one username or from one client address
//! within `WINDOW`, further attempts are refused until the oldest failure ages out.

use std::{
    collections::{HashMap, VecDeque},
    net::IpAddr,
    sync::Mutex,
    time::{Duration, Instant},
};

pub const LIMIT: usize = 5;
pub const WINDOW: Duration = Duration::from_secs(5 * 60);

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Key {
    User(String),
    Addr(IpAddr),
}

/// Recent failed logins per username and per address.
#[derive(Default)]
pub struct Throttle {
    failures: Mutex<HashMap<Key, VecDeque<Instant>>>,
}

impl Throttle {
    /// `Err(seconds to wait)` when either key is over the limit.
    pub fn check(&self, username: &str, addr: IpAddr, now: Instant) -> Result<(), u64> {
        let mut map = self.failures.lock().expect("throttle lock");
        let mut wait = Duration::ZERO;
        for key in keys(username, addr) {
            if let Some(times) = map.get_mut(&key) {
                prune(times, now);
                if times.len() >= LIMIT {
                    wait = wait.max(WINDOW - now.duration_since(times[0]));
                }
            }
        }
        if wait.is_zero() {
            Ok(())
        } else {
            Err(wait.as_secs().max(1))
        }
    }

    pub fn record_failure(&self, username: &str, addr: IpAddr, now: Instant) {
        let mut map = self.failures.lock().expect("throttle lock");
        for key in keys(username, addr) {
            let times = map.entry(key).or_default();
            prune(times, now);
            times.push_back(now);
        }
        // Bound memory under a flood of distinct usernames: drop keys with nothing recent.
        if map.len() > 10_000 {
            map.retain(|_, times| {
                prune(times, now);
                !times.is_empty()
            });
        }
    }
}

fn keys(username: &str, addr: IpAddr) -> [Key; 2] {
    [Key::User(username.to_owned()), Key::Addr(addr)]
}

fn prune(times: &mut VecDeque<Instant>, now: Instant) {
    while times
        .front()
        .is_some_and(|t| now.duration_since(*t) >= WINDOW)
    {
        times.pop_front();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOME: IpAddr = IpAddr::V4(std::net::Ipv4Addr::LOCALHOST);
    const OTHER: IpAddr = IpAddr::V4(std::net::Ipv4Addr::new(127, 0, 0, 2));

    #[test]
    fn five_failures_lock_the_username_and_the_address_for_the_window() {
        let throttle = Throttle::default();
        let t0 = Instant::now();
        for i in 0..LIMIT {
            assert!(throttle.check("alice", HOME, t0).is_ok(), "attempt {i}");
            throttle.record_failure("alice", HOME, t0);
        }
        assert_eq!(throttle.check("alice", HOME, t0), Err(300));
        assert!(
            throttle.check("alice", OTHER, t0).is_err(),
            "username locked everywhere"
        );
        assert!(
            throttle.check("bob", HOME, t0).is_err(),
            "address locked for everyone"
        );
        assert!(throttle.check("bob", OTHER, t0).is_ok());
        assert_eq!(
            throttle.check("alice", HOME, t0 + Duration::from_secs(200)),
            Err(100)
        );
        assert!(throttle.check("alice", HOME, t0 + WINDOW).is_ok());
    }
}
