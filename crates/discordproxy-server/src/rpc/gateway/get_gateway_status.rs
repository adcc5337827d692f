//! `GetGatewayStatus`: per shard this instance runs its state, heartbeat latency, session
//! start, resumes and reconnects, and the bot's shard count. Answered at once (no start-up
//! gate, no Discord request).

use crate::{error::Result, state::ProxyState};
use discordproxy_proto::{GetGatewayStatusRequest, GetGatewayStatusResponse};
use std::sync::Arc;
use tokio::time::Instant;

/// The current status of the shards this instance runs (a `--shards A..B/T` range, or the
/// shards it holds leases for) and the bot's total; no shards and a total of 0 when the
/// gateway has not started (or `--no-gateway`).
///
/// # Errors
/// None: the status is always known.
pub(crate) async fn handle(
    state: Arc<ProxyState>,
    _request: GetGatewayStatusRequest,
    _deadline: Instant,
) -> Result<GetGatewayStatusResponse> {
    let board = state.shards.get();
    Ok(GetGatewayStatusResponse {
        shards: board.map(|board| board.snapshot()).unwrap_or_default(),
        shard_count: board.map_or(0, |board| board.total()),
    })
}
