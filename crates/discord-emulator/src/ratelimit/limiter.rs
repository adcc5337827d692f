//! The rate-limit state: per-route buckets, the global limit, invalid-request accounting and
//! Cloudflare bans.
//!
//! Every method takes the current [`Instant`] so tests can drive time by hand. Buckets are
//! fixed windows like Discord's: the first request after a reset opens a window of `per`; within
//! it `limit` requests pass, the next ones get 429 until the window ends.

use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use super::config::{RateLimitConfig, RateLimits, RouteLimit};
use super::route::{Route, normalize_key};

/// Above this many buckets, expired ones are forgotten (memory stays bounded).
const BUCKET_GC_THRESHOLD: usize = 10_000;
/// The invalid-request window is counted in this many slots (memory per IP stays bounded).
const INVALID_SLOTS: u32 = 600;
/// At most this many buckets are listed by the stats.
const STATS_BUCKETS_MAX: usize = 1_000;
/// The global window.
const GLOBAL_WINDOW: Duration = Duration::from_secs(1);

/// The scope of a 429 (`X-RateLimit-Scope`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Scope {
    /// A per-route bucket of this bot.
    User,
    /// The bot's global limit.
    Global,
    /// A limit shared by every user of a resource (not counted as invalid).
    Shared,
}

impl Scope {
    /// The header value.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Self::User => "user",
            Self::Global => "global",
            Self::Shared => "shared",
        }
    }

    /// Parses a header or fault value.
    pub(crate) fn parse(text: &str) -> Option<Self> {
        match text {
            "user" => Some(Self::User),
            "global" => Some(Self::Global),
            "shared" => Some(Self::Shared),
            _ => None,
        }
    }
}

/// The bucket state sent in `X-RateLimit-*` headers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct BucketHeaders {
    pub(crate) limit: u32,
    pub(crate) remaining: u32,
    pub(crate) reset_after: Duration,
    /// The opaque `X-RateLimit-Bucket` hash.
    pub(crate) bucket: String,
}

/// A request refused with 429.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RateLimited {
    pub(crate) scope: Scope,
    pub(crate) retry_after: Duration,
    /// The route bucket's headers (none for the global limit).
    pub(crate) headers: Option<BucketHeaders>,
}

/// What to do with a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Decision {
    /// No limit applies (mode off, no valid token): handle it, no rate-limit headers.
    Pass,
    /// Handle it and send these headers.
    Allow(BucketHeaders),
    /// Answer 429.
    Limit(RateLimited),
    /// The client IP is banned: answer like Cloudflare.
    Banned { retry_after: Duration },
}

/// What the edge saw in a response, for the counters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Outcome<'a> {
    pub(crate) status: u16,
    /// `X-RateLimit-Scope` of the response, if any.
    pub(crate) scope: Option<&'a str>,
    /// A Cloudflare ban answer (not counted as an invalid request).
    pub(crate) cloudflare: bool,
}

/// A 32-hex-digit opaque bucket id derived from its name (stable across runs).
pub(crate) fn bucket_hash(name: &str) -> String {
    let fnv = |seed: u64| {
        name.bytes().fold(seed, |hash, byte| {
            (hash ^ u64::from(byte)).wrapping_mul(0x0000_0100_0000_01b3)
        })
    };
    format!(
        "{:016x}{:016x}",
        fnv(0xcbf2_9ce4_8422_2325),
        fnv(0x6c62_272e_07bb_0142)
    )
}

/// A route's limit with its bucket id.
#[derive(Debug, Clone)]
struct Compiled {
    limit: u32,
    per: Duration,
    hash: String,
}

/// One bucket (route bucket + major parameter).
#[derive(Debug, Clone)]
struct Bucket {
    /// The template of the route that opened it, for the stats.
    route: String,
    major: Option<String>,
    limit: u32,
    per: Duration,
    remaining: u32,
    /// End of the current window; `None` before the first request.
    reset_at: Option<Instant>,
    requests: u64,
    limited: u64,
}

impl Bucket {
    /// Starts a new window if the old one ended.
    fn roll(&mut self, now: Instant) {
        if self.reset_at.is_none_or(|reset_at| now >= reset_at) {
            self.reset_at = None;
            self.remaining = self.limit;
        }
    }

