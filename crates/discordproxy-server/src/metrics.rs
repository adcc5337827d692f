//! Prometheus metrics (text format, served on `--metrics-addr` by `metrics_server.rs`).
//!
//! Labels are low-cardinality on purpose: RPC method names, gRPC code names, Discord route
//! templates such as `POST /channels/{channel_id}/messages`, HTTP statuses and 429 scopes;
//! never raw ids. Every metric is listed in the README ("Metrics").

use prometheus_client::{
    encoding::EncodeLabelSet,
    metrics::{
        counter::Counter,
        family::Family,
        gauge::Gauge,
        histogram::{Histogram, exponential_buckets},
    },
    registry::Registry,
};
use std::sync::atomic::AtomicU64;
use std::time::Duration;

/// `method` and gRPC `code` of an RPC.
#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RpcLabels {
    /// RPC name, e.g. `SendChannelMessage`.
    pub method: &'static str,
    /// gRPC status code name, e.g. `OK`, `RESOURCE_EXHAUSTED`.
    pub code: &'static str,
}

/// An RPC name.
#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct MethodLabel {
    /// RPC name.
    pub method: &'static str,
}

/// A Discord route template and the answer's HTTP status (`error` without an answer).
#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RouteStatusLabels {
    /// Route template, e.g. `POST /channels/{channel_id}/messages`.
    pub route: &'static str,
    /// HTTP status, or `error` (no answer: connection failure or timeout).
    pub status: String,
}

/// A Discord route template.
#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RouteLabel {
    /// Route template.
    pub route: &'static str,
}

/// The scope of a 429.
#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct ScopeLabel {
    /// `user`, `global`, `shared` or `cloudflare` (an IP ban).
    pub scope: &'static str,
}

/// Why a Discord request was retried.
#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RetryLabels {
    /// Route template.
    pub route: &'static str,
    /// `5xx`, `network`, `timeout` or `429`.
    pub reason: &'static str,
}

/// An API key's name and the RPC it called.
#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct ApiKeyLabels {
    /// The key's name from `--api-keys-file` (never the key itself).
    pub key: String,
    /// RPC name, e.g. `SendDirectMessage` (only RPCs of the service, so bounded).
    pub method: &'static str,
}

/// A state name.
#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct StateLabel {
    /// Shard state, e.g. `READY`.
    pub state: &'static str,
}

/// A shard id.
#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct ShardLabel {
    /// Shard id (a few per bot).
    pub shard: u32,
}

/// An instance of the deployment (its random id: no secret).
#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct InstanceLabel {
    /// The instance id (`GetGatewayStatus`'s `deployment.instances[].id`).
    pub instance: String,
}

/// A cache table.
#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct KindLabel {
    /// `guilds`, `channels`, `members` or `dm_channels`.
    pub kind: &'static str,
}

type Seconds = Family<MethodLabel, Histogram, fn() -> Histogram>;
type RouteSeconds = Family<RouteLabel, Histogram, fn() -> Histogram>;

