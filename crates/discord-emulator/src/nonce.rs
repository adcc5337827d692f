//! `enforce_nonce` for message creation
//! ([docs](https://discord.com/developers/docs/resources/message#create-message)): with
//! `"enforce_nonce": true`, a create whose `nonce` matches a message the bot created in the same
//! channel within the last few minutes returns that message instead of creating a new one.

use std::collections::{HashMap, VecDeque};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::error::ApiError;

/// How long a nonce is remembered ("the past few minutes").
pub(crate) const NONCE_TTL: Duration = Duration::from_secs(5 * 60);
/// At most this many nonces are remembered (the oldest are forgotten first).
const CAPACITY: usize = 100_000;

/// The nonce as a key: strings as they are, integers in decimal (`123` and `"123"` are the same
/// nonce, as both reach Discord's storage as text).
pub(crate) fn nonce_key(nonce: &Value) -> Option<String> {
    match nonce {
        Value::String(text) => Some(text.clone()),
        Value::Number(number) => Some(number.to_string()),
        _ => None,
    }
}

/// `enforce_nonce` from a create-message body: `true`, `false` or absent; anything else is a
/// 50035 error on `enforce_nonce`.
pub(crate) fn enforce_nonce(body: Option<&Value>) -> Result<bool, ApiError> {
    match body.and_then(|body| body.get("enforce_nonce")) {
        None | Some(Value::Null) => Ok(false),
        Some(Value::Bool(flag)) => Ok(*flag),
        Some(_) => Err(ApiError::form(
            &["enforce_nonce"],
            "BASE_TYPE_BOOLEAN",
            "Must be either true or false.",
        )),
    }
}

/// Recently used nonces: (channel, nonce) → the message created with it.
#[derive(Debug, Default)]
pub(crate) struct NonceCache {
    entries: HashMap<(u64, String), (u64, Instant)>,
    order: VecDeque<(Instant, u64, String)>,
}

impl NonceCache {
    /// Forgets nonces older than the TTL and beyond the capacity.
    fn expire(&mut self, now: Instant) {
        while let Some((at, channel, nonce)) = self.order.front() {
            if now.saturating_duration_since(*at) < NONCE_TTL && self.order.len() <= CAPACITY {
                break;
            }
            let key = (*channel, nonce.clone());
            if self.entries.get(&key).is_some_and(|(_, seen)| seen == at) {
                self.entries.remove(&key);
            }
            self.order.pop_front();
        }
    }

    /// The id of the message created in `channel_id` with `nonce` within the TTL.
    pub(crate) fn find(&mut self, channel_id: u64, nonce: &str, now: Instant) -> Option<u64> {
        self.expire(now);
        self.entries
            .get(&(channel_id, nonce.to_owned()))
            .map(|(message_id, _)| *message_id)
    }

    /// Remembers that `message_id` was created in `channel_id` with `nonce`.
    pub(crate) fn remember(
        &mut self,
        channel_id: u64,
        nonce: String,
        message_id: u64,
        now: Instant,
    ) {
        self.entries
            .insert((channel_id, nonce.clone()), (message_id, now));
        self.order.push_back((now, channel_id, nonce));
        self.expire(now);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn keys_and_flags() {
        assert_eq!(nonce_key(&json!("abc")), Some("abc".into()));
        assert_eq!(nonce_key(&json!(123)), Some("123".into()));
        assert_eq!(nonce_key(&json!(null)), None);
        assert_eq!(enforce_nonce(None), Ok(false));
        assert_eq!(
            enforce_nonce(Some(&json!({"enforce_nonce": true}))),
            Ok(true)
        );
        assert_eq!(
            enforce_nonce(Some(&json!({"enforce_nonce": null}))),
            Ok(false)
        );
        let error = enforce_nonce(Some(&json!({"enforce_nonce": "yes"}))).unwrap_err();
        assert_eq!(
            error.body()["errors"]["enforce_nonce"]["_errors"][0]["code"],
            json!("BASE_TYPE_BOOLEAN")
        );
    }

    #[test]
    fn nonces_are_per_channel_and_expire() {
        let mut cache = NonceCache::default();
        let t0 = Instant::now();
        cache.remember(1, "n".into(), 10, t0);
        assert_eq!(cache.find(1, "n", t0), Some(10));
        assert_eq!(cache.find(2, "n", t0), None);
        assert_eq!(cache.find(1, "m", t0), None);
        // A later message with the same nonce replaces the first.
        let t1 = t0 + Duration::from_secs(60);
        cache.remember(1, "n".into(), 11, t1);
        assert_eq!(cache.find(1, "n", t0 + NONCE_TTL), Some(11));
        assert_eq!(cache.find(1, "n", t1 + NONCE_TTL), None);
        assert!(cache.order.is_empty());
    }
}