    fn reset_after(&self, now: Instant) -> Duration {
        self.reset_at
            .map_or(self.per, |reset_at| reset_at.saturating_duration_since(now))
    }
}

/// Invalid requests of one client IP, counted in slots of `window / 600`.
#[derive(Debug, Default)]
struct InvalidWindow {
    slots: VecDeque<(Instant, u32)>,
    count: u64,
}

impl InvalidWindow {
    fn prune(&mut self, now: Instant, window: Duration) {
        while let Some((start, count)) = self.slots.front().copied() {
            if now.saturating_duration_since(start) >= window {
                self.slots.pop_front();
                self.count -= u64::from(count);
            } else {
                break;
            }
        }
    }

    fn add(&mut self, now: Instant, window: Duration) {
        self.prune(now, window);
        let width = (window / INVALID_SLOTS).max(Duration::from_millis(1));
        match self.slots.back_mut() {
            Some((start, count)) if now.saturating_duration_since(*start) < width => *count += 1,
            _ => self.slots.push_back((now, 1)),
        }
        self.count += 1;
    }
}

/// Counters reported by `GET /_emulator/stats`.
#[derive(Debug, Default, Clone)]
pub(crate) struct Counters {
    /// REST requests that reached the edge.
    pub(crate) requests: u64,
    pub(crate) rate_limited_user: u64,
    pub(crate) rate_limited_global: u64,
    pub(crate) rate_limited_shared: u64,
    /// 429s without a known scope (e.g. a custom fault).
    pub(crate) rate_limited_other: u64,
    /// Cloudflare ban answers (`error code: 1015`).
    pub(crate) cloudflare_answers: u64,
    /// Bans imposed.
    pub(crate) bans: u64,
    /// Invalid requests ever counted.
    pub(crate) invalid_total: u64,
}

/// The rate-limit state of one emulator.
#[derive(Debug)]
pub(crate) struct Limiter {
    config: RateLimitConfig,
    /// Normalized route key → limit.
    routes: HashMap<String, Compiled>,
    buckets: HashMap<(String, Option<String>), Bucket>,
    global_remaining: u32,
    global_reset_at: Option<Instant>,
    invalid: HashMap<IpAddr, InvalidWindow>,
    /// Client IP → end of its ban.
    bans: HashMap<IpAddr, Instant>,
    counters: Counters,
}

impl Limiter {
    /// A fresh state for `config`.
    pub(crate) fn new(config: RateLimitConfig) -> Self {
        let routes = config
            .routes
            .iter()
            .map(|(key, limit)| (normalize_key(key), compile(key, limit)))
            .collect();
        Self {
            global_remaining: config.global_per_second,
            config,
            routes,
            buckets: HashMap::new(),
            global_reset_at: None,
            invalid: HashMap::new(),
            bans: HashMap::new(),
            counters: Counters::default(),
        }
    }

    /// Forgets every bucket, count and ban (`POST /_emulator/reset`).
    pub(crate) fn reset(&mut self) {
        *self = Self::new(self.config.clone());
    }

    /// The limit for `route`: its table entry or the default (a bucket per route template).
    fn compiled(&self, route: &Route) -> Compiled {
        let key = normalize_key(&route.template);
        self.routes
            .get(&key)
            .cloned()
            .unwrap_or_else(|| compile(&route.template, &self.config.default_route))
    }

    /// The bucket of `route`, created on first use.
    fn bucket(&mut self, route: &Route, now: Instant) -> &mut Bucket {
        let compiled = self.compiled(route);
        if self.buckets.len() >= BUCKET_GC_THRESHOLD {
            self.buckets
                .retain(|_, bucket| bucket.reset_at.is_some_and(|reset_at| reset_at > now));
        }
        let bucket = self
            .buckets
            .entry((compiled.hash.clone(), route.major.clone()))
            .or_insert_with(|| Bucket {
                route: route.template.clone(),
                major: route.major.clone(),
                limit: compiled.limit,
                per: compiled.per,
                remaining: compiled.limit,
                reset_at: None,
                requests: 0,
                limited: 0,
            });
        bucket.roll(now);
        bucket
    }

