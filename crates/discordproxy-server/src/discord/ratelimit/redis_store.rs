//! [`RedisStore`]: the rate-limit state of several instances of one bot, in Redis.
//!
//! - **Global limit**: a sliding log (sorted set `global`, Redis time) of the requests granted
//!   in the last 1,100 ms ([`SHARED_WINDOW`]) across the deployment; a global 429's pause is the key `pause`.
//! - **Buckets**: one hash per Discord bucket and major parameter (see
//!   [`scripts`](crate::discord::redis::scripts)); a request takes a bucket slot and a global
//!   place in one script, both or neither, so the two can never disagree.
//! - **Ban and invalid requests**: per egress IP (`ban:{ip}`, `invalid:{ip}`), as Discord
//!   counts them.
//! - **Instances**: each instance's heartbeat (sorted set `instances`, 3 s TTL) gives the live
//!   count.
//!
//! When Redis is degraded (see [`RedisShared`]), requests go through the embedded
//! [`MemoryStore`] with a `1 / live instances` share: the global limit divided by the last
//! known number of instances, and refilled bucket windows divided too, so the deployment
//! stays under Discord's limits without talking. Nothing fails because of Redis. When the
//! heartbeat reaches Redis again, this instance's recent requests, open bucket windows,
//! pause and ban are written back (a Redis that restarted empty learns them again), then the
//! shared limits apply again; for two more seconds counted requests also keep to the local
//! share, as other instances may not have noticed yet.

use super::GlobalScope;
use super::bucket::{Bucket, NoSlot, Permit, Ticket};
use super::store::{LimitStore, MemoryStore, Refused, Seen};
use crate::discord::redis::{RedisShared, scripts};
use crate::discord::route::BucketKey;
use futures_util::future::BoxFuture;
use redis::Value;
use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;
use tokio::time::Instant;

/// The window of the shared global limit: a second, plus 100 ms for the spread of the
/// instances' ways to Discord (their network latency, their schedulers): grants are spaced by
/// Redis's clock, arrivals by Discord's. With the 20 ms margin of one instance, the e2e test
/// of three instances saw up to 56 arrivals in one second (at 50 grants per 1,020 ms); with
/// 100 ms, never more than 50.
pub const SHARED_WINDOW: Duration = Duration::from_millis(1100);
/// How long a granted request counts as in flight in Redis when its instance never tells the
/// answer (it died): other instances' discovery waits at most this long.
const IN_FLIGHT_LEASE: Duration = Duration::from_secs(10);
/// How long a bucket hash lives in Redis after its last use.
const BUCKET_TTL: Duration = Duration::from_secs(600);
/// How long a route → Discord bucket id alias lives after its last answer.
const ALIAS_TTL: Duration = Duration::from_secs(86_400);
/// How often a request waiting for another instance's in-flight request asks again.
const POLL: Duration = Duration::from_millis(20);
/// Heartbeat period while Redis is healthy, and while degraded.
const HEARTBEAT: Duration = Duration::from_secs(1);
const HEARTBEAT_DEGRADED: Duration = Duration::from_millis(500);
/// An instance without a heartbeat for this long is not counted as live.
const INSTANCE_TTL: Duration = Duration::from_secs(3);
/// After Redis came back, counted requests also keep to the local share of the global limit
/// this long: other instances may still be degraded, sending on their share without Redis
/// knowing (they notice within a heartbeat of 500 ms).
const RECOVERY_GRACE: Duration = Duration::from_secs(2);
/// Buckets remembered for rebuilding Redis.
const KNOWN_BUCKETS: usize = 4096;

