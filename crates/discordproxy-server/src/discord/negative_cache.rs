//! Remembers Discord's "this target cannot be reached" answers for a while, so repeated calls
//! for the same target get the same error at once without another (invalid) request.
//!
//! Discord bans an IP after 10,000 invalid requests (401, 403, 429) in 10 minutes; Alliance Auth
//! apps repeat DMs to members who closed their DMs (403/50007) on every notification.
//! <https://discord.com/developers/docs/topics/rate-limits#invalid-request-limit-aka-cloudflare-bans>

use super::redis::RedisShared;
use crate::error::DiscordHttpError;
use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

/// Default time an answer is remembered (`--negative-cache-ttl`).
pub const DEFAULT_TTL: Duration = Duration::from_secs(60);
/// Most targets remembered at once.
pub const CAPACITY: usize = 100_000;
/// With Redis: how long a target the deployment had no answer for is taken as still having
/// none, without asking Redis again. Calls for a busy channel or user then cost no Redis round
/// trip; an answer another instance learns meanwhile is given here this much later at most
/// (at worst one more request to Discord per instance).
pub const SHARED_RECHECK: Duration = Duration::from_secs(1);

/// What a remembered answer is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Target {
    /// A user (DMs).
    User(u64),
    /// A channel.
    Channel(u64),
    /// A webhook (by id: a deleted webhook is gone for every token).
    Webhook(u64),
}

impl Target {
    /// The key suffix in Redis: `neg:u:ID`, `neg:c:ID`, `neg:w:ID`.
    fn key(self) -> String {
        match self {
            Self::User(id) => format!("neg:u:{id}"),
            Self::Channel(id) => format!("neg:c:{id}"),
            Self::Webhook(id) => format!("neg:w:{id}"),
        }
    }
}

/// The remembered answers; with Redis (`--redis-url`) also shared by the deployment's
/// instances (keys `neg:u:ID`, `neg:c:ID`, `neg:w:ID` expiring with the TTL): an answer one
/// instance learned is given by every instance without a request.
#[derive(Debug)]
pub struct NegativeCache {
    ttl: Duration,
    entries: Mutex<HashMap<Target, (DiscordHttpError, Instant)>>,
    shared: Option<Arc<RedisShared>>,
    /// With Redis: targets Redis had no answer for, until when that is taken as still true.
    absent: Mutex<HashMap<Target, Instant>>,
}

impl NegativeCache {
    /// A cache keeping answers for `ttl` (zero disables it).
    pub fn new(ttl: Duration) -> Self {
        Self {
            ttl,
            entries: Mutex::new(HashMap::new()),
            shared: None,
            absent: Mutex::new(HashMap::new()),
        }
    }

    /// Shares the answers through `shared` (Redis).
    #[must_use]
    pub fn with_shared(mut self, shared: Arc<RedisShared>) -> Self {
        self.shared = Some(shared);
        self
    }

    /// Whether `error` about `target` is one to remember: 403/50007 (DMs closed) and 404/10013
    /// (unknown user) for users; 403/50001 (missing access) and 404/10003 (unknown channel) for
    /// channels; 404/10015 (unknown webhook) for webhooks (Discord restricts clients that keep
    /// calling deleted webhooks).
    pub fn qualifies(target: Target, error: &DiscordHttpError) -> bool {
        matches!(
            (target, error.status, error.code),
            (Target::User(_), 403, 50007)
                | (Target::User(_), 404, 10013)
                | (Target::Channel(_), 403, 50001)
                | (Target::Channel(_), 404, 10003)
                | (Target::Webhook(_), 404, 10015)
        )
    }

    /// Remembers `error` for `target` when it [qualifies](Self::qualifies).
    pub fn remember(&self, target: Target, error: &DiscordHttpError) {
        if self.ttl.is_zero() || !Self::qualifies(target, error) {
            return;
        }
        self.insert_local(target, error.clone(), self.ttl);
        if let Some(shared) = &self.shared {
            self.absent_lock().remove(&target);
            let value = serde_json::json!({
                "status": error.status,
                "code": error.code,
                "text": error.text,
            })
            .to_string();
            let mut cmd = redis::cmd("SET");
            cmd.arg(shared.key(&target.key())).arg(value).arg("PX").arg(
                u64::try_from(self.ttl.as_millis())
                    .unwrap_or(u64::MAX)
                    .max(1),
            );
            shared.spawn_command("negative cache write", cmd);
        }
    }

    fn insert_local(&self, target: Target, error: DiscordHttpError, ttl: Duration) {
        let now = Instant::now();
        insert_bounded(
            &mut self.lock(),
            target,
            (error, now + ttl),
            now,
            |(_, expires)| *expires,
        );
    }