    /// The end of `ip`'s ban, if it is banned at `now`.
    fn banned_until(&mut self, ip: IpAddr, now: Instant) -> Option<Instant> {
        match self.bans.get(&ip) {
            Some(until) if *until > now => Some(*until),
            Some(_) => {
                self.bans.remove(&ip);
                None
            }
            None => None,
        }
    }

    /// Decides what happens to a request of `route` from `ip`; `authorized` says whether it
    /// carries the bot token. Only those count towards the bot's global limit and buckets,
    /// except the token routes: they are never under the global limit and always in their
    /// token's bucket (they need no bot token, and one sent changes nothing).
    pub(crate) fn admit(
        &mut self,
        ip: IpAddr,
        route: &Route,
        authorized: bool,
        now: Instant,
    ) -> Decision {
        self.counters.requests += 1;
        if self.config.mode == RateLimits::Off {
            return Decision::Pass;
        }
        if let Some(until) = self.banned_until(ip, now) {
            return Decision::Banned {
                retry_after: until - now,
            };
        }
        if !authorized && !route.token_route {
            return Decision::Pass;
        }
        if !route.token_route {
            if self.global_reset_at.is_none_or(|reset_at| now >= reset_at) {
                self.global_reset_at = Some(now + GLOBAL_WINDOW);
                self.global_remaining = self.config.global_per_second;
            }
            if self.global_remaining == 0 {
                let reset_at = self.global_reset_at.unwrap_or(now);
                return Decision::Limit(RateLimited {
                    scope: Scope::Global,
                    retry_after: reset_at - now,
                    headers: None,
                });
            }
            self.global_remaining -= 1;
        }
        let compiled = self.compiled(route);
        let bucket = self.bucket(route, now);
        bucket.requests += 1;
        if bucket.remaining == 0 {
            bucket.limited += 1;
            let reset_after = bucket.reset_after(now);
            return Decision::Limit(RateLimited {
                scope: Scope::User,
                retry_after: reset_after,
                headers: Some(BucketHeaders {
                    limit: bucket.limit,
                    remaining: 0,
                    reset_after,
                    bucket: compiled.hash,
                }),
            });
        }
        if bucket.reset_at.is_none() {
            bucket.reset_at = Some(now + bucket.per);
        }
        bucket.remaining -= 1;
        Decision::Allow(BucketHeaders {
            limit: bucket.limit,
            remaining: bucket.remaining,
            reset_after: bucket.reset_after(now),
            bucket: compiled.hash,
        })
    }

    /// The headers a 429 of `route`'s bucket would carry with `retry_after` (for injected
    /// faults); does not change the bucket.
    pub(crate) fn fault_headers(&self, route: &Route, retry_after: Duration) -> BucketHeaders {
        let compiled = self.compiled(route);
        BucketHeaders {
            limit: compiled.limit,
            remaining: 0,
            reset_after: retry_after,
            bucket: compiled.hash,
        }
    }

    /// Counts a response: 429s by scope, invalid requests, and bans.
    pub(crate) fn record(&mut self, ip: IpAddr, outcome: Outcome<'_>, now: Instant) {
        let status = outcome.status;
        if status == 429 {
            if outcome.cloudflare {
                self.counters.cloudflare_answers += 1;
            } else {
                match outcome.scope.and_then(Scope::parse) {
                    Some(Scope::User) => self.counters.rate_limited_user += 1,
                    Some(Scope::Global) => self.counters.rate_limited_global += 1,
                    Some(Scope::Shared) => self.counters.rate_limited_shared += 1,
                    None => self.counters.rate_limited_other += 1,
                }
            }
        }
        let invalid = match status {
            401 | 403 => true,
            429 => !outcome.cloudflare && outcome.scope != Some("shared"),
            _ => false,
        };
        if !invalid {
            return;
        }
        self.counters.invalid_total += 1;
        let window = self.config.invalid_request_window;
        let counted = self.invalid.entry(ip).or_default();
        counted.add(now, window);
        if self.config.mode == RateLimits::Discord
            && counted.count > u64::from(self.config.invalid_request_limit)
        {
            tracing::warn!(%ip, "too many invalid requests: banning the client IP");
            self.invalid.remove(&ip);
            self.bans.insert(ip, now + self.config.ban_duration);
            self.counters.bans += 1;
        }
    }

    /// The counters.
    #[cfg(test)]
    pub(crate) fn counters(&self) -> &Counters {
        &self.counters
    }

