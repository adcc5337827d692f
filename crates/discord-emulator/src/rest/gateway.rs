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

/// `GET /gateway/bot` → the URL, one shard and a fresh session start limit.
pub(super) async fn get_gateway_bot(AxumState(state): AxumState<Arc<State>>) -> Json<Value> {
    Json(json!({
        "url": state.gateway_url,
        "shards": 1,
        "session_start_limit": {
            "total": 1000,
            "remaining": 1000,
            "reset_after": 86_400_000,
            "max_concurrency": 1,
        },
    }))
}