/// The Redis-backed [`LimitStore`] (`--redis-url`).
#[derive(Debug)]
pub struct RedisStore {
    shared: Arc<RedisShared>,
    /// The local limiter while Redis is degraded (a `1 / instances` share).
    fallback: MemoryStore,
    global_per_second: u16,
    /// `--discord-source-ip`: the egress address is known and fixed.
    fixed_egress: bool,
    sequence: AtomicU64,
    /// A ban of the egress IP known from Redis or from this instance's own 429.
    ban_until: Mutex<Option<Instant>>,
    /// Invalid requests of the egress IP in the window (`u32::MAX`: not known yet).
    invalid: AtomicU32,
    invalid_budget: u32,
    /// The warning level (0, 50, 80) of the shared invalid-request count already logged.
    warned: AtomicU32,
    /// Buckets this instance used, to write their windows back after a Redis outage.
    known: Mutex<HashMap<BucketKey, Weak<Bucket>>>,
    /// The degraded episode whose open windows were closed ([`Self::enter_fallback`]).
    closed_episode: AtomicU64,
    /// When Redis came back last (see [`RECOVERY_GRACE`]).
    recovered_at: Mutex<Option<Instant>>,
}

/// What the acquire script answered.
#[derive(Debug, PartialEq, Eq)]
enum Acquired {
    Go { counted: bool },
    Wait { wait: Duration, global: bool },
    Ban(Duration),
}

fn parse_acquired(value: &Value) -> Option<Acquired> {
    let Value::Array(items) = value else {
        return None;
    };
    let text = |index: usize| match items.get(index) {
        Some(Value::BulkString(bytes)) => std::str::from_utf8(bytes).ok().map(str::to_owned),
        Some(Value::SimpleString(text)) => Some(text.clone()),
        _ => None,
    };
    let number = |index: usize| match items.get(index) {
        Some(Value::Int(number)) => Some(u64::try_from(*number).unwrap_or(0)),
        _ => None,
    };
    match text(0)?.as_str() {
        "go" => Some(Acquired::Go {
            counted: number(1)? == 1,
        }),
        "wait" => Some(Acquired::Wait {
            wait: Duration::from_millis(number(1)?.max(1)),
            global: text(2).as_deref() == Some("global"),
        }),
        "ban" => Some(Acquired::Ban(Duration::from_millis(number(1)?))),
        _ => None,
    }
}

/// Keys and arguments naming one route's bucket in Redis.
#[derive(Debug, Clone)]
struct BucketRef {
    alias: String,
    prefix: String,
    route_id: String,
    major: String,
}

impl BucketRef {
    fn new(shared: &RedisShared, route: BucketKey) -> Self {
        Self {
            alias: shared.key(&format!("a:{}|{}", route.template, route.major)),
            prefix: shared.key("b:"),
            route_id: format!("r:{}", route.template),
            major: route.major.to_string(),
        }
    }
}

fn millis(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}

/// One observe-script call.
#[derive(Debug, Default)]
struct Observation<'a> {
    headers: Option<&'a super::headers::BucketHeaders>,
    unlimited: bool,
    limited: Option<Duration>,
    granted: bool,
    give_back: bool,
}

async fn observe_in_redis(
    shared: &RedisShared,
    bucket: &BucketRef,
    seen: &Observation<'_>,
    always: bool,
) -> Result<(), String> {
    let mut kind = String::new();
    if seen.headers.is_some() {
        kind.push('h');
    }
    if seen.limited.is_some() {
        kind.push('l');
    } else if seen.unlimited {
        kind.push('u');
    }
    if kind.is_empty() {
        kind.push('n');
    }
    let headers = seen.headers;
    let mut invocation = scripts::OBSERVE_SCRIPT.key(&bucket.alias);
    invocation
        .arg(&bucket.prefix)
        .arg(&bucket.route_id)
        .arg(&bucket.major)
        .arg(kind)
        .arg(if seen.granted { "1" } else { "0" })
        .arg(headers.map_or(0, |h| h.limit))
        .arg(headers.map_or(0, |h| h.remaining))
        .arg(headers.map_or(0, |h| millis(h.reset_after)))
        .arg(
            headers
                .and_then(|h| h.reset)
                .map_or_else(String::new, |reset| format!("{reset:.3}")),
        )
        .arg(headers.and_then(|h| h.bucket.clone()).unwrap_or_default())
        .arg(seen.limited.map_or(0, millis))
        .arg(if seen.give_back { "1" } else { "0" })
        .arg(millis(BUCKET_TTL))
        .arg(millis(ALIAS_TTL));
    let mut connection = shared.connection();
    let call = async move { invocation.invoke_async::<i64>(&mut connection).await };
    if always {
        shared.timed(call).await.map(drop)
    } else {
        match shared.call("observe", call).await {
            Some(_) => Ok(()),
            None => Err("degraded".into()),
        }
    }
}

