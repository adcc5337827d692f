//! One rate limiter for the whole server: Discord's per-route buckets, learned from the
//! `X-RateLimit-*` headers of every answer, and the bot's global limit.
//! <https://discord.com/developers/docs/topics/rate-limits>
//!
//! A request first waits for its turn in its bucket (arrival order), then for a slot of the
//! bucket's window, then for a place under the global limit; only then is it sent. When the
//! wait cannot end before the call's deadline, it fails at once with [`NoSlot`].

pub mod bucket;
pub mod global;
pub mod headers;
pub mod redis_store;
pub mod store;

pub use bucket::{NoSlot, Permit};
pub use store::{LimitStore, MemoryStore, Refused, Seen};

use super::route::BucketKey;
use bucket::Bucket;

/// Whether a request is under the bot's global limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GlobalScope {
    /// Counted (every bot-token request).
    Counted,
    /// Outside it: webhook and interaction token routes, as Discord documents.
    /// <https://discord.com/developers/docs/topics/rate-limits#global-rate-limit>
    Exempt,
}
use std::collections::HashMap;
use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;
use tokio::time::Instant;

/// Above this many known buckets, idle ones are forgotten (memory stays bounded however many
/// channels are written to).
const PRUNE_ABOVE: usize = 4096;

/// The server's rate limiter for one bot token.
#[derive(Debug)]
pub struct RateLimiter {
    buckets: Mutex<Buckets>,
    store: Arc<dyn LimitStore>,
}

#[derive(Debug, Default)]
struct Buckets {
    /// (route template, major parameter) → its bucket.
    by_route: HashMap<(&'static str, u64), Arc<Bucket>>,
    /// (Discord's bucket id, major parameter) → the bucket, so routes Discord puts in one
    /// bucket share it.
    by_hash: HashMap<(String, u64), Weak<Bucket>>,
}

/// A waited-for permission to send one request.
#[derive(Debug)]
pub struct Slot {
    /// The bucket permit; see [`Permit::sent`].
    pub permit: Permit,
    /// How long the request waited for its bucket and the global limit.
    pub waited: Duration,
}

impl RateLimiter {
    /// A limiter with a global limit of `global_per_second` requests per second.
    #[cfg(test)]
    pub fn new(global_per_second: u16) -> Self {
        Self::with_store(Arc::new(MemoryStore::new(global_per_second)))
    }

    /// A limiter whose windows and global limit live in `store` (e.g. a
    /// [`RedisStore`](redis_store::RedisStore) shared by several instances).
    pub fn with_store(store: Arc<dyn LimitStore>) -> Self {
        Self {
            buckets: Mutex::new(Buckets::default()),
            store,
        }
    }

    /// The store behind this limiter.
    pub fn store(&self) -> &Arc<dyn LimitStore> {
        &self.store
    }