/// Every metric of the server.
#[derive(Debug)]
pub struct Metrics {
    registry: Registry,
    /// `discordproxy_rpc_requests_total{method,code}`.
    pub rpc_requests: Family<RpcLabels, Counter>,
    /// `discordproxy_rpc_duration_seconds{method}`.
    pub rpc_duration: Seconds,
    /// `discordproxy_discord_requests_total{route,status}`.
    pub discord_requests: Family<RouteStatusLabels, Counter>,
    /// `discordproxy_ratelimit_wait_seconds{route}`.
    pub ratelimit_wait: RouteSeconds,
    /// `discordproxy_discord_rate_limited_total{scope}`.
    pub rate_limited: Family<ScopeLabel, Counter>,
    /// `discordproxy_invalid_requests` (in the last 10 minutes).
    pub invalid_requests: Gauge,
    /// `discordproxy_discord_retries_total{route,reason}`.
    pub retries: Family<RetryLabels, Counter>,
    /// `discordproxy_negative_cache_hits_total`.
    pub negative_cache_hits: Counter,
    /// `discordproxy_pending_calls`.
    pub pending_calls: Gauge,
    /// `discordproxy_ratelimit_buckets`.
    pub ratelimit_buckets: Gauge,
    /// `discordproxy_rest_blocked` (1 while a ban or a revoked token stops REST traffic).
    pub rest_blocked: Gauge,
    /// `discordproxy_gateway_shards{state}`.
    pub gateway_shards: Family<StateLabel, Gauge>,
    /// `discordproxy_gateway_latency_seconds{shard}`.
    pub gateway_latency: Family<ShardLabel, Gauge<f64, AtomicU64>>,
    /// `discordproxy_cache_entries{kind}`.
    pub cache_entries: Family<KindLabel, Gauge>,
    /// `discordproxy_api_key_calls_total{key,method}`: calls let through with an API key.
    pub api_key_calls: Family<ApiKeyLabels, Counter>,
    /// `discordproxy_redis_degraded` (1 while Redis is unreachable or slow and REST runs on the
    /// local limiter; 0 with Redis healthy or without `--redis-url`).
    pub redis_degraded: Gauge,
    /// `discordproxy_redis_degraded_seconds_total`: time spent degraded since start-up.
    pub redis_degraded_seconds: Counter<f64, AtomicU64>,
    /// `discordproxy_redis_round_trip_seconds`: round trip of each successful Redis call.
    pub redis_round_trip: Histogram,
    /// `discordproxy_redis_instances`: live instances of the deployment (last heartbeat).
    pub redis_instances: Gauge,
    /// `discordproxy_redis_events_dropped_total`: gateway events of this instance's shards
    /// dropped because Redis could not take them for longer than `--event-buffer` events.
    pub redis_events_dropped: Counter,
    /// `discordproxy_redis_events_deduplicated_total`: gateway events of this instance's
    /// shards not appended to the shared stream because their session had appended them
    /// already (Discord's replay after a shard moved to this instance by RESUME).
    pub redis_events_deduplicated: Counter,
    /// `discordproxy_deployment_shards{instance}`: shards each live instance holds (leases).
    pub deployment_shards: Family<InstanceLabel, Gauge>,
}

fn latency_histogram() -> Histogram {
    // 1 ms … ~65 s.
    Histogram::new(exponential_buckets(0.001, 2.0, 17))
}

