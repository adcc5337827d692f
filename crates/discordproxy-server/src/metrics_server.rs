//! `GET /metrics` on `--metrics-addr`: the [`Metrics`](crate::metrics::Metrics) registry in
//! Prometheus/OpenMetrics text format. Gauges that describe current state (pending calls,
//! invalid requests in the window, shards, cache sizes) are read when scraped.

use crate::{
    metrics::{KindLabel, ShardLabel, StateLabel},
    state::ProxyState,
};
use axum::{Router, extract::State, http::header, response::IntoResponse, routing::get};
use discordproxy_proto::shard_status::State as ShardState;
use std::sync::Arc;
use tokio::net::TcpListener;

/// Content type of the OpenMetrics text format that Prometheus scrapes.
const CONTENT_TYPE: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

/// Serves `/metrics` on `listener` until the server shuts down.
pub async fn serve(listener: TcpListener, state: Arc<ProxyState>, gateway: bool) {
    let mut shutdown = state.shutdown.subscribe();
    let app = Router::new()
        .route("/metrics", get(scrape))
        .with_state((Arc::clone(&state), gateway));
    let result = axum::serve(listener, app)
        .with_graceful_shutdown(async move {
            let _ = shutdown.wait_for(|done| *done).await;
        })
        .await;
    if let Err(error) = result {
        tracing::error!(%error, "metrics server failed");
    }
}

async fn scrape(State((state, gateway)): State<(Arc<ProxyState>, bool)>) -> impl IntoResponse {
    refresh(&state, gateway);
    // `discordproxy_deployment_shards{instance}` from the leases in Redis.
    state.deployment().await;
    (
        [(header::CONTENT_TYPE, CONTENT_TYPE)],
        state.metrics.encode(),
    )
}

/// Sets the state gauges from `state`.
pub fn refresh(state: &ProxyState, gateway: bool) {
    let metrics = &state.metrics;
    let pending = state
        .max_pending
        .saturating_sub(state.pending.available_permits());
    metrics.pending_calls.set(gauge(pending));
    metrics
        .invalid_requests
        .set(i64::from(state.rest.invalid_requests()));
    metrics
        .ratelimit_buckets
        .set(gauge(state.rest.bucket_count()));
    metrics.rest_blocked.set(i64::from(state.rest.blocked()));
    let (guilds, channels, members) = state.cache.sizes();
    for (kind, count) in [
        ("guilds", guilds),
        ("channels", channels),
        ("members", members),
        ("dm_channels", state.dm_channels.len()),
    ] {
        metrics
            .cache_entries
            .get_or_create(&KindLabel { kind })
            .set(gauge(count));
    }
    if !gateway {
        return;
    }
    let shards = state
        .shards
        .get()
        .map(|board| board.snapshot())
        .unwrap_or_default();
    for shard_state in [
        ShardState::Unknown,
        ShardState::Connecting,
        ShardState::Identifying,
        ShardState::Ready,
        ShardState::Resuming,
        ShardState::Disconnected,
    ] {
        let count = shards
            .iter()
            .filter(|shard| shard.state() == shard_state)
            .count();
        metrics
            .gateway_shards
            .get_or_create(&StateLabel {
                state: shard_state.as_str_name(),
            })
            .set(gauge(count));
    }
    for shard in &shards {
        if shard.heartbeat_latency_ms >= 0 {
            #[allow(clippy::cast_precision_loss)]
            let seconds = shard.heartbeat_latency_ms as f64 / 1000.0;
            metrics
                .gateway_latency
                .get_or_create(&ShardLabel {
                    shard: shard.shard_id,
                })
                .set(seconds);
        }
    }
}

fn gauge(count: usize) -> i64 {
    i64::try_from(count).unwrap_or(i64::MAX)
}