/// The store's hold on a permit Redis granted: an unobserved end (no answer, never sent)
/// ends the in-flight lease and gives an unsent slot back.
#[derive(Debug)]
struct RedisTicket {
    shared: Arc<RedisShared>,
    bucket: BucketRef,
}

impl Ticket for RedisTicket {
    fn unobserved(&mut self, counted: bool, sent: bool) {
        if self.shared.degraded() || tokio::runtime::Handle::try_current().is_err() {
            return;
        }
        let shared = Arc::clone(&self.shared);
        let bucket = self.bucket.clone();
        tokio::spawn(async move {
            let seen = Observation {
                granted: true,
                give_back: counted && !sent,
                ..Observation::default()
            };
            let _ = observe_in_redis(&shared, &bucket, &seen, false).await;
        });
    }
}

impl RedisStore {
    /// A store on `shared` for a global limit of `global_per_second`, warning at 50% and 80%
    /// of `invalid_budget` invalid requests of the egress IP; `source_ip` is
    /// `--discord-source-ip`. Starts the heartbeat (when called inside a tokio runtime); it
    /// ends when the store is dropped.
    pub fn start(
        shared: Arc<RedisShared>,
        global_per_second: u16,
        invalid_budget: u32,
        source_ip: Option<IpAddr>,
    ) -> Arc<Self> {
        if let Some(ip) = source_ip {
            shared.set_egress(&ip.to_string());
        }
        let store = Arc::new(Self {
            shared,
            fallback: MemoryStore::new(global_per_second),
            global_per_second,
            fixed_egress: source_ip.is_some(),
            sequence: AtomicU64::new(0),
            ban_until: Mutex::new(None),
            invalid: AtomicU32::new(u32::MAX),
            invalid_budget: invalid_budget.max(1),
            warned: AtomicU32::new(0),
            known: Mutex::new(HashMap::new()),
            closed_episode: AtomicU64::new(0),
            recovered_at: Mutex::new(None),
        });
        if tokio::runtime::Handle::try_current().is_ok() {
            tokio::spawn(heartbeat(Arc::downgrade(&store)));
        }
        store
    }

    fn remember(&self, route: BucketKey, bucket: &Arc<Bucket>) {
        let mut known = self
            .known
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if known.len() >= KNOWN_BUCKETS && !known.contains_key(&route) {
            known.retain(|_, bucket| bucket.strong_count() > 0);
            if known.len() >= KNOWN_BUCKETS {
                return;
            }
        }
        known.insert(route, Arc::downgrade(bucket));
    }

    /// The first request of a degraded episode closes every bucket window open now: other
    /// instances may have used its slots, and nobody can tell. The next windows give this
    /// instance its `1 / instances` share.
    fn enter_fallback(&self) {
        let episode = self.shared.episodes();
        if self.closed_episode.swap(episode, Ordering::Relaxed) == episode {
            return;
        }
        let now = Instant::now();
        let buckets: Vec<Arc<Bucket>> = self
            .known
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .values()
            .filter_map(Weak::upgrade)
            .collect();
        for bucket in buckets {
            bucket.close_window(now);
        }
    }

    /// [`MemoryStore::take_local`] of the degraded fallback.
    async fn take_fallback(
        &self,
        bucket: &Arc<Bucket>,
        scope: GlobalScope,
        deadline: Instant,
    ) -> Result<Permit, Refused> {
        self.enter_fallback();
        self.fallback.take_local(bucket, scope, deadline).await
    }

    fn set_ban(&self, left: Duration) {
        let until = Instant::now() + left;
        let mut ban = self
            .ban_until
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        *ban = Some(ban.map_or(until, |known| known.max(until)));
    }

