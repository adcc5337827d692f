//! `GET /gateway` and `GET /gateway/bot`
//! ([docs](https://discord.com/developers/docs/events/gateway#get-gateway)).
//!
//! Both point at the emulator's own websocket gateway (`ws://host:port`, see
//! [`crate::gateway`]).

use std::sync::Arc;

use axum::Json;
use axum::extract::State as AxumState;
use serde_json::{Value, json};

use crate::state::State;

/// `GET /gateway` → `{"url": "ws://…"}` (no token needed).
pub(super) async fn get_gateway(AxumState(state): AxumState<Arc<State>>) -> Json<Value> {
    Json(json!({ "url": state.gateway_url }))
}

/// `GET /gateway/bot` → the URL, the recommended shard count and the session start limit
/// (`remaining` goes down with each IDENTIFY the gateway accepts; see `gateway::limits`).
pub(super) async fn get_gateway_bot(AxumState(state): AxumState<Arc<State>>) -> Json<Value> {
    let limits = state.gateway.limits();
    Json(json!({
        "url": state.gateway_url,
        "shards": limits.shards,
        "session_start_limit": {
            "total": limits.total,
            "remaining": limits.remaining,
            "reset_after": limits.reset_after,
            "max_concurrency": limits.max_concurrency,
        },
    }))
}
