//! How many uploads run at once. Each holds chunks in memory on their way to libvirt and a
//! libvirt stream on its host, so there are at most `AT_ONCE` in all and `PER_USER` of one
//! user's; one more is refused (429) before a byte of its body is read.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
};

/// Uploads at once, of all users.
pub const AT_ONCE: usize = 8;
/// Uploads at once of one user.
pub const PER_USER: usize = 2;

/// The uploads running now, per user.
#[derive(Debug, Default)]
pub struct UploadGate {
    running: Mutex<HashMap<i64, usize>>,
}

/// One running upload's place; given back when dropped.
#[derive(Debug)]
pub struct Turn {
    gate: Arc<UploadGate>,
    user: i64,
}

impl UploadGate {
    /// A place for one more upload of `user`, if there is room.
    pub fn enter(self: &Arc<Self>, user: i64) -> Option<Turn> {
        let mut running = self.running.lock().expect("upload gate lock");
        let all: usize = running.values().sum();
        let theirs = running.get(&user).copied().unwrap_or(0);
        if all >= AT_ONCE || theirs >= PER_USER {
            return None;
        }
        *running.entry(user).or_default() += 1;
        Some(Turn {
            gate: self.clone(),
            user,
        })
    }
}

impl Drop for Turn {
    fn drop(&mut self) {
        let mut running = self.gate.running.lock().expect("upload gate lock");
        if let Some(count) = running.get_mut(&self.user) {
            *count -= 1;
            if *count == 0 {
                running.remove(&self.user);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn per_user_and_in_all_and_given_back_when_done() {
        let gate = Arc::new(UploadGate::default());
        let alice: Vec<_> = (0..PER_USER).map(|_| gate.enter(1).unwrap()).collect();
        assert!(gate.enter(1).is_none(), "a third of alice's waits");
        let others: Vec<_> = (0..AT_ONCE - PER_USER)
            .map(|n| gate.enter(100 + n as i64).unwrap())
            .collect();
        assert!(gate.enter(2).is_none(), "no room left in all");
        drop(others);
        assert!(gate.enter(2).is_some());
        drop(alice);
        assert!(
            gate.running.lock().unwrap().is_empty(),
            "every place given back"
        );
        assert!(gate.enter(1).is_some());
    }
}