    async fn acquire(&self, bucket: &BucketRef, scope: GlobalScope) -> Option<Acquired> {
        let member = format!(
            "{}:{}",
            self.shared.instance(),
            self.sequence.fetch_add(1, Ordering::Relaxed)
        );
        let egress = self.shared.egress();
        let mut invocation = scripts::ACQUIRE_SCRIPT.key(&bucket.alias);
        invocation
            .key(self.shared.key("global"))
            .key(self.shared.key("pause"))
            .key(self.shared.key(&format!("ban:{egress}")))
            .arg(&bucket.prefix)
            .arg(&bucket.route_id)
            .arg(&bucket.major)
            .arg(if scope == GlobalScope::Counted {
                "1"
            } else {
                "0"
            })
            .arg(self.global_per_second)
            .arg(millis(SHARED_WINDOW))
            .arg(member)
            .arg(millis(IN_FLIGHT_LEASE))
            .arg(millis(BUCKET_TTL))
            .arg(millis(POLL));
        let mut connection = self.shared.connection();
        let value = self
            .shared
            .call("acquire", async move {
                invocation.invoke_async::<Value>(&mut connection).await
            })
            .await?;
        let parsed = parse_acquired(&value);
        if parsed.is_none() {
            self.shared
                .degrade("acquire", &format!("unexpected answer {value:?}"));
        }
        parsed
    }

    async fn take_shared(
        &self,
        bucket: &Arc<Bucket>,
        route: BucketKey,
        scope: GlobalScope,
        deadline: Instant,
    ) -> Result<Permit, Refused> {
        self.remember(route, bucket);
        let key = BucketRef::new(&self.shared, route);
        let in_grace = self
            .recovered_at
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .is_some_and(|at| at.elapsed() < RECOVERY_GRACE);
        let mut local_place = false;
        if in_grace && scope == GlobalScope::Counted {
            // Also a place in this instance's share (recorded there).
            if let Err(wait) = self.fallback.global().acquire(deadline).await {
                return Err(Refused::NoSlot(NoSlot {
                    bucket: "global".into(),
                    wait,
                }));
            }
            local_place = true;
        }
        loop {
            let Some(acquired) = self.acquire(&key, scope).await else {
                // Degraded: the local share decides.
                return self.take_fallback(bucket, scope, deadline).await;
            };
            match acquired {
                Acquired::Go { counted } => {
                    if scope == GlobalScope::Counted && !local_place {
                        self.fallback.global().record(Instant::now());
                    }
                    let mut permit = bucket.granted(counted);
                    permit.attach(Box::new(RedisTicket {
                        shared: Arc::clone(&self.shared),
                        bucket: key,
                    }));
                    return Ok(permit);
                }
                Acquired::Wait { wait, global } => {
                    let now = Instant::now();
                    if now + wait > deadline {
                        let name = if global { "global" } else { bucket.name() };
                        return Err(Refused::NoSlot(NoSlot {
                            bucket: name.to_owned(),
                            wait,
                        }));
                    }
                    if global {
                        tokio::time::sleep(wait).await;
                    } else {
                        bucket.changed_or(now + wait).await;
                    }
                }
                Acquired::Ban(left) => {
                    self.set_ban(left);
                    return Err(Refused::Banned(left));
                }
            }
        }
    }

    /// One heartbeat: registers this instance, reads the live count, the egress IP's ban and
    /// invalid count; after an outage, rebuilds Redis and ends the degraded state.
    async fn beat(&self) {
        self.shared.account_degraded();
        let egress = self.shared.egress();
        let mut invocation = scripts::HEARTBEAT_SCRIPT.key(self.shared.key("instances"));
        invocation
            .key(self.shared.key(&format!("ban:{egress}")))
            .key(self.shared.key(&format!("invalid:{egress}")))
            .arg(self.shared.instance())
            .arg(millis(INSTANCE_TTL));
        let mut connection = self.shared.connection();
        let answer = self
            .shared
            .timed(async move {
                invocation
                    .invoke_async::<(u32, i64, u32)>(&mut connection)
                    .await
            })
            .await;
        match answer {
            Ok((live, ban_ms, invalid)) => {
                self.shared.set_live_instances(live);
                self.fallback
                    .set_share(self.global_per_second, self.shared.live_instances());
                if ban_ms > 0 {
                    self.set_ban(Duration::from_millis(u64::try_from(ban_ms).unwrap_or(0)));
                }
                self.set_invalid(invalid);
                if self.shared.degraded() {
                    match self.rebuild().await {
                        Ok(()) => {
                            *self
                                .recovered_at
                                .lock()
                                .unwrap_or_else(std::sync::PoisonError::into_inner) =
                                Some(Instant::now());
                            self.shared.recover();
                        }
                        Err(reason) => tracing::debug!(reason, "rebuilding Redis failed"),
                    }
                }
            }
            Err(reason) => self.shared.degrade("heartbeat", &reason),
        }
    }

