//! Rate-limit settings: Discord-like defaults, overridden by the fixture's `rate_limits` key
//! (parsed into [`RateLimitOverrides`] by the fixture), then by command-line flags or `Options`
//! fields.

use std::fmt;
use std::time::Duration;

use super::route::normalize_key;

/// Requests per bot token per second before the global limit answers 429 (Discord: 50).
pub const DEFAULT_GLOBAL_PER_SECOND: u32 = 50;
/// Invalid requests (401, 403, 429 except `shared`) per client IP in the window before the
/// Cloudflare ban (Discord: 10,000 per 10 minutes).
pub const DEFAULT_INVALID_REQUEST_LIMIT: u32 = 10_000;
/// The sliding window of the invalid-request count (10 minutes).
pub const DEFAULT_INVALID_REQUEST_WINDOW: Duration = Duration::from_secs(600);
/// How long a Cloudflare ban lasts (1 hour).
pub const DEFAULT_BAN_DURATION: Duration = Duration::from_secs(3600);

/// The `--rate-limits` modes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum RateLimits {
    /// Discord's rate limits: buckets, the global limit, headers, 429s and the Cloudflare ban.
    #[default]
    Discord,
    /// No rate limits, no rate-limit headers, no ban (for throughput benchmarks).
    Off,
}

/// When `X-RateLimit-Scope` is sent.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum ScopeHeader {
    /// Only on 429 answers, as Discord documents (the default).
    #[default]
    #[value(name = "on-429")]
    On429,
    /// Also `X-RateLimit-Scope: user` on every response that carries rate-limit headers.
    Always,
}

impl ScopeHeader {
    /// The flag / fixture spelling: `on-429` or `always`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::On429 => "on-429",
            Self::Always => "always",
        }
    }
}

/// The limit of one route's bucket: `limit` requests per `per`, per major parameter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RouteLimit {
    /// Requests allowed per window.
    pub limit: u32,
    /// The window, starting at the first request after a reset.
    pub per: Duration,
    /// Routes with the same bucket name share one bucket (and one `X-RateLimit-Bucket` hash);
    /// `None`: the route is its own bucket.
    pub bucket: Option<String>,
}

impl RouteLimit {
    /// `limit` requests per `per`, in a bucket of its own.
    pub fn new(limit: u32, per: Duration) -> Self {
        Self {
            limit,
            per,
            bucket: None,
        }
    }
}

/// Every rate-limit setting of an emulator.
///
/// [`RateLimitConfig::default`] is Discord's behaviour with the documented default table (see
/// the crate README): message create 5 per 5 s per channel, other routes 50 per second per
/// route and major parameter, global 50 per second, a Cloudflare ban after 10,000 invalid
/// requests in 10 minutes.
#[derive(Clone, PartialEq, Eq)]
pub struct RateLimitConfig {
    /// `Discord` (enforced) or `Off` (no limits, no rate-limit headers, no ban). Default
    /// `Discord`.
    pub mode: RateLimits,
    /// When to send `X-RateLimit-Scope`. Default [`ScopeHeader::On429`].
    pub scope_header: ScopeHeader,
    /// Per-route limits keyed by `METHOD /template` (`{name}` segments are parameters, names
    /// do not matter). Default: see [`RateLimitConfig::default_routes`].
    pub routes: Vec<(String, RouteLimit)>,
    /// The limit of routes not in `routes`. Default 50 per second.
    pub default_route: RouteLimit,
    /// Global requests per second per bot token. Default 50.
    pub global_per_second: u32,
    /// Invalid requests per client IP allowed in the window; one more and the IP is banned.
    /// Default 10,000.
    pub invalid_request_limit: u32,
    /// The sliding window of the invalid-request count. Default 10 minutes.
    pub invalid_request_window: Duration,
    /// How long a ban lasts. Default 1 hour.
    pub ban_duration: Duration,
}

