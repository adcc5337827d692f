//! `GetGatewayStatus`: per shard its state, heartbeat latency, session start, resumes and
//! reconnects. Answered at once (no start-up gate, no Discord request).

use crate::{error::Result, state::ProxyState};
use discordproxy_proto::{GetGatewayStatusRequest, GetGatewayStatusResponse};
use std::sync::Arc;
use tokio::time::Instant;

/// The current status; no shards when the gateway has not started (or `--no-gateway`).
///
/// # Errors
/// None: the status is always known.
pub(crate) async fn handle(
    state: Arc<ProxyState>,
    _request: GetGatewayStatusRequest,
    _deadline: Instant,
) -> Result<GetGatewayStatusResponse> {
    Ok(GetGatewayStatusResponse {
        shards: state
            .shards
            .get()
            .map(|board| board.snapshot())
            .unwrap_or_default(),
    })
}