    /// Writes this instance's state back into Redis after an outage.
    async fn rebuild(&self) -> Result<(), String> {
        let now = Instant::now();
        let (ages, pause) = self.fallback.global().recent(now);
        if !ages.is_empty() {
            let mut invocation = scripts::SEED_GLOBAL_SCRIPT.key(self.shared.key("global"));
            invocation.arg(millis(SHARED_WINDOW)).arg(format!(
                "{}:seed{}",
                self.shared.instance(),
                fastrand::u32(..)
            ));
            for age in ages {
                invocation.arg(millis(age));
            }
            let mut connection = self.shared.connection();
            self.shared
                .timed(async move { invocation.invoke_async::<i64>(&mut connection).await })
                .await?;
        }
        if let Some(pause) = pause {
            self.extend("pause", pause).await?;
        }
        let ban = *self
            .ban_until
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(left) = ban.and_then(|until| until.checked_duration_since(now)) {
            let egress = self.shared.egress();
            self.extend(&format!("ban:{egress}"), left).await?;
        }
        let buckets: Vec<(BucketKey, Arc<Bucket>)> = self
            .known
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .iter()
            .filter_map(|(route, bucket)| Some((*route, bucket.upgrade()?)))
            .collect();
        for (route, bucket) in buckets {
            let Some((limit, remaining, left, window)) = bucket.open_window(now) else {
                continue;
            };
            let headers = super::headers::BucketHeaders {
                limit,
                remaining,
                reset_after: left,
                reset: window,
                bucket: None,
            };
            let seen = Observation {
                headers: Some(&headers),
                ..Observation::default()
            };
            observe_in_redis(
                &self.shared,
                &BucketRef::new(&self.shared, route),
                &seen,
                true,
            )
            .await?;
        }
        Ok(())
    }

    async fn extend(&self, key: &str, left: Duration) -> Result<(), String> {
        let mut invocation = scripts::EXTEND_SCRIPT.key(self.shared.key(key));
        invocation.arg(millis(left).max(1));
        let mut connection = self.shared.connection();
        self.shared
            .timed(async move { invocation.invoke_async::<i64>(&mut connection).await })
            .await
            .map(drop)
    }

    fn set_invalid(&self, count: u32) {
        self.invalid.store(count, Ordering::Relaxed);
        let percent = u64::from(count) * 100 / u64::from(self.invalid_budget);
        let level = match percent {
            80.. => 80,
            50.. => 50,
            _ => 0,
        };
        let warned = self.warned.swap(level, Ordering::Relaxed);
        if level > warned {
            tracing::warn!(
                invalid_requests = count,
                budget = self.invalid_budget,
                egress = %self.shared.egress(),
                "{level}% of the invalid-request budget of this egress IP used in the last 10 \
                 minutes by the deployment's instances; Discord bans the IP (Cloudflare) at {} \
                 invalid requests (401, 403, 429)",
                self.invalid_budget
            );
        }
    }
}

async fn heartbeat(store: Weak<RedisStore>) {
    loop {
        let Some(strong) = store.upgrade() else {
            return;
        };
        strong.beat().await;
        let period = if strong.shared.degraded() {
            HEARTBEAT_DEGRADED
        } else {
            HEARTBEAT
        };
        drop(strong);
        tokio::time::sleep(period).await;
    }
}