impl fmt::Debug for RateLimitConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RateLimitConfig")
            .field("mode", &self.mode)
            .field("scope_header", &self.scope_header)
            .field("routes", &self.routes.len())
            .field("global_per_second", &self.global_per_second)
            .field("invalid_request_limit", &self.invalid_request_limit)
            .finish_non_exhaustive()
    }
}

impl Default for RateLimitConfig {
    fn default() -> Self {
        Self {
            mode: RateLimits::Discord,
            scope_header: ScopeHeader::On429,
            routes: Self::default_routes(),
            default_route: RouteLimit::new(50, Duration::from_secs(1)),
            global_per_second: DEFAULT_GLOBAL_PER_SECOND,
            invalid_request_limit: DEFAULT_INVALID_REQUEST_LIMIT,
            invalid_request_window: DEFAULT_INVALID_REQUEST_WINDOW,
            ban_duration: DEFAULT_BAN_DURATION,
        }
    }
}

impl RateLimitConfig {
    /// The default per-route table, per channel for the message routes: message create and
    /// edit 5 per 5 s each, message delete 5 per second, bulk delete 1 per second, crosspost
    /// 10 per hour; the reaction changes (add, remove, remove all, remove an emoji's) share one
    /// bucket `reactions` of 1 per 250 ms, pin and unpin (also the deprecated paths) one bucket
    /// `pins` of 5 per 5 s; per channel, modify 10 per 10 s, delete 5 per 5 s, setting and
    /// deleting permission overwrites one bucket `permissions` of 10 per 10 s, typing 5 per
    /// 5 s; creating guild channels 10 per 10 s per guild (these channel limits are guessed:
    /// Discord does not publish them); per guild, creating, modifying, moving and deleting
    /// roles, listing and searching members, adding, modifying and kicking members, listing
    /// bans, banning, unbanning and bulk bans 10 per 10 s each, adding and removing a member's
    /// role one bucket `member-roles` of 10 per 10 s; creating application commands 200 per day
    /// (global, and per application for guild commands), bulk overwrites 10 per 10 s each
    /// (guessed too); executing a webhook and editing or deleting its messages 5 per 2 s per
    /// webhook (guessed); every other emulated route 50 per second (so the global limit binds
    /// first).
    pub fn default_routes() -> Vec<(String, RouteLimit)> {
        let second = Duration::from_secs(1);
        let shared = |limit, per, bucket: &str| RouteLimit {
            limit,
            per,
            bucket: Some(bucket.to_owned()),
        };
        let reaction = || shared(1, Duration::from_millis(250), "reactions");
        let pin = || shared(5, Duration::from_secs(5), "pins");
        let permissions = || shared(10, Duration::from_secs(10), "permissions");
        let thread_create = || shared(10, Duration::from_secs(10), "thread-create");
        let thread_members = || shared(10, Duration::from_secs(10), "thread-members");
        let member_roles = || shared(10, Duration::from_secs(10), "member-roles");
        let ten_per_ten = || RouteLimit::new(10, Duration::from_secs(10));
        [
            (
                "POST /channels/{channel_id}/messages",
                RouteLimit::new(5, Duration::from_secs(5)),
            ),
            (
                "GET /channels/{channel_id}/messages",
                RouteLimit::new(50, second),
            ),
            (
                "GET /channels/{channel_id}/messages/{message_id}",
                RouteLimit::new(50, second),
            ),
            (
                "PATCH /channels/{channel_id}/messages/{message_id}",
                RouteLimit::new(5, Duration::from_secs(5)),
            ),
            (
                "DELETE /channels/{channel_id}/messages/{message_id}",
                RouteLimit::new(5, second),
            ),
            (
                "POST /channels/{channel_id}/messages/bulk-delete",
                RouteLimit::new(1, second),
            ),
            (
                "POST /channels/{channel_id}/messages/{message_id}/crosspost",
                RouteLimit::new(10, Duration::from_secs(3600)),
            ),
            (
                "PUT /channels/{channel_id}/messages/{message_id}/reactions/{emoji}/@me",
                reaction(),
            ),
            (
                "DELETE /channels/{channel_id}/messages/{message_id}/reactions/{emoji}/@me",
                reaction(),
            ),
            (
                "DELETE /channels/{channel_id}/messages/{message_id}/reactions/{emoji}/{user_id}",
                reaction(),
            ),
            (
                "DELETE /channels/{channel_id}/messages/{message_id}/reactions",
                reaction(),
            ),
            (
                "DELETE /channels/{channel_id}/messages/{message_id}/reactions/{emoji}",
                reaction(),
            ),
            (
                "GET /channels/{channel_id}/messages/{message_id}/reactions/{emoji}",
                RouteLimit::new(50, second),
            ),
            (
                "PUT /channels/{channel_id}/messages/pins/{message_id}",
                pin(),
            ),
            (
                "DELETE /channels/{channel_id}/messages/pins/{message_id}",
                pin(),
            ),
            ("PUT /channels/{channel_id}/pins/{message_id}", pin()),
            ("DELETE /channels/{channel_id}/pins/{message_id}", pin()),
            (
                "GET /channels/{channel_id}/messages/pins",
                RouteLimit::new(50, second),
            ),
            (
                "GET /channels/{channel_id}/pins",
                RouteLimit::new(50, second),
            ),
            ("GET /channels/{channel_id}", RouteLimit::new(50, second)),
            (
                "PATCH /channels/{channel_id}",
                RouteLimit::new(10, Duration::from_secs(10)),
            ),
            (
                "DELETE /channels/{channel_id}",
                RouteLimit::new(5, Duration::from_secs(5)),
            ),
            (
                "PUT /channels/{channel_id}/permissions/{overwrite_id}",
                permissions(),
            ),
            (
                "DELETE /channels/{channel_id}/permissions/{overwrite_id}",
                permissions(),
            ),
            (
                "POST /channels/{channel_id}/typing",
                RouteLimit::new(5, Duration::from_secs(5)),
            ),
            (
                "POST /guilds/{guild_id}/channels",
                RouteLimit::new(10, Duration::from_secs(10)),
            ),
            ("GET /guilds/{guild_id}", RouteLimit::new(50, second)),
            (
                "GET /guilds/{guild_id}/channels",
                RouteLimit::new(50, second),
            ),
            ("GET /guilds/{guild_id}/roles", RouteLimit::new(50, second)),
            (
                "GET /guilds/{guild_id}/roles/{role_id}",
                RouteLimit::new(50, second),
            ),
            ("POST /guilds/{guild_id}/roles", ten_per_ten()),
            ("PATCH /guilds/{guild_id}/roles", ten_per_ten()),
            ("PATCH /guilds/{guild_id}/roles/{role_id}", ten_per_ten()),
            ("DELETE /guilds/{guild_id}/roles/{role_id}", ten_per_ten()),
            (
                "GET /guilds/{guild_id}/members/{user_id}",
                RouteLimit::new(50, second),
            ),
            ("GET /guilds/{guild_id}/members", ten_per_ten()),
            ("GET /guilds/{guild_id}/members/search", ten_per_ten()),
            ("PUT /guilds/{guild_id}/members/{user_id}", ten_per_ten()),
            ("PATCH /guilds/{guild_id}/members/{user_id}", ten_per_ten()),
            ("PATCH /guilds/{guild_id}/members/@me", ten_per_ten()),
            ("DELETE /guilds/{guild_id}/members/{user_id}", ten_per_ten()),
            (
                "PUT /guilds/{guild_id}/members/{user_id}/roles/{role_id}",
                member_roles(),
            ),
            (
                "DELETE /guilds/{guild_id}/members/{user_id}/roles/{role_id}",
                member_roles(),
            ),
            ("GET /guilds/{guild_id}/bans", ten_per_ten()),
            (
                "GET /guilds/{guild_id}/bans/{user_id}",
                RouteLimit::new(50, second),
            ),
            ("PUT /guilds/{guild_id}/bans/{user_id}", ten_per_ten()),
            ("DELETE /guilds/{guild_id}/bans/{user_id}", ten_per_ten()),
            ("POST /guilds/{guild_id}/bulk-ban", ten_per_ten()),
            // Per webhook (id + token), outside the global limit (guessed: 5 per 2 s).
            (
                "POST /webhooks/{webhook_id}/{webhook_token}",
                RouteLimit::new(5, Duration::from_secs(2)),
            ),
            (
                "PATCH /webhooks/{webhook_id}/{webhook_token}/messages/{message_id}",
                RouteLimit::new(5, Duration::from_secs(2)),
            ),
            (
                "DELETE /webhooks/{webhook_id}/{webhook_token}/messages/{message_id}",
                RouteLimit::new(5, Duration::from_secs(2)),
            ),
            ("GET /users/@me", RouteLimit::new(50, second)),
            ("GET /users/{user_id}", RouteLimit::new(50, second)),
            ("POST /users/@me/channels", RouteLimit::new(50, second)),
            ("GET /users/@me/guilds", RouteLimit::new(50, second)),
            ("GET /gateway/bot", RouteLimit::new(50, second)),
            (
                "POST /channels/{channel_id}/messages/{message_id}/threads",
                thread_create(),
            ),
            ("POST /channels/{channel_id}/threads", thread_create()),
            (
                "PUT /channels/{channel_id}/thread-members/@me",
                thread_members(),
            ),
            (
                "DELETE /channels/{channel_id}/thread-members/@me",
                thread_members(),
            ),
            (
                "PUT /channels/{channel_id}/thread-members/{user_id}",
                thread_members(),
            ),
            (
                "DELETE /channels/{channel_id}/thread-members/{user_id}",
                thread_members(),
            ),
            (
                "GET /channels/{channel_id}/thread-members/{user_id}",
                RouteLimit::new(50, second),
            ),
            (
                "GET /channels/{channel_id}/thread-members",
                RouteLimit::new(50, second),
            ),
            (
                "GET /channels/{channel_id}/threads/archived/public",
                RouteLimit::new(50, second),
            ),
            (
                "GET /channels/{channel_id}/threads/archived/private",
                RouteLimit::new(50, second),
            ),
            (
                "GET /channels/{channel_id}/users/@me/threads/archived/private",
                RouteLimit::new(50, second),
            ),
            (
                "GET /guilds/{guild_id}/threads/active",
                RouteLimit::new(50, second),
            ),
            (
                "POST /applications/{application_id}/commands",
                RouteLimit::new(200, Duration::from_secs(86_400)),
            ),
            (
                "POST /applications/{application_id}/guilds/{guild_id}/commands",
                RouteLimit::new(200, Duration::from_secs(86_400)),
            ),
            ("PUT /applications/{application_id}/commands", ten_per_ten()),
            (
                "PUT /applications/{application_id}/guilds/{guild_id}/commands",
                ten_per_ten(),
            ),
        ]
        .into_iter()
        .map(|(key, limit)| (key.to_owned(), limit))
        .collect()
    }

