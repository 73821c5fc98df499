//! Console settings and the per-user count of open consoles: a console holds a `Slot` from
//! before its upgrade until it closes, and one over the limit is refused before upgrading.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
    time::Duration,
};

/// The consoles' settings and who has how many open.
#[derive(Debug)]
pub struct Consoles {
    /// A console with no traffic either way for this long is closed.
    pub idle: Duration,
    /// Open consoles (VNC and serial together) per user, at most.
    pub per_user: usize,
    open: Arc<Mutex<HashMap<String, usize>>>,
}

/// One open console of a user; dropping it frees the place.
#[derive(Debug)]
pub struct Slot {
    user: String,
    open: Arc<Mutex<HashMap<String, usize>>>,
}

impl Consoles {
    pub fn new(idle: Duration, per_user: usize) -> Self {
        Self {
            idle,
            per_user,
            open: Arc::default(),
        }
    }

    /// A place for one more console of `user`, unless they have `per_user` open already.
    pub fn take(&self, user: &str) -> Option<Slot> {
        let mut open = self.open.lock().expect("consoles lock");
        let count = open.entry(user.to_owned()).or_default();
        if *count >= self.per_user {
            return None;
        }
        *count += 1;
        Some(Slot {
            user: user.to_owned(),
            open: self.open.clone(),
        })
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut open = self.open.lock().expect("consoles lock");
        if let Some(count) = open.get_mut(&self.user) {
            *count -= 1;
            if *count == 0 {
                open.remove(&self.user);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_user_gets_their_own_places_back_when_a_console_closes() {
        let consoles = Consoles::new(Duration::from_secs(1), 2);
        let (a1, _a2) = (consoles.take("alice"), consoles.take("alice"));
        assert!(a1.is_some());
        assert!(consoles.take("alice").is_none(), "a third is refused");
        assert!(consoles.take("bob").is_some(), "bob has his own");
        drop(a1);
        assert!(
            consoles.take("alice").is_some(),
            "a closed console frees its place"
        );
    }
}
