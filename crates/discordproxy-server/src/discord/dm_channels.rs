//! Cache of user id → DM channel id, so repeat DMs to a user skip `GET /users/{id}` and
//! `POST /users/@me/channels` (Discord returns the same DM channel for a user every time).

use super::redis::RedisShared;
use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
};

/// How long a DM channel stays in Redis after it was last stored (Discord keeps a user's DM
/// channel; the TTL only bounds Redis's memory).
const SHARED_TTL_MS: u64 = 7 * 24 * 3600 * 1000;

/// Default number of users kept (about 2 MiB at most).
pub const DEFAULT_CAPACITY: usize = 100_000;

/// A bounded map user id → DM channel id. When full, an arbitrary entry is evicted (a miss only
/// costs the two REST calls of opening the DM again). With Redis (`--redis-url`) the map is
/// shared by the deployment's instances (keys `dm:USER_ID`, 7 days after the last write).
#[derive(Debug)]
pub struct DmChannels {
    capacity: usize,
    map: Mutex<HashMap<u64, u64>>,
    shared: Option<Arc<RedisShared>>,
}

impl DmChannels {
    /// An empty cache holding at most `capacity` users (at least 1).
    pub fn new(capacity: usize) -> Self {
        Self {
            capacity: capacity.max(1),
            map: Mutex::new(HashMap::new()),
            shared: None,
        }
    }

    /// Shares the map through `shared` (Redis).
    #[must_use]
    pub fn with_shared(mut self, shared: Arc<RedisShared>) -> Self {
        self.shared = Some(shared);
        self
    }

    /// The cached DM channel of `user_id`: the local copy, else (with Redis) the
    /// deployment's.
    pub async fn get(&self, user_id: u64) -> Option<u64> {
        if let Some(channel) = self.get_local(user_id) {
            return Some(channel);
        }
        let shared = self.shared.as_ref()?;
        let mut cmd = redis::cmd("GET");
        cmd.arg(shared.key(&format!("dm:{user_id}")));
        let value: Option<String> = shared.command("DM channel read", cmd).await?;
        let channel = value?.parse().ok()?;
        self.insert_local(user_id, channel);
        Some(channel)
    }

    /// The locally cached DM channel of `user_id`.
    pub fn get_local(&self, user_id: u64) -> Option<u64> {
        self.lock().get(&user_id).copied()
    }

    /// Remembers the DM channel of `user_id` (locally and, with Redis, for the deployment).
    pub fn insert(&self, user_id: u64, channel_id: u64) {
        self.insert_local(user_id, channel_id);
        if let Some(shared) = &self.shared {
            let mut cmd = redis::cmd("SET");
            cmd.arg(shared.key(&format!("dm:{user_id}")))
                .arg(channel_id)
                .arg("PX")
                .arg(SHARED_TTL_MS);
            shared.spawn_command("DM channel write", cmd);
        }
    }

    fn insert_local(&self, user_id: u64, channel_id: u64) {
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
        if let Some(shared) = &self.shared {
            let mut cmd = redis::cmd("DEL");
            cmd.arg(shared.key(&format!("dm:{user_id}")));
            shared.spawn_command("DM channel delete", cmd);
        }
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
        assert_eq!(cache.get_local(1), None);
        cache.insert(1, 11);
        assert_eq!(cache.get_local(1), Some(11));
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
        assert_eq!(cache.get_local(99), Some(1099));
    }
}
