//! `GetGatewayStatus`: per shard this instance runs its state, heartbeat latency, session
//! start, resumes and reconnects, and the bot's shard count; with `--redis-url` also the
//! deployment (live instances and their shards, Redis round trip, degraded time, the event
//! stream's epoch and position). No start-up gate, no Discord request.

use crate::{error::Result, state::ProxyState};
use discordproxy_proto::{
    DeploymentStatus, GetGatewayStatusRequest, GetGatewayStatusResponse,
    deployment_status::Instance,
};
use std::sync::Arc;
use tokio::time::Instant;

/// The current status of the shards this instance runs (a `--shards A..B/T` range, or the
/// shards it holds leases for) and the bot's total; no shards and a total of 0 when the
/// gateway has not started (or `--no-gateway`). With Redis, `deployment` is read from Redis
/// (at most three calls of `--redis-timeout-ms` each).
///
/// # Errors
/// None: the status is always known (an unreachable Redis gives `redis_round_trip_ms` -1).
pub(crate) async fn handle(
    state: Arc<ProxyState>,
    _request: GetGatewayStatusRequest,
    _deadline: Instant,
) -> Result<GetGatewayStatusResponse> {
    let board = state.shards.get();
    let shards = board.map(|board| board.snapshot()).unwrap_or_default();
    let shard_count = board.map_or(0, |board| board.total());
    let deployment = match (&state.redis, state.deployment().await) {
        (Some(shared), Some(seen)) => Some(DeploymentStatus {
            instances: seen
                .instances
                .into_iter()
                .map(|(id, shard_ids)| Instance {
                    this_instance: id == shared.instance(),
                    id,
                    shard_ids,
                })
                .collect(),
            degraded: shared.degraded(),
            degraded_seconds: state.metrics.redis_degraded_seconds.get(),
            redis_round_trip_ms: seen.round_trip_ms.unwrap_or(-1.0),
            event_epoch: state.events.epoch(),
            event_position: state.events.newest(),
        }),
        _ => None,
    };
    Ok(GetGatewayStatusResponse {
        shards,
        shard_count,
        deployment,
    })
}