    /// Sets (or replaces) the limit of the route `key` (`METHOD /template`).
    pub fn set_route(&mut self, key: &str, limit: RouteLimit) {
        let wanted = normalize_key(key);
        self.routes
            .retain(|(existing, _)| normalize_key(existing) != wanted);
        self.routes.push((key.trim().to_owned(), limit));
    }

    /// Applies a fixture's `rate_limits` section.
    pub(crate) fn apply(&mut self, overrides: &RateLimitOverrides) {
        for (key, limit) in &overrides.routes {
            self.set_route(key, limit.clone());
        }
        if let Some(default) = &overrides.default_route {
            self.default_route = default.clone();
        }
        if let Some(value) = overrides.global_per_second {
            self.global_per_second = value;
        }
        if let Some(value) = overrides.invalid_request_limit {
            self.invalid_request_limit = value;
        }
        if let Some(value) = overrides.invalid_request_window {
            self.invalid_request_window = value;
        }
        if let Some(value) = overrides.ban_duration {
            self.ban_duration = value;
        }
        if let Some(value) = overrides.scope_header {
            self.scope_header = value;
        }
    }
}

/// The fixture's `rate_limits` section, parsed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct RateLimitOverrides {
    pub(crate) routes: Vec<(String, RouteLimit)>,
    pub(crate) default_route: Option<RouteLimit>,
    pub(crate) global_per_second: Option<u32>,
    pub(crate) invalid_request_limit: Option<u32>,
    pub(crate) invalid_request_window: Option<Duration>,
    pub(crate) ban_duration: Option<Duration>,
    pub(crate) scope_header: Option<ScopeHeader>,
}

