//! The identify queue several instances of one bot share through Redis (`--redis-url`): a
//! twilight [`Queue`] that lets a shard IDENTIFY only when Discord allows it.
//! <https://discord.com/developers/docs/events/gateway#rate-limiting>
//! <https://discord.com/developers/docs/events/gateway#sharding-max-concurrency>
//!
//! Discord allows one IDENTIFY per 5 s per rate-limit key `shard_id % max_concurrency`, and a
//! budget of session starts per day (`session_start_limit` of `GET /gateway/bot`; an overrun
//! resets the token). One Lua script grants a slot atomically: the key's slot is a Redis key
//! with a 5 s (plus a margin) expiry, the budget a counter created from `/gateway/bot`'s
//! `remaining` that expires at its `reset_after`. A shard waits for its slot as long as it
//! takes: while Redis is unreachable identifies wait (the queue fails closed), and an exhausted
//! budget waits for its reset instead of getting the token reset.

use super::shard_lease::{Keys, RedisLink};
use std::{sync::Arc, time::Duration};
use tokio::sync::oneshot;
use twilight_gateway::queue::Queue;

/// Discord's identify window per rate-limit key.
pub const IDENTIFY_WINDOW: Duration = Duration::from_secs(5);

/// Added to [`IDENTIFY_WINDOW`]: two identifies granted a window apart may travel to Discord
/// with different delays.
const WINDOW_MARGIN: Duration = Duration::from_millis(250);

/// Longest wait between two attempts (Redis unreachable, or a slot taken).
const MAX_RETRY: Duration = Duration::from_secs(2);

/// Grants one identify slot: `{0, remaining}` granted, `{1, wait_ms}` the key's slot is
/// taken, `{2, wait_ms}` no session start left (wait for the reset).
const ACQUIRE: &str = r"
if redis.call('EXISTS', KEYS[2]) == 0 then
  redis.call('SET', KEYS[2], ARGV[2], 'PX', ARGV[3])
end
local left = tonumber(redis.call('GET', KEYS[2]))
if left <= 0 then
  return {2, redis.call('PTTL', KEYS[2])}
end
local wait = redis.call('PTTL', KEYS[1])
if wait > 0 then
  return {1, wait}
end
redis.call('SET', KEYS[1], ARGV[4], 'PX', ARGV[1])
redis.call('DECR', KEYS[2])
return {0, left - 1}
";

/// What `GET /gateway/bot` said about identifying.
#[derive(Debug, Clone, Copy)]
pub struct IdentifyLimits {
    /// `max_concurrency` (at least 1).
    pub max_concurrency: u16,
    /// `remaining` session starts when this instance started.
    pub remaining: u32,
    /// `reset_after` in milliseconds.
    pub reset_after_ms: u64,
}

/// The shared identify queue.
#[derive(Debug, Clone)]
pub struct RedisQueue {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    link: RedisLink,
    keys: Keys,
    limits: IdentifyLimits,
    /// Written into the slot key (who holds it, for debugging).
    holder: String,
    script: redis::Script,
}

impl RedisQueue {
    /// A queue over `link` for the bot of `keys`, holding slots in the name of `holder`.
    pub fn new(link: RedisLink, keys: Keys, limits: IdentifyLimits, holder: String) -> Self {
        Self {
            inner: Arc::new(Inner {
                link,
                keys,
                limits,
                holder,
                script: redis::Script::new(ACQUIRE),
            }),
        }
    }

    /// Waits until shard `shard` may identify (as long as it takes), or until `cancelled`.
    async fn wait_for_slot(&self, shard: u32, cancelled: impl Fn() -> bool) -> bool {
        let inner = &self.inner;
        let key = u64::from(shard) % u64::from(inner.limits.max_concurrency.max(1));
        let window = IDENTIFY_WINDOW + WINDOW_MARGIN;
        let mut failures = 0u32;
        loop {
            if cancelled() {
                return false;
            }
            let mut invocation = inner.script.prepare_invoke();
            invocation
                .key(inner.keys.identify_slot(key))
                .key(inner.keys.session_starts())
                .arg(window.as_millis() as u64)
                .arg(inner.limits.remaining)
                .arg(inner.limits.reset_after_ms.max(1))
                .arg(&inner.holder);
            let answer: Result<(i64, i64), String> = inner.link.invoke(&invocation).await;
            let wait = match answer {
                Ok((0, remaining)) => {
                    tracing::info!(
                        shard,
                        rate_limit_key = key,
                        remaining,
                        "identify slot granted"
                    );
                    return true;
                }
                Ok((1, wait_ms)) => {
                    failures = 0;
                    Duration::from_millis(u64::try_from(wait_ms).unwrap_or(0).max(10))
                }
                Ok((_, wait_ms)) => {
                    tracing::error!(
                        shard,
                        wait_ms,
                        "no session start left in the bot's budget (GET /gateway/bot session_start_limit): waiting for its reset instead of identifying (an overrun would reset the token)"
                    );
                    Duration::from_millis(u64::try_from(wait_ms).unwrap_or(0).max(1000))
                        .min(Duration::from_secs(60))
                }
                Err(error) => {
                    failures += 1;
                    if failures == 1 || failures.is_multiple_of(10) {
                        tracing::warn!(
                            shard,
                            %error,
                            "identify waits: the shared identify queue (Redis) is unreachable"
                        );
                    }
                    Duration::from_millis(200u64.saturating_mul(u64::from(failures)))
                }
            };
            tokio::time::sleep(wait.min(MAX_RETRY)).await;
        }
    }
}

impl Queue for RedisQueue {
    fn enqueue(&self, id: u32) -> oneshot::Receiver<()> {
        let (tx, rx) = oneshot::channel();
        let queue = self.clone();
        tokio::spawn(async move {
            // A shard that stopped (handed over, closing) drops its receiver: its slot is not
            // taken.
            if queue.wait_for_slot(id, || tx.is_closed()).await {
                let _ = tx.send(());
            }
        });
        rx
    }
}