impl Default for Metrics {
    fn default() -> Self {
        let mut registry = Registry::with_prefix("discordproxy");
        let metrics = Self {
            rpc_requests: Family::default(),
            rpc_duration: Family::new_with_constructor(latency_histogram),
            discord_requests: Family::default(),
            ratelimit_wait: Family::new_with_constructor(latency_histogram),
            rate_limited: Family::default(),
            invalid_requests: Gauge::default(),
            retries: Family::default(),
            negative_cache_hits: Counter::default(),
            pending_calls: Gauge::default(),
            ratelimit_buckets: Gauge::default(),
            rest_blocked: Gauge::default(),
            gateway_shards: Family::default(),
            gateway_latency: Family::default(),
            cache_entries: Family::default(),
            api_key_calls: Family::default(),
            redis_degraded: Gauge::default(),
            redis_degraded_seconds: Counter::default(),
            // 50 µs … ~0.4 s.
            redis_round_trip: Histogram::new(exponential_buckets(0.000_05, 2.0, 14)),
            redis_instances: Gauge::default(),
            redis_events_dropped: Counter::default(),
            redis_events_deduplicated: Counter::default(),
            deployment_shards: Family::default(),
            registry: Registry::default(),
        };
        registry.register(
            "rpc_requests",
            "gRPC calls by method and status code",
            metrics.rpc_requests.clone(),
        );
        registry.register(
            "rpc_duration_seconds",
            "gRPC call latency by method",
            metrics.rpc_duration.clone(),
        );
        registry.register(
            "discord_requests",
            "Discord REST requests by route template and HTTP status (error: no answer)",
            metrics.discord_requests.clone(),
        );
        registry.register(
            "ratelimit_wait_seconds",
            "time a Discord request waited for its rate-limit slot (bucket and global)",
            metrics.ratelimit_wait.clone(),
        );
        registry.register(
            "discord_rate_limited",
            "429 answers from Discord by scope (user, global, shared, cloudflare)",
            metrics.rate_limited.clone(),
        );
        registry.register(
            "invalid_requests",
            "invalid requests (401, 403, 429 except shared) in the last 10 minutes",
            metrics.invalid_requests.clone(),
        );
        registry.register(
            "discord_retries",
            "Discord requests sent again, by route template and reason",
            metrics.retries.clone(),
        );
        registry.register(
            "negative_cache_hits",
            "calls answered from the negative cache without a Discord request",
            metrics.negative_cache_hits.clone(),
        );
        registry.register(
            "pending_calls",
            "gRPC calls in progress (bounded by --max-pending)",
            metrics.pending_calls.clone(),
        );
        registry.register(
            "ratelimit_buckets",
            "rate-limit buckets currently known",
            metrics.ratelimit_buckets.clone(),
        );
        registry.register(
            "rest_blocked",
            "1 while REST traffic is stopped (Cloudflare ban or revoked token)",
            metrics.rest_blocked.clone(),
        );
        registry.register(
            "gateway_shards",
            "gateway shards by state",
            metrics.gateway_shards.clone(),
        );
        registry.register(
            "gateway_latency_seconds",
            "last heartbeat round trip per shard",
            metrics.gateway_latency.clone(),
        );
        registry.register(
            "cache_entries",
            "entries in the gateway cache and the DM channel cache",
            metrics.cache_entries.clone(),
        );
        registry.register(
            "api_key_calls",
            "gRPC calls let through with an API key (--api-keys-file), by key name and method",
            metrics.api_key_calls.clone(),
        );
        registry.register(
            "redis_degraded",
            "1 while Redis (--redis-url) is unreachable or slow and REST runs on the local limiter",
            metrics.redis_degraded.clone(),
        );
        registry.register(
            "redis_degraded_seconds",
            "seconds spent with Redis degraded since start-up",
            metrics.redis_degraded_seconds.clone(),
        );
        registry.register(
            "redis_round_trip_seconds",
            "round trip of successful Redis calls (scripts, cache reads and writes, heartbeats)",
            metrics.redis_round_trip.clone(),
        );
        registry.register(
            "redis_instances",
            "live instances of the deployment sharing the Redis (from the heartbeat)",
            metrics.redis_instances.clone(),
        );
        registry.register(
            "redis_events_dropped",
            "gateway events of this instance's shards dropped while Redis could not take them",
            metrics.redis_events_dropped.clone(),
        );
        registry.register(
            "redis_events_deduplicated",
            "gateway events of this instance's shards not appended again: their session had \
             appended them before the shard moved here (Discord's replay on RESUME)",
            metrics.redis_events_deduplicated.clone(),
        );
        registry.register(
            "deployment_shards",
            "gateway shards each live instance of the deployment holds (shard leases)",
            metrics.deployment_shards.clone(),
        );
        Self {
            registry,
            ..metrics
        }
    }
}

impl Metrics {
    /// Counts one finished RPC.
    pub fn rpc(&self, method: &'static str, code: tonic::Code, elapsed: Duration) {
        self.rpc_requests
            .get_or_create(&RpcLabels {
                method,
                code: code_name(code),
            })
            .inc();
        self.rpc_duration
            .get_or_create(&MethodLabel { method })
            .observe(elapsed.as_secs_f64());
    }

    /// Counts one Discord request of `route` answered with `status` (`None`: no answer).
    pub fn discord_request(&self, route: &'static str, status: Option<u16>) {
        let status = status.map_or_else(|| "error".to_owned(), |s| s.to_string());
        self.discord_requests
            .get_or_create(&RouteStatusLabels { route, status })
            .inc();
    }

    /// The registry in Prometheus text format.
    pub fn encode(&self) -> String {
        let mut text = String::new();
        // Writing into a String cannot fail.
        let _ = prometheus_client::encoding::text::encode(&mut text, &self.registry);
        text
    }
}

pub use discordproxy_proto::code_name;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_counters_with_prefix_and_labels() {
        let metrics = Metrics::default();
        metrics.rpc(
            "SendChannelMessage",
            tonic::Code::Ok,
            Duration::from_millis(3),
        );
        metrics.discord_request("POST /channels/{channel_id}/messages", Some(200));
        let text = metrics.encode();
        assert!(
            text.contains(
                r#"discordproxy_rpc_requests_total{method="SendChannelMessage",code="OK"} 1"#
            ),
            "{text}"
        );
        assert!(text.contains(
            r#"discordproxy_discord_requests_total{route="POST /channels/{channel_id}/messages",status="200"} 1"#
        ));
        assert!(text.contains("discordproxy_rpc_duration_seconds_count"));
        assert!(text.ends_with("# EOF\n"));
    }
}
