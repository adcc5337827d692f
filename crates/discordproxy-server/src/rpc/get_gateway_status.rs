//! `GetGatewayStatus`: per shard its state, heartbeat latency, session start, resumes and
//! reconnects.

use crate::app::AppState;
use discordproxy_proto::GetGatewayStatusResponse;

/// The current status; no shards when the gateway has not started (or `--no-gateway`).
pub fn handle(state: &AppState) -> GetGatewayStatusResponse {
    GetGatewayStatusResponse {
        shards: state
            .shards
            .get()
            .map(|board| board.snapshot())
            .unwrap_or_default(),
    }
}