impl LimitStore for RedisStore {
    fn take<'a>(
        &'a self,
        bucket: &'a Arc<Bucket>,
        route: BucketKey,
        scope: GlobalScope,
        deadline: Instant,
    ) -> BoxFuture<'a, Result<Permit, Refused>> {
        Box::pin(async move {
            if self.shared.degraded() {
                self.remember(route, bucket);
                return self.take_fallback(bucket, scope, deadline).await;
            }
            self.take_shared(bucket, route, scope, deadline).await
        })
    }

    fn observe<'a>(
        &'a self,
        permit: &'a mut Permit,
        route: BucketKey,
        seen: Seen<'a>,
    ) -> BoxFuture<'a, ()> {
        let ticket = permit.take_ticket();
        MemoryStore::observe_local(permit, seen, ticket.is_some());
        Box::pin(async move {
            if ticket.is_none() || self.shared.degraded() {
                // A local bucket, or granted while degraded (the rebuild writes its window).
                return;
            }
            let observation = Observation {
                headers: seen.headers,
                unlimited: seen.unlimited,
                limited: seen.limited,
                granted: true,
                give_back: false,
            };
            let key = BucketRef::new(&self.shared, route);
            let _ = observe_in_redis(&self.shared, &key, &observation, false).await;
        })
    }

    fn pause_global(&self, retry_after: Duration) -> BoxFuture<'_, ()> {
        self.fallback.global().pause(retry_after);
        Box::pin(async move {
            let mut invocation = scripts::EXTEND_SCRIPT.key(self.shared.key("pause"));
            invocation.arg(millis(retry_after).max(1));
            let mut connection = self.shared.connection();
            let _ = self
                .shared
                .call("pause", async move {
                    invocation.invoke_async::<i64>(&mut connection).await
                })
                .await;
        })
    }

    fn ban(&self, retry_after: Duration) {
        self.set_ban(retry_after);
        if self.shared.degraded() || tokio::runtime::Handle::try_current().is_err() {
            return;
        }
        let shared = Arc::clone(&self.shared);
        tokio::spawn(async move {
            let egress = shared.egress();
            let mut invocation = scripts::EXTEND_SCRIPT.key(shared.key(&format!("ban:{egress}")));
            invocation.arg(millis(retry_after).max(1));
            let mut connection = shared.connection();
            let _ = shared
                .call("ban", async move {
                    invocation.invoke_async::<i64>(&mut connection).await
                })
                .await;
        });
    }

    fn banned_for(&self) -> Option<Duration> {
        let until = (*self
            .ban_until
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner))?;
        until.checked_duration_since(Instant::now())
    }

    fn record_invalid(&self, _status: u16) {
        if self.shared.degraded() || tokio::runtime::Handle::try_current().is_err() {
            return;
        }
        let shared = Arc::clone(&self.shared);
        let egress = shared.egress();
        let key = shared.key(&format!("invalid:{egress}"));
        // The count comes back with the next heartbeat too; the task only increments.
        tokio::spawn(async move {
            let mut invocation = scripts::INVALID_SCRIPT.key(key);
            invocation.arg("1");
            let mut connection = shared.connection();
            let _ = shared
                .call("invalid", async move {
                    invocation.invoke_async::<u32>(&mut connection).await
                })
                .await;
        });
    }

    fn invalid_in_window(&self) -> Option<u32> {
        if self.shared.degraded() {
            return None;
        }
        Some(self.invalid.load(Ordering::Relaxed)).filter(|&count| count != u32::MAX)
    }

    fn egress_seen(&self, ip: IpAddr) {
        if !self.fixed_egress {
            self.shared.set_egress(&ip.to_string());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_answers_parse() {
        let bulk = |text: &str| Value::BulkString(text.as_bytes().to_vec());
        assert_eq!(
            parse_acquired(&Value::Array(vec![bulk("go"), Value::Int(1)])),
            Some(Acquired::Go { counted: true })
        );
        assert_eq!(
            parse_acquired(&Value::Array(vec![
                bulk("wait"),
                Value::Int(250),
                bulk("global")
            ])),
            Some(Acquired::Wait {
                wait: Duration::from_millis(250),
                global: true
            })
        );
        assert_eq!(
            parse_acquired(&Value::Array(vec![bulk("ban"), Value::Int(5000)])),
            Some(Acquired::Ban(Duration::from_secs(5)))
        );
        assert_eq!(parse_acquired(&Value::Int(1)), None);
    }
}
