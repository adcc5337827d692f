//! The emulator's own endpoints under `/_emulator/` (never under `/api`, no token needed).
//!
//! - `GET /_emulator/health` → `200 ok`
//! - `GET /_emulator/requests` → JSON array of [`RecordedRequest`],
//!   oldest first
//! - `DELETE /_emulator/requests` → `204`, clears the request log

use std::sync::Arc;

use axum::Json;
use axum::Router;
use axum::extract::State as AxumState;
use axum::http::StatusCode;
use axum::routing::get;

use crate::request_log::RecordedRequest;
use crate::state::State;

/// The `/_emulator/` routes.
pub(crate) fn router() -> Router<Arc<State>> {
    Router::new()
        .route("/_emulator/health", get(health))
        .route("/_emulator/requests", get(requests).delete(clear_requests))
}

/// `GET /_emulator/health`.
async fn health() -> &'static str {
    "ok"
}

/// `GET /_emulator/requests`.
async fn requests(AxumState(state): AxumState<Arc<State>>) -> Json<Vec<RecordedRequest>> {
    Json(state.log().snapshot())
}

/// `DELETE /_emulator/requests`.
async fn clear_requests(AxumState(state): AxumState<Arc<State>>) -> StatusCode {
    state.log().clear();
    StatusCode::NO_CONTENT
}
