//! The emulator's own endpoints under `/_emulator/` (never under `/api`, no token needed).
//!
//! - `GET /_emulator/health` → `200 ok`
//! - `GET /_emulator/requests` → JSON array of [`RecordedRequest`],
//!   oldest first
//! - `DELETE /_emulator/requests` → `204`, clears the request log
//! - `POST /_emulator/channels/{channel.id}/messages` with `{"author_id", …create body}` → the
//!   message, written by that user of the fixture (404 / 400 `{"error": "…"}` otherwise)

use std::sync::Arc;

use axum::Json;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State as AxumState};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::{Value, json};

use crate::request_log::RecordedRequest;
use crate::rest::{InjectError, inject_message};
use crate::state::State;

/// The `/_emulator/` routes.
pub(crate) fn router() -> Router<Arc<State>> {
    Router::new()
        .route("/_emulator/health", get(health))
        .route("/_emulator/requests", get(requests).delete(clear_requests))
        .route("/_emulator/channels/{channel_id}/messages", post(inject))
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

/// `POST /_emulator/channels/{channel.id}/messages`: a message written by another user.
async fn inject(
    AxumState(state): AxumState<Arc<State>>,
    Path(channel_id): Path<String>,
    body: Bytes,
) -> Response {
    let body: Option<Value> = match serde_json::from_slice(&body) {
        Ok(body) => Some(body),
        Err(_) if body.is_empty() => None,
        Err(error) => {
            let message = format!("the body is not JSON: {error}");
            return (StatusCode::BAD_REQUEST, Json(json!({ "error": message }))).into_response();
        }
    };
    match inject_message(&state, &channel_id, body.as_ref()) {
        Ok(message) => Json(message).into_response(),
        Err(error) => {
            let status = match error {
                InjectError::UnknownChannel => StatusCode::NOT_FOUND,
                InjectError::BadAuthor | InjectError::Invalid(_) => StatusCode::BAD_REQUEST,
            };
            (status, Json(json!({ "error": error.message() }))).into_response()
        }
    }
}
