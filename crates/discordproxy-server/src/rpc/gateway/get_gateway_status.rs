//! `GetGatewayStatus`: per shard its state, heartbeat latency, session start, resumes and
//! reconnects. Answered at once (no start-up gate, no Discord request).

use crate::{app::AppState, error::Result};
use discordproxy_proto::{GetGatewayStatusRequest, GetGatewayStatusResponse};
use std::sync::Arc;
use tokio::time::Instant;

/// The current status; no shards when the gateway has not started (or `--no-gateway`).
///
/// # Errors
/// None: the status is always known.
#[allow(clippy::unused_async)]
pub(crate) async fn handle(
    state: Arc<AppState>,
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
