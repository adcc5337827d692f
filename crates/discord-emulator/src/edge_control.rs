//! Control endpoints for the REST edge (under `/_emulator/`, no token):
//!
//! - `GET /_emulator/stats` → rate-limit counters and state (see the crate README)
//! - `GET /_emulator/faults` → pending faults
//! - `POST /_emulator/faults` with a fault object (or an array of them) → `{"id": N}` (or
//!   `{"ids": [...]}`); 400 `{"error": "..."}` when a description is wrong
//! - `DELETE /_emulator/faults` → 204; removes every fault and ends stalled answers
//! - `POST /_emulator/reset` → 204; messages, DM channels, nonces, the request log, rate-limit
//!   state and faults go back to the fixture's start

use std::sync::Arc;

use axum::Json;
use axum::Router;
use axum::body::Bytes;
use axum::extract::State as AxumState;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::{Value, json};

use crate::state::State;

/// The edge's `/_emulator/` routes.
pub(crate) fn router() -> Router<Arc<State>> {
    Router::new()
        .route("/_emulator/stats", get(stats))
        .route(
            "/_emulator/faults",
            get(list_faults).post(add_faults).delete(clear_faults),
        )
        .route("/_emulator/reset", post(reset))
}

/// A 400 with `{"error": message}`.
fn bad_request(message: impl Into<String>) -> Response {
    (
        StatusCode::BAD_REQUEST,
        Json(json!({ "error": message.into() })),
    )
        .into_response()
}

/// `GET /_emulator/stats`.
async fn stats(AxumState(state): AxumState<Arc<State>>) -> Json<Value> {
    Json(state.edge.stats())
}

/// `GET /_emulator/faults`.
async fn list_faults(AxumState(state): AxumState<Arc<State>>) -> Json<Value> {
    Json(state.edge.faults().list())
}

/// `POST /_emulator/faults`: one fault object or an array of them (all or none are added).
async fn add_faults(AxumState(state): AxumState<Arc<State>>, body: Bytes) -> Response {
    let spec: Value = match serde_json::from_slice(&body) {
        Ok(spec) => spec,
        Err(error) => return bad_request(format!("the body is not JSON: {error}")),
    };
    let mut faults = state.edge.faults();
    match spec {
        Value::Array(specs) => {
            // Validate every description before adding any.
            let mut scratch = crate::faults::Faults::default();
            for (index, spec) in specs.iter().enumerate() {
                if let Err(error) = scratch.add(spec.clone()) {
                    return bad_request(format!("[{index}]: {error}"));
                }
            }
            let ids: Vec<u64> = specs
                .into_iter()
                .filter_map(|spec| faults.add(spec).ok())
                .collect();
            Json(json!({ "ids": ids })).into_response()
        }
        spec => match faults.add(spec) {
            Ok(id) => Json(json!({ "id": id })).into_response(),
            Err(error) => bad_request(error),
        },
    }
}

/// `DELETE /_emulator/faults`.
async fn clear_faults(AxumState(state): AxumState<Arc<State>>) -> StatusCode {
    state.edge.clear_faults();
    StatusCode::NO_CONTENT
}

/// `POST /_emulator/reset`.
async fn reset(AxumState(state): AxumState<Arc<State>>) -> StatusCode {
    state.reset();
    tracing::info!("state reset to the fixture");
    StatusCode::NO_CONTENT
}