    /// Invalid requests of every IP in the window at `now`.
    pub(crate) fn invalid_in_window(&mut self, now: Instant) -> u64 {
        let window = self.config.invalid_request_window;
        self.invalid
            .values_mut()
            .map(|counted| {
                counted.prune(now, window);
                counted.count
            })
            .sum()
    }

    /// The state reported by `GET /_emulator/stats` (`to_epoch` turns an instant into Unix
    /// seconds).
    pub(crate) fn stats(&mut self, now: Instant, to_epoch: impl Fn(Instant) -> f64) -> Value {
        let window = self.config.invalid_request_window;
        self.bans.retain(|_, until| *until > now);
        let in_window = self.invalid_in_window(now);
        let mut ips: Vec<IpAddr> = self
            .invalid
            .keys()
            .chain(self.bans.keys())
            .copied()
            .collect();
        ips.sort();
        ips.dedup();
        let by_ip: Vec<Value> = ips
            .into_iter()
            .map(|ip| {
                let count = self.invalid.get(&ip).map_or(0, |counted| counted.count);
                let until = self.bans.get(&ip).copied();
                json!({
                    "ip": ip.to_string(),
                    "in_window": count,
                    "banned_until": until.map(&to_epoch),
                    "banned_for": until.map(|until| seconds(until - now)),
                })
            })
            .collect();
        let banned_until = self.bans.values().max().copied();
        let mut buckets: Vec<&Bucket> = self.buckets.values().collect();
        buckets.sort_by(|a, b| (&a.route, &a.major).cmp(&(&b.route, &b.major)));
        let bucket_list: Vec<Value> = buckets
            .iter()
            .take(STATS_BUCKETS_MAX)
            .map(|bucket| {
                let active = bucket.reset_at.is_some_and(|reset_at| reset_at > now);
                json!({
                    "route": bucket.route,
                    "major": bucket.major,
                    "bucket": self.compiled_hash(&bucket.route),
                    "limit": bucket.limit,
                    "remaining": if active { bucket.remaining } else { bucket.limit },
                    "reset_after": if active { seconds(bucket.reset_after(now)) } else { 0.0 },
                    "requests": bucket.requests,
                    "rate_limited": bucket.limited,
                })
            })
            .collect();
        let counters = &self.counters;
        let global_active = self.global_reset_at.is_some_and(|reset_at| reset_at > now);
        json!({
            "rate_limits": match self.config.mode {
                RateLimits::Discord => "discord",
                RateLimits::Off => "off",
            },
            "scope_header": self.config.scope_header.as_str(),
            "requests": counters.requests,
            "rate_limited": {
                "user": counters.rate_limited_user,
                "global": counters.rate_limited_global,
                "shared": counters.rate_limited_shared,
                "other": counters.rate_limited_other,
                "total": counters.rate_limited_user
                    + counters.rate_limited_global
                    + counters.rate_limited_shared
                    + counters.rate_limited_other,
            },
            "invalid_requests": {
                "in_window": in_window,
                "total": counters.invalid_total,
                "limit": self.config.invalid_request_limit,
                "window": seconds(window),
                "by_ip": by_ip,
            },
            "cloudflare": {
                "answers": counters.cloudflare_answers,
                "bans": counters.bans,
                "banned_until": banned_until.map(&to_epoch),
            },
            "global": {
                "limit": self.config.global_per_second,
                "remaining": if global_active { self.global_remaining } else { self.config.global_per_second },
                "reset_after": if global_active {
                    seconds(self.global_reset_at.map_or(Duration::ZERO, |at| at - now))
                } else { 0.0 },
            },
            "buckets": bucket_list,
            "buckets_total": self.buckets.len(),
        })
    }

    /// The bucket hash of a route template.
    fn compiled_hash(&self, template: &str) -> String {
        self.routes
            .get(&normalize_key(template))
            .map_or_else(|| bucket_hash(&normalize_key(template)), |c| c.hash.clone())
    }
}

/// A route limit with its hash: the bucket name if set, else the route key.
fn compile(key: &str, limit: &RouteLimit) -> Compiled {
    let name = limit
        .bucket
        .as_ref()
        .map_or_else(|| normalize_key(key), |bucket| format!("bucket:{bucket}"));
    Compiled {
        limit: limit.limit,
        per: limit.per,
        hash: bucket_hash(&name),
    }
}