    /// The remembered answer for `target`, if still fresh: the local copy, else (with Redis)
    /// the deployment's, kept locally for the time it has left.
    pub async fn get(&self, target: Target) -> Option<DiscordHttpError> {
        if let Some(error) = self.get_local(target) {
            return Some(error);
        }
        let shared = self.shared.as_ref().filter(|_| !self.ttl.is_zero())?;
        if self.recently_absent(target) {
            return None;
        }
        let key = shared.key(&target.key());
        let mut pipe = redis::pipe();
        pipe.get(&key).pttl(&key);
        let mut connection = shared.connection();
        let (value, left): (Option<String>, i64) = shared
            .call("negative cache read", async move {
                pipe.query_async(&mut connection).await
            })
            .await?;
        let Some(value) = value else {
            self.note_absent(target);
            return None;
        };
        let value: serde_json::Value = serde_json::from_str(&value).ok()?;
        let error = DiscordHttpError {
            status: u16::try_from(value["status"].as_u64()?).ok()?,
            code: value["code"].as_u64()?,
            text: value["text"].as_str()?.to_owned(),
        };
        let left = Duration::from_millis(u64::try_from(left).ok()?).min(self.ttl);
        self.insert_local(target, error.clone(), left);
        Some(error)
    }

    /// Whether Redis had no answer for `target` less than [`SHARED_RECHECK`] ago.
    fn recently_absent(&self, target: Target) -> bool {
        self.absent_lock()
            .get(&target)
            .is_some_and(|until| *until > Instant::now())
    }

    fn note_absent(&self, target: Target) {
        let now = Instant::now();
        insert_bounded(
            &mut self.absent_lock(),
            target,
            now + SHARED_RECHECK,
            now,
            |until| *until,
        );
    }

    fn absent_lock(&self) -> std::sync::MutexGuard<'_, HashMap<Target, Instant>> {
        self.absent
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The locally remembered answer for `target`, if still fresh.
    pub fn get_local(&self, target: Target) -> Option<DiscordHttpError> {
        let mut entries = self.lock();
        match entries.get(&target) {
            Some((error, expires)) if *expires > Instant::now() => Some(error.clone()),
            Some(_) => {
                entries.remove(&target);
                None
            }
            None => None,
        }
    }

    /// Number of remembered targets (expired ones included until touched).
    pub fn len(&self) -> usize {
        self.lock().len()
    }

    /// Whether nothing is remembered.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<Target, (DiscordHttpError, Instant)>> {
        self.entries
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// Inserts `value` for `target` into a map of at most [`CAPACITY`] entries: when it is full,
/// the entries `expires` says have expired by `now` go first; when it is still full, `value` is
/// not kept.
fn insert_bounded<V>(
    map: &mut HashMap<Target, V>,
    target: Target,
    value: V,
    now: Instant,
    expires: impl Fn(&V) -> Instant,
) {
    if map.len() >= CAPACITY {
        map.retain(|_, kept| expires(kept) > now);
        if map.len() >= CAPACITY {
            return;
        }
    }
    map.insert(target, value);
}

impl Default for NegativeCache {
    fn default() -> Self {
        Self::new(DEFAULT_TTL)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error(status: u16, code: u64) -> DiscordHttpError {
        DiscordHttpError {
            status,
            code,
            text: "x".into(),
        }
    }

    #[test]
    fn remembers_only_the_listed_answers_for_their_target_kind() {
        let cache = NegativeCache::new(Duration::from_secs(60));
        cache.remember(Target::User(1), &error(403, 50007));
        cache.remember(Target::User(2), &error(404, 10013));
        cache.remember(Target::Channel(3), &error(403, 50001));
        cache.remember(Target::Channel(4), &error(404, 10003));
        cache.remember(Target::Channel(5), &error(403, 50013));
        cache.remember(Target::User(6), &error(500, 0));
        cache.remember(Target::Channel(7), &error(403, 50007));
        cache.remember(Target::Webhook(8), &error(404, 10015));
        cache.remember(Target::Webhook(9), &error(401, 50027));
        assert!(cache.get_local(Target::Webhook(8)).is_some());
        assert_eq!(
            cache.get_local(Target::Webhook(9)),
            None,
            "a wrong token is not remembered"
        );
        assert_eq!(cache.get_local(Target::User(1)), Some(error(403, 50007)));
        assert!(cache.get_local(Target::User(2)).is_some());
        assert!(cache.get_local(Target::Channel(3)).is_some());
        assert!(cache.get_local(Target::Channel(4)).is_some());
        assert_eq!(cache.get_local(Target::Channel(5)), None);
        assert_eq!(cache.get_local(Target::User(6)), None);
        assert_eq!(cache.get_local(Target::Channel(7)), None);
        assert_eq!(
            cache.get_local(Target::Channel(1)),
            None,
            "targets of another kind are distinct"
        );
    }

    #[test]
    fn answers_expire_and_zero_ttl_disables() {
        let cache = NegativeCache::new(Duration::from_millis(30));
        cache.remember(Target::User(1), &error(403, 50007));
        assert!(cache.get_local(Target::User(1)).is_some());
        std::thread::sleep(Duration::from_millis(40));
        assert_eq!(cache.get_local(Target::User(1)), None);
        assert!(cache.is_empty());
        let off = NegativeCache::new(Duration::ZERO);
        off.remember(Target::User(1), &error(403, 50007));
        assert_eq!(off.get_local(Target::User(1)), None);
    }
}
