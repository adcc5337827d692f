//! Where the rate-limit state lives: the [`LimitStore`] trait, with the embedded
//! [`MemoryStore`] (one instance: every bucket window and the global limit in this process,
//! the default) and [`RedisStore`](super::redis_store::RedisStore) (several instances of one
//! bot sharing them through Redis, `--redis-url`).
//!
//! Either way each instance keeps its buckets' local FIFO queues ([`Bucket::turn`]): only the
//! request at the head of a bucket's queue asks the store for a slot, so Redis sees one waiter
//! per bucket per instance.

use super::GlobalScope;
use super::bucket::{Bucket, NoSlot, Permit};
use super::global::GlobalLimit;
use super::headers::BucketHeaders;
use crate::discord::route::BucketKey;
use futures_util::future::BoxFuture;
use std::net::IpAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;
use tokio::time::Instant;

/// Why a request got no slot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refused {
    /// The bucket or the global limit cannot give one before the deadline.
    NoSlot(NoSlot),
    /// A Cloudflare ban of this instance's egress IP, known to the shared store, stops REST
    /// traffic for this long.
    Banned(Duration),
}

impl From<NoSlot> for Refused {
    fn from(no_slot: NoSlot) -> Self {
        Self::NoSlot(no_slot)
    }
}

/// What one answer told about its bucket.
#[derive(Debug, Clone, Copy, Default)]
pub struct Seen<'a> {
    /// The `X-RateLimit-*` headers, when the answer had them.
    pub headers: Option<&'a BucketHeaders>,
    /// A 2xx without rate-limit headers: the route is not limited.
    pub unlimited: bool,
    /// A 429 of this bucket (`user` or `shared` scope): nothing more for this long.
    pub limited: Option<Duration>,
}

/// The state behind [`RateLimiter`](super::RateLimiter): bucket windows, the global limit and
/// its pause, the ban stop and the invalid-request count.
pub trait LimitStore: Send + Sync + std::fmt::Debug {
    /// Takes a slot of `bucket` (requests of `route`) and, for a [`GlobalScope::Counted`]
    /// request, a place under the global limit, waiting as long as `deadline` allows. The
    /// caller holds the bucket's [`Turn`](super::bucket::Turn).
    fn take<'a>(
        &'a self,
        bucket: &'a Arc<Bucket>,
        route: BucketKey,
        scope: GlobalScope,
        deadline: Instant,
    ) -> BoxFuture<'a, Result<Permit, Refused>>;

    /// Records what the answer to `permit`'s request said about its bucket.
    fn observe<'a>(
        &'a self,
        permit: &'a mut Permit,
        route: BucketKey,
        seen: Seen<'a>,
    ) -> BoxFuture<'a, ()>;

    /// Pauses every counted request for `retry_after` (a global 429).
    fn pause_global(&self, retry_after: Duration) -> BoxFuture<'_, ()>;

    /// Records a Cloudflare ban of this instance's egress IP for `retry_after`.
    fn ban(&self, _retry_after: Duration) {}

    /// A ban of this instance's egress IP known to the store (another instance may have been
    /// banned on the same IP), and how long it lasts.
    fn banned_for(&self) -> Option<Duration> {
        None
    }

    /// Counts one invalid request (401, 403, 429 except `shared`) of this instance's egress IP.
    fn record_invalid(&self, _status: u16) {}

    /// Invalid requests of this instance's egress IP in the last 10 minutes across the
    /// deployment, when the store counts them (`None`: only the local count is known).
    fn invalid_in_window(&self) -> Option<u32> {
        None
    }

    /// The local address this instance's Discord requests leave from.
    fn egress_seen(&self, _ip: IpAddr) {}
}

/// The embedded store: the bucket windows in each [`Bucket`]'s own state and one
/// [`GlobalLimit`]. Exactly the behaviour of one instance without Redis.
#[derive(Debug)]
pub struct MemoryStore {
    global: GlobalLimit,
    /// Refilled windows give `1 / share` of their slots (1 but while a degraded Redis store
    /// runs on this one).
    share: AtomicU32,
}

impl MemoryStore {
    /// A store with a global limit of `global_per_second` requests per second.
    pub fn new(global_per_second: u16) -> Self {
        Self {
            global: GlobalLimit::new(global_per_second),
            share: AtomicU32::new(1),
        }
    }

    /// Limits this store to a `1 / instances` share: the global limit is `global_per_second /
    /// instances` (at least 1), and a refilled bucket window gives `limit / instances` slots
    /// (at least 1).
    pub fn set_share(&self, global_per_second: u16, instances: u32) {
        let instances = instances.max(1);
        self.share.store(instances, Ordering::Relaxed);
        let share = usize::from(global_per_second) / usize::try_from(instances).unwrap_or(1);
        self.global.set_limit(share);
    }

    /// The global limit.
    pub fn global(&self) -> &GlobalLimit {
        &self.global
    }

    /// [`LimitStore::take`] without boxing.
    ///
    /// # Errors
    /// [`Refused::NoSlot`] when no slot comes before `deadline`.
    pub async fn take_local(
        &self,
        bucket: &Arc<Bucket>,
        scope: GlobalScope,
        deadline: Instant,
    ) -> Result<Permit, Refused> {
        let share = self.share.load(Ordering::Relaxed);
        let permit = bucket.slot_shared(deadline, share).await?;
        if scope == GlobalScope::Counted
            && let Err(wait) = self.global.acquire(deadline).await
        {
            return Err(Refused::NoSlot(NoSlot {
                bucket: "global".into(),
                wait,
            }));
        }
        permit.leave();
        Ok(permit)
    }

    /// [`LimitStore::observe`] without boxing: updates the bucket's local state; `mirrored`:
    /// the permit was granted by a shared store (see [`Bucket::observe_mirrored`]).
    pub fn observe_local(permit: &Permit, seen: Seen<'_>, mirrored: bool) {
        let bucket = permit.bucket();
        if let Some(headers) = seen.headers {
            if mirrored {
                bucket.observe_mirrored(headers);
            } else {
                bucket.observe(headers);
            }
        } else if seen.unlimited {
            bucket.observe_unlimited();
        }
        if let Some(retry_after) = seen.limited {
            bucket.observe_limited(retry_after);
        }
    }
}

impl LimitStore for MemoryStore {
    fn take<'a>(
        &'a self,
        bucket: &'a Arc<Bucket>,
        _route: BucketKey,
        scope: GlobalScope,
        deadline: Instant,
    ) -> BoxFuture<'a, Result<Permit, Refused>> {
        Box::pin(self.take_local(bucket, scope, deadline))
    }

    fn observe<'a>(
        &'a self,
        permit: &'a mut Permit,
        _route: BucketKey,
        seen: Seen<'a>,
    ) -> BoxFuture<'a, ()> {
        Self::observe_local(permit, seen, false);
        Box::pin(std::future::ready(()))
    }

    fn pause_global(&self, retry_after: Duration) -> BoxFuture<'_, ()> {
        self.global.pause(retry_after);
        Box::pin(std::future::ready(()))
    }
}