    fn bucket(&self, route: BucketKey) -> Arc<Bucket> {
        let mut buckets = self.lock();
        let key = (route.template, route.major);
        if let Some(bucket) = buckets.by_route.get(&key) {
            return Arc::clone(bucket);
        }
        if buckets.by_route.len() >= PRUNE_ABOVE {
            let now = Instant::now();
            buckets.by_route.retain(|_, bucket| !bucket.is_idle(now));
            buckets
                .by_hash
                .retain(|_, bucket| bucket.strong_count() > 0);
        }
        let name = match route.major {
            0 => route.template.to_owned(),
            major => format!("{} (major {major})", route.template),
        };
        let bucket = Arc::new(Bucket::new(name));
        buckets.by_route.insert(key, Arc::clone(&bucket));
        bucket
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Buckets> {
        self.buckets
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Waits until a request of `route` (its template and major parameter) may be sent.
    ///
    /// # Errors
    /// [`Refused::NoSlot`] at once when the bucket or the global limit cannot give a slot
    /// before `deadline`.
    #[cfg(test)]
    pub async fn acquire(
        &self,
        route: impl Into<BucketKey>,
        deadline: Instant,
    ) -> Result<Slot, Refused> {
        self.acquire_in(route.into(), GlobalScope::Counted, deadline)
            .await
    }

    /// [`acquire`](Self::acquire) for a request of `scope`: its turn in the bucket's local
    /// queue (arrival order), then a slot from the store. One [`GlobalScope::Exempt`]
    /// (webhook and interaction token routes) waits for its bucket only, never for the
    /// global limit (nor a global 429's pause), and does not count towards it.
    ///
    /// # Errors
    /// [`Refused::NoSlot`] at once when the bucket (or, when counted, the global limit) cannot
    /// give a slot before `deadline`; [`Refused::Banned`] when the store knows of a ban of
    /// this instance's egress IP.
    pub async fn acquire_in(
        &self,
        route: BucketKey,
        scope: GlobalScope,
        deadline: Instant,
    ) -> Result<Slot, Refused> {
        let started = Instant::now();
        let bucket = self.bucket(route);
        let turn = bucket.turn(deadline).await?;
        let permit = self.store.take(&bucket, route, scope, deadline).await?;
        drop(turn);
        Ok(Slot {
            permit,
            waited: started.elapsed(),
        })
    }

    /// Records what the answer to `permit`'s request (of `route`) said about its bucket.
    pub async fn observe(&self, permit: &mut Permit, route: BucketKey, seen: Seen<'_>) {
        self.store.observe(permit, route, seen).await;
    }

    /// Records Discord's bucket id for `route`: later requests of routes with the same id and
    /// major parameter share one bucket.
    pub fn learn_bucket_id(&self, route: impl Into<BucketKey>, bucket: &Arc<Bucket>, id: &str) {
        let route = route.into();
        let mut buckets = self.lock();
        let hash_key = (id.to_owned(), route.major);
        match buckets.by_hash.get(&hash_key).and_then(Weak::upgrade) {
            Some(shared) if !Arc::ptr_eq(&shared, bucket) => {
                buckets
                    .by_route
                    .insert((route.template, route.major), shared);
            }
            Some(_) => {}
            None => {
                buckets.by_hash.insert(hash_key, Arc::downgrade(bucket));
            }
        }
    }

    /// Pauses all requests for `retry_after` (a global 429).
    pub async fn pause_global(&self, retry_after: Duration) {
        self.store.pause_global(retry_after).await;
    }

    /// Buckets currently known.
    pub fn bucket_count(&self) -> usize {
        self.lock().by_route.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::discord::route::Route;
    use headers::BucketHeaders;

    #[tokio::test]
    async fn token_routes_never_wait_for_the_global_limit() {
        use crate::discord::route::WebhookToken;
        let limiter = RateLimiter::new(1);
        let soon = || Instant::now() + Duration::from_millis(200);
        let bot = |channel_id| BucketKey::from(Route::Channel { channel_id });
        drop(limiter.acquire(bot(1), soon()).await.unwrap());
        // The global budget (1 per second) is used up: a bot request cannot go before `soon`.
        let Refused::NoSlot(refused) = limiter.acquire(bot(2), soon()).await.unwrap_err() else {
            panic!("not a NoSlot")
        };
        assert_eq!(refused.bucket, "global");
        let webhook = BucketKey::from(Route::ExecuteWebhook {
            webhook_id: 3,
            webhook_token: WebhookToken::new("t"),
        });
        let slot = limiter
            .acquire_in(webhook, GlobalScope::Exempt, soon())
            .await
            .unwrap();
        assert!(slot.waited < Duration::from_millis(50), "{:?}", slot.waited);
        drop(slot);
        // Nor for a global 429's pause.
        limiter.pause_global(Duration::from_secs(30)).await;
        assert!(
            limiter
                .acquire_in(webhook, GlobalScope::Exempt, soon())
                .await
                .is_ok()
        );
        assert!(limiter.acquire(bot(4), soon()).await.is_err());
    }

    #[tokio::test]
    async fn routes_with_one_bucket_id_share_it() {
        let limiter = RateLimiter::new(50);
        let deadline = Instant::now() + Duration::from_secs(1);
        let a = BucketKey::from(Route::Channel { channel_id: 1 });
        let b = BucketKey::from(Route::CreateMessage { channel_id: 1 });
        let first = limiter.acquire(a, deadline).await.unwrap();
        let bucket_a = Arc::clone(first.permit.bucket());
        bucket_a.observe(&BucketHeaders {
            limit: 2,
            remaining: 1,
            reset_after: Duration::from_secs(5),
            reset: Some(1.0),
            bucket: Some("h".into()),
        });
        limiter.learn_bucket_id(a, &bucket_a, "h");
        let second = limiter.acquire(b, deadline).await.unwrap();
        limiter.learn_bucket_id(b, second.permit.bucket(), "h");
        drop((first, second));
        // Route b now uses route a's bucket, which has one slot left in its window.
        assert!(Arc::ptr_eq(&limiter.bucket(b), &bucket_a));
    }

    #[tokio::test]
    async fn requests_of_a_bucket_leave_in_arrival_order() {
        let limiter = Arc::new(RateLimiter::new(50));
        let route = BucketKey::from(Route::CreateMessage { channel_id: 9 });
        let deadline = Instant::now() + Duration::from_secs(5);
        // Learn a window of 2 per 200 ms.
        let slot = limiter.acquire(route, deadline).await.unwrap();
        slot.permit.bucket().observe(&BucketHeaders {
            limit: 2,
            remaining: 1,
            reset_after: Duration::from_millis(200),
            reset: Some(1.0),
            bucket: None,
        });
        let mut first = Some(slot);
        let order = Arc::new(Mutex::new(Vec::new()));
        let mut tasks = Vec::new();
        for index in 0..6 {
            let limiter = Arc::clone(&limiter);
            let order = Arc::clone(&order);
            tasks.push(tokio::spawn(async move {
                let mut slot = limiter.acquire(route, deadline).await.unwrap();
                order.lock().unwrap().push(index);
                slot.permit.sent();
            }));
            tokio::task::yield_now().await;
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
        if let Some(mut slot) = first.take() {
            slot.permit.sent();
        }
        for task in tasks {
            task.await.unwrap();
        }
        assert_eq!(*order.lock().unwrap(), vec![0, 1, 2, 3, 4, 5]);
    }
}
