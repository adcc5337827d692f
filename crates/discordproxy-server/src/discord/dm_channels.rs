//! Cache of user id → DM channel id, so repeat DMs to a user skip `GET /users/{id}` and
//! `POST /users/@me/channels` (Discord returns the same DM channel for a user every time).

use std::{collections::HashMap, sync::Mutex};

/// Default number of users kept (about 2 MiB at most).
pub const DEFAULT_CAPACITY: usize = 100_000;

/// A bounded map user id → DM channel id. When full, an arbitrary entry is evicted (a miss only
/// costs the two REST calls of opening the DM again).
#[derive(Debug)]
pub struct DmChannels {
    capacity: usize,
    map: Mutex<HashMap<u64, u64>>,
}

impl DmChannels {
    /// An empty cache holding at most `capacity` users (at least 1).
    pub fn new(capacity: usize) -> Self {
        Self {
            capacity: capacity.max(1),
            map: Mutex::new(HashMap::new()),
        }
    }

    /// The cached DM channel of `user_id`.
    pub fn get(&self, user_id: u64) -> Option<u64> {
        self.lock().get(&user_id).copied()
    }

    /// Remembers the DM channel of `user_id`.
    pub fn insert(&self, user_id: u64, channel_id: u64) {
        let mut map = self.lock();
        if map.len() >= self.capacity
            && !map.contains_key(&user_id)
            && let Some(evict) = map.keys().next().copied()
        {
            map.remove(&evict);
        }
        map.insert(user_id, channel_id);
    }

    /// Forgets the DM channel of `user_id` (e.g. Discord answered Unknown Channel for it).
    pub fn remove(&self, user_id: u64) {
        self.lock().remove(&user_id);
    }

    /// Number of cached users.
    pub fn len(&self) -> usize {
        self.lock().len()
    }

    /// Whether no user is cached.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<u64, u64>> {
        // The map stays consistent even if a holder panicked: every operation is one call.
        self.map
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl Default for DmChannels {
    fn default() -> Self {
        Self::new(DEFAULT_CAPACITY)
    }
}

#[cfg(test)]
mod tests {
    use super::DmChannels;

    #[test]
    fn insert_get_remove() {
        let cache = DmChannels::new(10);
        assert_eq!(cache.get(1), None);
        cache.insert(1, 11);
        assert_eq!(cache.get(1), Some(11));
        cache.remove(1);
        assert!(cache.is_empty());
    }

    #[test]
    fn capacity_bounds_memory() {
        let cache = DmChannels::new(3);
        for user in 0..100 {
            cache.insert(user, user + 1000);
        }
        assert_eq!(cache.len(), 3);
        assert_eq!(cache.get(99), Some(1099));
    }
}