/// HTTP methods a route key may start with.
const METHODS: [&str; 5] = ["GET", "POST", "PUT", "PATCH", "DELETE"];

/// Whether `key` looks like `METHOD /path`.
pub(crate) fn is_route_key(key: &str) -> bool {
    key.split_once(' ').is_some_and(|(method, path)| {
        METHODS.contains(&method.to_ascii_uppercase().as_str()) && path.trim().starts_with('/')
    })
}

/// Parses a `--route-limit` flag value: `METHOD /template=LIMIT/PER_MS`.
///
/// # Errors
///
/// A message saying what is malformed.
pub fn parse_route_flag(text: &str) -> Result<(String, RouteLimit), String> {
    let (key, limit) = text
        .rsplit_once('=')
        .ok_or_else(|| format!("expected METHOD /route=LIMIT/PER_MS, found {text:?}"))?;
    if !is_route_key(key.trim()) {
        return Err(format!(
            "expected a route like \"POST /channels/{{channel_id}}/messages\", found {key:?}"
        ));
    }
    let (count, per_ms) = limit
        .split_once('/')
        .ok_or_else(|| format!("expected LIMIT/PER_MS after '=', found {limit:?}"))?;
    let count: u32 = count
        .trim()
        .parse()
        .ok()
        .filter(|count| *count > 0)
        .ok_or_else(|| format!("expected a positive limit, found {count:?}"))?;
    let per_ms: u64 = per_ms
        .trim()
        .parse()
        .ok()
        .filter(|ms| *ms > 0)
        .ok_or_else(|| format!("expected a positive window in ms, found {per_ms:?}"))?;
    Ok((
        key.trim().to_owned(),
        RouteLimit::new(count, Duration::from_millis(per_ms)),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn route_flags() {
        let (key, limit) = parse_route_flag("POST /channels/{channel_id}/messages=5/500").unwrap();
        assert_eq!(key, "POST /channels/{channel_id}/messages");
        assert_eq!(limit, RouteLimit::new(5, Duration::from_millis(500)));
        assert!(parse_route_flag("POST /x").is_err());
        assert!(parse_route_flag("FETCH /x=1/1").is_err());
        assert!(parse_route_flag("POST /x=0/1").is_err());
        assert!(parse_route_flag("POST /x=1/0").is_err());
        assert!(parse_route_flag("POST /x=1").is_err());
    }

    #[test]
    fn set_route_replaces_by_normalized_key() {
        let mut config = RateLimitConfig::default();
        config.set_route(
            "post /api/v10/channels/{id}/messages",
            RouteLimit::new(1, Duration::from_millis(10)),
        );
        let matching: Vec<_> = config
            .routes
            .iter()
            .filter(|(key, _)| normalize_key(key) == "POST /channels/{}/messages")
            .collect();
        assert_eq!(matching.len(), 1);
        assert_eq!(matching[0].1.limit, 1);
    }
}