/// A duration in seconds, rounded up to the millisecond (so waiting it is always enough).
pub(crate) fn seconds(duration: Duration) -> f64 {
    let millis = duration.as_micros().div_ceil(1000);
    // Precision loss is irrelevant for rate-limit durations.
    #[allow(clippy::cast_precision_loss)]
    let millis = millis as f64;
    millis / 1000.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ratelimit::config::ScopeHeader;
    use crate::ratelimit::route::classify;

    const IP: IpAddr = IpAddr::V4(std::net::Ipv4Addr::LOCALHOST);

    fn config() -> RateLimitConfig {
        let mut config = RateLimitConfig::default();
        config.set_route(
            "POST /channels/{channel_id}/messages",
            RouteLimit::new(2, Duration::from_millis(500)),
        );
        config
    }

    fn post(channel: u64) -> Route {
        classify("POST", &format!("/api/v10/channels/{channel}/messages"))
    }

    #[test]
    fn buckets_are_fixed_windows_per_major_parameter() {
        let mut limiter = Limiter::new(config());
        let t0 = Instant::now();
        let Decision::Allow(first) = limiter.admit(IP, &post(1), true, t0) else {
            panic!()
        };
        assert_eq!(first.limit, 2);
        assert_eq!(first.remaining, 1);
        assert_eq!(first.reset_after, Duration::from_millis(500));
        let t1 = t0 + Duration::from_millis(100);
        let Decision::Allow(second) = limiter.admit(IP, &post(1), true, t1) else {
            panic!()
        };
        assert_eq!(second.remaining, 0);
        assert_eq!(second.reset_after, Duration::from_millis(400));
        assert_eq!(second.bucket, first.bucket);
        // Over the limit: 429 until the window ends.
        let t2 = t0 + Duration::from_millis(200);
        let Decision::Limit(limited) = limiter.admit(IP, &post(1), true, t2) else {
            panic!()
        };
        assert_eq!(limited.scope, Scope::User);
        assert_eq!(limited.retry_after, Duration::from_millis(300));
        assert_eq!(limited.headers.as_ref().unwrap().remaining, 0);
        // Another channel has its own bucket with the same hash.
        let Decision::Allow(other) = limiter.admit(IP, &post(2), true, t2) else {
            panic!()
        };
        assert_eq!(other.remaining, 1);
        assert_eq!(other.bucket, first.bucket);
        // After the reset a new window opens.
        let t3 = t0 + Duration::from_millis(500);
        let Decision::Allow(again) = limiter.admit(IP, &post(1), true, t3) else {
            panic!()
        };
        assert_eq!(again.remaining, 1);
        assert_eq!(again.reset_after, Duration::from_millis(500));
    }

    #[test]
    fn routes_have_distinct_stable_hashes_and_can_share_buckets() {
        let mut config = config();
        config.set_route(
            "GET /users/@me",
            RouteLimit {
                limit: 1,
                per: Duration::from_secs(1),
                bucket: Some("shared".into()),
            },
        );
        config.set_route(
            "GET /users/{user_id}",
            RouteLimit {
                limit: 1,
                per: Duration::from_secs(1),
                bucket: Some("shared".into()),
            },
        );
        let mut limiter = Limiter::new(config);
        let now = Instant::now();
        let hash = |decision: Decision| match decision {
            Decision::Allow(headers) => headers.bucket,
            Decision::Limit(limited) => limited.headers.unwrap().bucket,
            other => panic!("{other:?}"),
        };
        let message = hash(limiter.admit(IP, &post(1), true, now));
        let guild = hash(limiter.admit(
            IP,
            &classify("GET", "/api/v10/guilds/1/channels"),
            true,
            now,
        ));
        assert_ne!(message, guild);
        assert_eq!(message.len(), 32);
        assert_eq!(message, bucket_hash("POST /channels/{}/messages"));
        let me = hash(limiter.admit(IP, &classify("GET", "/api/v10/users/@me"), true, now));
        let user = limiter.admit(IP, &classify("GET", "/api/v10/users/5"), true, now);
        assert!(matches!(user, Decision::Limit(_)), "the bucket is shared");
        assert_eq!(me, hash(user));
    }

    #[test]
    fn global_limit_per_second_exempts_webhooks() {
        let mut config = config();
        config.global_per_second = 2;
        let mut limiter = Limiter::new(config);
        let now = Instant::now();
        let me = classify("GET", "/api/v10/users/@me");
        assert!(matches!(
            limiter.admit(IP, &me, true, now),
            Decision::Allow(_)
        ));
        assert!(matches!(
            limiter.admit(IP, &me, true, now),
            Decision::Allow(_)
        ));
        let later = now + Duration::from_millis(250);
        let Decision::Limit(limited) = limiter.admit(IP, &me, true, later) else {
            panic!()
        };
        assert_eq!(limited.scope, Scope::Global);
        assert_eq!(limited.retry_after, Duration::from_millis(750));
        assert_eq!(limited.headers, None);
        let webhook = classify("POST", "/api/v10/webhooks/1/token");
        assert!(matches!(
            limiter.admit(IP, &webhook, true, later),
            Decision::Allow(_)
        ));
        // Requests without the token are not the bot's.
        assert_eq!(limiter.admit(IP, &me, false, later), Decision::Pass);
        assert!(matches!(
            limiter.admit(IP, &me, true, now + Duration::from_secs(1)),
            Decision::Allow(_)
        ));
    }

    #[test]
    fn token_routes_have_a_bucket_per_token_with_or_without_the_bot_token() {
        let mut config = config();
        config.global_per_second = 1;
        config.set_route(
            "POST /interactions/{interaction_id}/{interaction_token}/callback",
            RouteLimit::new(1, Duration::from_secs(1)),
        );
        let mut limiter = Limiter::new(config);
        let now = Instant::now();
        let me = classify("GET", "/api/v10/users/@me");
        assert!(matches!(
            limiter.admit(IP, &me, true, now),
            Decision::Allow(_)
        ));
        assert!(matches!(
            limiter.admit(IP, &me, true, now),
            Decision::Limit(RateLimited {
                scope: Scope::Global,
                ..
            })
        ));
        let callback = |id: u64, token: &str| {
            classify(
                "POST",
                &format!("/api/v10/interactions/{id}/{token}/callback"),
            )
        };
        // No bot token, global limit used up: the interaction's own bucket decides.
        let Decision::Allow(first) = limiter.admit(IP, &callback(1, "tokenA"), false, now) else {
            panic!()
        };
        assert_eq!((first.limit, first.remaining), (1, 0));
        assert!(!first.bucket.contains("tokenA"));
        assert!(matches!(
            limiter.admit(IP, &callback(1, "tokenA"), false, now),
            Decision::Limit(RateLimited {
                scope: Scope::User,
                ..
            })
        ));
        // Another interaction has its own bucket (the same hash).
        let Decision::Allow(other) = limiter.admit(IP, &callback(2, "tokenB"), true, now) else {
            panic!()
        };
        assert_eq!(other.remaining, 0);
        assert_eq!(other.bucket, first.bucket);
        // Follow-ups: per application id + interaction token.
        let followup = |token: &str| classify("POST", &format!("/api/v10/webhooks/9/{token}"));
        for _ in 0..5 {
            assert!(matches!(
                limiter.admit(IP, &followup("tokenA"), false, now),
                Decision::Allow(_)
            ));
        }
        assert!(matches!(
            limiter.admit(IP, &followup("tokenA"), false, now),
            Decision::Limit(_)
        ));
        assert!(matches!(
            limiter.admit(IP, &followup("tokenB"), false, now),
            Decision::Allow(_)
        ));
        let stats = limiter.stats(now, |_| 0.0);
        assert!(!stats.to_string().contains("tokenA"), "{stats}");
        assert!(!stats.to_string().contains("tokenB"), "{stats}");
    }

    #[test]
    fn off_mode_passes_everything() {
        let mut config = config();
        config.mode = RateLimits::Off;
        let mut limiter = Limiter::new(config);
        let now = Instant::now();
        for _ in 0..10 {
            assert_eq!(limiter.admit(IP, &post(1), true, now), Decision::Pass);
        }
    }

    #[test]
    fn invalid_requests_lead_to_a_ban_that_ends() {
        let mut config = config();
        config.invalid_request_limit = 3;
        config.invalid_request_window = Duration::from_secs(10);
        config.ban_duration = Duration::from_secs(60);
        let mut limiter = Limiter::new(config);
        let now = Instant::now();
        let outcome = |status, scope| Outcome {
            status,
            scope,
            cloudflare: false,
        };
        limiter.record(IP, outcome(401, None), now);
        limiter.record(IP, outcome(403, None), now);
        // Shared 429s and other statuses do not count.
        limiter.record(IP, outcome(429, Some("shared")), now);
        limiter.record(IP, outcome(404, None), now);
        limiter.record(IP, outcome(429, Some("user")), now);
        assert_eq!(limiter.invalid_in_window(now), 3);
        assert!(matches!(
            limiter.admit(IP, &post(1), true, now),
            Decision::Allow(_)
        ));
        limiter.record(IP, outcome(429, Some("global")), now);
        let Decision::Banned { retry_after } = limiter.admit(IP, &post(1), false, now) else {
            panic!()
        };
        assert_eq!(retry_after, Duration::from_secs(60));
        let other_ip: IpAddr = "10.0.0.1".parse().unwrap();
        assert_eq!(
            limiter.admit(other_ip, &post(1), false, now),
            Decision::Pass
        );
        let counters = limiter.counters();
        assert_eq!(counters.bans, 1);
        assert_eq!(counters.invalid_total, 4);
        assert_eq!(counters.rate_limited_shared, 1);
        assert_eq!(counters.rate_limited_user, 1);
        assert_eq!(counters.rate_limited_global, 1);
        assert_eq!(
            limiter.admit(IP, &post(1), false, now + Duration::from_secs(60)),
            Decision::Pass
        );
    }

    #[test]
    fn the_invalid_window_slides() {
        let mut config = config();
        config.invalid_request_window = Duration::from_millis(600);
        let mut limiter = Limiter::new(config);
        let t0 = Instant::now();
        let outcome = Outcome {
            status: 401,
            scope: None,
            cloudflare: false,
        };
        limiter.record(IP, outcome, t0);
        limiter.record(IP, outcome, t0 + Duration::from_millis(300));
        assert_eq!(
            limiter.invalid_in_window(t0 + Duration::from_millis(599)),
            2
        );
        assert_eq!(
            limiter.invalid_in_window(t0 + Duration::from_millis(600)),
            1
        );
        assert_eq!(
            limiter.invalid_in_window(t0 + Duration::from_millis(900)),
            0
        );
    }

    #[test]
    fn cloudflare_answers_are_not_invalid_requests() {
        let mut limiter = Limiter::new(config());
        let now = Instant::now();
        limiter.record(
            IP,
            Outcome {
                status: 429,
                scope: None,
                cloudflare: true,
            },
            now,
        );
        assert_eq!(limiter.invalid_in_window(now), 0);
        assert_eq!(limiter.counters().cloudflare_answers, 1);
    }

    #[test]
    fn stats_summarize_buckets() {
        let mut limiter = Limiter::new(config());
        let now = Instant::now();
        for _ in 0..3 {
            limiter.admit(IP, &post(7), true, now);
        }
        let stats = limiter.stats(now, |_| 0.0);
        assert_eq!(stats["requests"], json!(3));
        assert_eq!(stats["scope_header"], json!(ScopeHeader::On429.as_str()));
        let bucket = &stats["buckets"][0];
        assert_eq!(
            bucket["route"],
            json!("POST /channels/{channel_id}/messages")
        );
        assert_eq!(bucket["major"], json!("channels/7"));
        assert_eq!(bucket["remaining"], json!(0));
        assert_eq!(bucket["requests"], json!(3));
        assert_eq!(bucket["rate_limited"], json!(1));
        assert_eq!(bucket["reset_after"], json!(0.5));
        assert_eq!(stats["global"]["remaining"], json!(47));
    }

    #[test]
    fn seconds_round_up_to_the_millisecond() {
        assert!((seconds(Duration::from_micros(1_234_001)) - 1.235).abs() < 1e-9);
        assert!((seconds(Duration::from_millis(500)) - 0.5).abs() < 1e-9);
        assert!(seconds(Duration::ZERO).abs() < 1e-9);
    }
}
