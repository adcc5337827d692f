//! The emulator's own endpoints under `/_emulator/` (never under `/api`, no token needed).
//!
//! - `GET /_emulator/health` → `200 ok`
//! - `GET /_emulator/requests` → JSON array of [`RecordedRequest`],
//!   oldest first
//! - `DELETE /_emulator/requests` → `204`, clears the request log
//! - `POST /_emulator/channels/{channel.id}/messages` with `{"author_id", …create body}` → the
//!   message, written by that user of the fixture (404 / 400 `{"error": "…"}` otherwise)
//! - `PUT /_emulator/channels/{channel.id}/messages/{message.id}/reactions/{emoji}/{user.id}`
//!   (`?type=1` for a burst reaction) → `204`, a reaction of that user of the fixture, with
//!   MESSAGE_REACTION_ADD (Discord's status with `{"error": …}` otherwise)
//! - `POST /_emulator/interactions` with `{"type": 2|3|4|5, "channel_id", "user_id", "guild_id"
//!   (optional: the channel's), "message_id" (the component's message; needed for type 3),
//!   "data"}` → `{"id", "token", "application_id"}`, and INTERACTION_CREATE (see
//!   [`crate::rest`]'s interaction routes; 400 `{"error": …}` otherwise)
//! - `GET /_emulator/interactions/{interaction.id}` → `{"id", "type", "initial_response": null |
//!   {"type", "data", "after_ms", "after_us"}, "original_message_id", "original_message",
//!   "followups"}` (`after_ms`/`after_us`: when the callback arrived, in whole milliseconds and
//!   microseconds after the interaction's creation and INTERACTION_CREATE dispatch)

use std::sync::Arc;

use axum::Json;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Query, State as AxumState};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use serde_json::{Value, json};

use crate::request_log::RecordedRequest;
use crate::rest::{InjectError, ReactionTarget, add_reaction, inject_message};
use crate::snowflake::parse_snowflake_str;
use crate::state::State;
use crate::store::ReactionKind;

/// The `/_emulator/` routes.
pub(crate) fn router() -> Router<Arc<State>> {
    Router::new()
        .route("/_emulator/health", get(health))
        .route("/_emulator/requests", get(requests).delete(clear_requests))
        .route("/_emulator/channels/{channel_id}/messages", post(inject))
        .route(
            "/_emulator/channels/{channel_id}/messages/{message_id}/reactions/{emoji}/{user_id}",
            put(react),
        )
        .route("/_emulator/interactions", post(new_interaction))
        .route("/_emulator/interactions/{interaction_id}", get(interaction))
}

/// `POST /_emulator/interactions`: an interaction of a user of the fixture.
async fn new_interaction(AxumState(state): AxumState<Arc<State>>, body: Bytes) -> Response {
    let bad = |message: String| {
        (StatusCode::BAD_REQUEST, Json(json!({ "error": message }))).into_response()
    };
    let body: Value = match serde_json::from_slice(&body) {
        Ok(body) => body,
        Err(error) => return bad(format!("the body is not JSON: {error}")),
    };
    let id = |key: &str| body.get(key).and_then(crate::snowflake::parse_snowflake);
    let (Some(channel_id), Some(user_id)) = (id("channel_id"), id("user_id")) else {
        return bad("channel_id and user_id must be snowflakes".to_owned());
    };
    let new = crate::rest::interactions::NewInteraction {
        kind: body.get("type").and_then(Value::as_u64).unwrap_or(0),
        guild_id: id("guild_id"),
        channel_id,
        user_id,
        message_id: id("message_id"),
        data: body.get("data").cloned().unwrap_or(Value::Null),
    };
    match crate::rest::interactions::create(&state, new) {
        Ok(created) => Json(created).into_response(),
        Err(message) => bad(message),
    }
}

/// `GET /_emulator/interactions/{interaction.id}`: what the bot answered.
async fn interaction(
    AxumState(state): AxumState<Arc<State>>,
    Path(interaction_id): Path<String>,
) -> Response {
    let report = parse_snowflake_str(&interaction_id)
        .and_then(|id| crate::rest::interactions::report(&state.store(), id));
    match report {
        Some(report) => Json(report).into_response(),
        None => (
            StatusCode::NOT_FOUND,
            Json(json!({"error": "unknown interaction"})),
        )
            .into_response(),
    }
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

/// The query of the reaction control route: `type` 1 for a burst reaction.
#[derive(Debug, serde::Deserialize)]
struct ReactQuery {
    #[serde(rename = "type", default)]
    kind: u8,
}

/// `PUT /_emulator/channels/{channel.id}/messages/{message.id}/reactions/{emoji}/{user.id}`: a
/// reaction of another user.
async fn react(
    AxumState(state): AxumState<Arc<State>>,
    Path((channel_id, message_id, emoji, user_id)): Path<(String, String, String, String)>,
    Query(query): Query<ReactQuery>,
) -> Response {
    let bad = |status: StatusCode, message: String| {
        (status, Json(json!({ "error": message }))).into_response()
    };
    let ids = (
        parse_snowflake_str(&channel_id),
        parse_snowflake_str(&message_id),
        parse_snowflake_str(&user_id),
    );
    let (Some(channel_id), Some(message_id), Some(user_id)) = ids else {
        return bad(StatusCode::NOT_FOUND, "malformed id".to_owned());
    };
    let kind = match query.kind {
        0 => ReactionKind::Normal,
        1 => ReactionKind::Burst,
        _ => return bad(StatusCode::BAD_REQUEST, "type must be 0 or 1".to_owned()),
    };
    let mut store = state.store();
    if !store.users.contains_key(&user_id) {
        return bad(
            StatusCode::BAD_REQUEST,
            "user_id must name a user of the fixture".to_owned(),
        );
    }
    let target = ReactionTarget {
        channel_id,
        message_id,
        emoji: &emoji,
        user_id,
        kind,
    };
    match add_reaction(&state.gateway, &mut store, target) {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(error) => bad(error.status(), error.to_string()),
    }
}
