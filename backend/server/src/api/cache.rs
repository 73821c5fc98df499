//! Serialized VM lists, one per viewer (each user; all admins share one), valid for one epoch
//! of the pool's views: between two refreshes every request is a copy of bytes.

use std::{collections::HashMap, sync::Mutex};

use axum::body::Bytes;

/// More viewers than this and the cache starts over (memory stays bounded).
const MAX_VIEWERS: usize = 1_000;

#[derive(Default)]
pub struct ListCache {
    entries: Mutex<HashMap<String, (u64, Bytes)>>,
}

impl ListCache {
    /// The list serialized for `viewer` at `epoch`, if it is cached.
    pub fn get(&self, viewer: &str, epoch: u64) -> Option<Bytes> {
        let entries = self.entries.lock().expect("list cache lock");
        entries
            .get(viewer)
            .filter(|(at, _)| *at == epoch)
            .map(|(_, body)| body.clone())
    }

    pub fn put(&self, viewer: String, epoch: u64, body: Bytes) {
        let mut entries = self.entries.lock().expect("list cache lock");
        if entries.len() >= MAX_VIEWERS && !entries.contains_key(&viewer) {
            entries.clear();
        }
        entries.insert(viewer, (epoch, body));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_hold_for_their_epoch_only() {
        let cache = ListCache::default();
        cache.put("alice".into(), 7, Bytes::from_static(b"[1]"));
        assert_eq!(cache.get("alice", 7).as_deref(), Some(&b"[1]"[..]));
        assert_eq!(cache.get("alice", 8), None);
        assert_eq!(cache.get("bob", 7), None);
    }
}
