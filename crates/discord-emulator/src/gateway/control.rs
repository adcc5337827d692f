//! Gateway control endpoints under `/_emulator/gateway/` (no token needed).
//!
//! | route | body (JSON, every key optional unless noted) | effect |
//! | --- | --- | --- |
//! | `GET /_emulator/gateway/sessions` | | list sessions ([`SessionInfo`](super::SessionInfo)) |
//! | `DELETE /_emulator/gateway/sessions` | | drop every connection, forget every session (204) |
//! | `GET /_emulator/gateway/commands` | | payloads received from clients ([`ReceivedCommand`](super::ReceivedCommand)) |
//! | `POST /_emulator/gateway/reconnect` | `session_id` | send RECONNECT (op 7) |
//! | `POST /_emulator/gateway/invalidate` | `session_id`, `resumable` (default false) | send INVALID_SESSION (op 9) |
//! | `POST /_emulator/gateway/heartbeat` | `session_id` | request a heartbeat (op 1) |
//! | `POST /_emulator/gateway/close` | `session_id`, `code` (default 4000), `reason` | close frame |
//! | `POST /_emulator/gateway/drop` | `session_id` | drop the TCP connection, no close frame |
//! | `POST /_emulator/gateway/dispatch` | `t` (required), `d`, `guild_id`, `session_id`, `count` (1–1,000,000, default 1) | dispatch an event (`count` copies, each with its own sequence number) |
//! | `GET /_emulator/gateway/limits` | | shards, identify concurrency, session starts ([`LimitsInfo`](super::LimitsInfo)) |
//! | `PATCH /_emulator/gateway/limits` | `shards`, `max_concurrency`, `session_start_limit`, `reset` | change them ([`LimitsChange`](super::LimitsChange)); answers the new limits |
//!
//! The POST routes answer `{"sessions": [ids acted on]}`; a `session_id` that names no session
//! answers 404 `{"message": "Unknown session"}`, a malformed body 400 `{"message": …}`.

use axum::Json;
use axum::Router;
use axum::body::Bytes;
use axum::extract::State as AxumState;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use super::{Gateway, LimitsChange, LimitsInfo, ReceivedCommand, SessionInfo};
use crate::snowflake::parse_snowflake;

/// The `/_emulator/gateway/…` routes.
pub(super) fn router() -> Router<Gateway> {
    Router::new()
        .route("/_emulator/gateway/sessions", get(sessions).delete(reset))
        .route("/_emulator/gateway/commands", get(commands))
        .route("/_emulator/gateway/reconnect", post(reconnect))
        .route("/_emulator/gateway/invalidate", post(invalidate))
        .route("/_emulator/gateway/heartbeat", post(heartbeat))
        .route("/_emulator/gateway/close", post(close))
        .route("/_emulator/gateway/drop", post(drop_connections))
        .route("/_emulator/gateway/dispatch", post(dispatch))
        .route(
            "/_emulator/gateway/limits",
            get(limits).patch(change_limits),
        )
}

/// A control error: status and message.
#[derive(Debug)]
struct ControlError(StatusCode, String);

impl IntoResponse for ControlError {
    fn into_response(self) -> Response {
        (self.0, Json(json!({"message": self.1}))).into_response()
    }
}

/// Parses an optional JSON body (empty → the default).
fn body<T: DeserializeOwned + Default>(bytes: &Bytes) -> Result<T, ControlError> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(T::default());
    }
    serde_json::from_slice(bytes)
        .map_err(|error| ControlError(StatusCode::BAD_REQUEST, format!("invalid body: {error}")))
}

/// Fails with 404 when `session_id` names no session.
fn known(gateway: &Gateway, session_id: Option<&str>) -> Result<(), ControlError> {
    match session_id {
        Some(id) if !gateway.sessions().iter().any(|s| s.session_id == id) => Err(ControlError(
            StatusCode::NOT_FOUND,
            "Unknown session".to_owned(),
        )),
        _ => Ok(()),
    }
}

/// `{"sessions": [...]}`.
fn acted_on(ids: Vec<String>) -> Json<Value> {
    Json(json!({ "sessions": ids }))
}

/// A body that may name one session.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Target {
    session_id: Option<String>,
}

/// `GET /_emulator/gateway/sessions`.
async fn sessions(AxumState(gateway): AxumState<Gateway>) -> Json<Vec<SessionInfo>> {
    Json(gateway.sessions())
}

/// `DELETE /_emulator/gateway/sessions`.
async fn reset(AxumState(gateway): AxumState<Gateway>) -> StatusCode {
    gateway.reset();
    StatusCode::NO_CONTENT
}

/// `GET /_emulator/gateway/commands`.
async fn commands(AxumState(gateway): AxumState<Gateway>) -> Json<Vec<ReceivedCommand>> {
    Json(gateway.commands())
}

/// `GET /_emulator/gateway/limits`.
async fn limits(AxumState(gateway): AxumState<Gateway>) -> Json<LimitsInfo> {
    Json(gateway.limits())
}

/// `PATCH /_emulator/gateway/limits`.
async fn change_limits(
    AxumState(gateway): AxumState<Gateway>,
    bytes: Bytes,
) -> Result<Json<LimitsInfo>, ControlError> {
    let change: LimitsChange = body(&bytes)?;
    gateway
        .change_limits(&change)
        .map(Json)
        .map_err(|message| ControlError(StatusCode::BAD_REQUEST, message))
}

/// `POST /_emulator/gateway/reconnect`.
async fn reconnect(
    AxumState(gateway): AxumState<Gateway>,
    bytes: Bytes,
) -> Result<Json<Value>, ControlError> {
    let target: Target = body(&bytes)?;
    let session = target.session_id.as_deref();
    known(&gateway, session)?;
    Ok(acted_on(gateway.reconnect(session)))
}

/// `POST /_emulator/gateway/invalidate` body.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Invalidate {
    session_id: Option<String>,
    #[serde(default)]
    resumable: bool,
}

/// `POST /_emulator/gateway/invalidate`.
async fn invalidate(
    AxumState(gateway): AxumState<Gateway>,
    bytes: Bytes,
) -> Result<Json<Value>, ControlError> {
    let request: Invalidate = body(&bytes)?;
    let session = request.session_id.as_deref();
    known(&gateway, session)?;
    Ok(acted_on(
        gateway.invalidate_session(session, request.resumable),
    ))
}

/// `POST /_emulator/gateway/heartbeat`.
async fn heartbeat(
    AxumState(gateway): AxumState<Gateway>,
    bytes: Bytes,
) -> Result<Json<Value>, ControlError> {
    let target: Target = body(&bytes)?;
    let session = target.session_id.as_deref();
    known(&gateway, session)?;
    Ok(acted_on(gateway.request_heartbeat(session)))
}

/// `POST /_emulator/gateway/close` body.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Close {
    session_id: Option<String>,
    code: Option<u16>,
    reason: Option<String>,
}

/// Whether `code` may be sent in a close frame (RFC 6455: 1000–1003, 1007–1014, 3000–4999).
fn sendable_close_code(code: u16) -> bool {
    matches!(code, 1000..=1003 | 1007..=1014 | 3000..=4999)
}

/// `POST /_emulator/gateway/close`.
async fn close(
    AxumState(gateway): AxumState<Gateway>,
    bytes: Bytes,
) -> Result<Json<Value>, ControlError> {
    let request: Close = body(&bytes)?;
    let code = request.code.unwrap_or(4000);
    if !sendable_close_code(code) {
        return Err(ControlError(
            StatusCode::BAD_REQUEST,
            format!("close code {code} cannot be sent (1000-1003, 1007-1014, 3000-4999)"),
        ));
    }
    let reason = request.reason.unwrap_or_default();
    if reason.len() > 123 {
        return Err(ControlError(
            StatusCode::BAD_REQUEST,
            "reason is longer than 123 bytes".to_owned(),
        ));
    }
    let session = request.session_id.as_deref();
    known(&gateway, session)?;
    Ok(acted_on(gateway.close(session, code, &reason)))
}

/// `POST /_emulator/gateway/drop`.
async fn drop_connections(
    AxumState(gateway): AxumState<Gateway>,
    bytes: Bytes,
) -> Result<Json<Value>, ControlError> {
    let target: Target = body(&bytes)?;
    let session = target.session_id.as_deref();
    known(&gateway, session)?;
    Ok(acted_on(gateway.drop_connections(session)))
}

/// `POST /_emulator/gateway/dispatch` body.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Dispatch {
    t: Option<String>,
    #[serde(default)]
    d: Value,
    guild_id: Option<Value>,
    session_id: Option<String>,
    /// How many copies to dispatch (default 1).
    count: Option<u64>,
}

/// Largest `count` of one `POST /_emulator/gateway/dispatch`.
const MAX_DISPATCH_COUNT: u64 = 1_000_000;

/// `POST /_emulator/gateway/dispatch`.
async fn dispatch(
    AxumState(gateway): AxumState<Gateway>,
    bytes: Bytes,
) -> Result<Json<Value>, ControlError> {
    let request: Dispatch = body(&bytes)?;
    let Some(t) = request.t.filter(|t| !t.is_empty()) else {
        return Err(ControlError(
            StatusCode::BAD_REQUEST,
            "t (the event name) is required".to_owned(),
        ));
    };
    let guild_id = match &request.guild_id {
        None | Some(Value::Null) => None,
        Some(value) => Some(parse_snowflake(value).ok_or_else(|| {
            ControlError(
                StatusCode::BAD_REQUEST,
                format!("guild_id {value} is not a snowflake"),
            )
        })?),
    };
    let count = request.count.unwrap_or(1);
    if !(1..=MAX_DISPATCH_COUNT).contains(&count) {
        return Err(ControlError(
            StatusCode::BAD_REQUEST,
            format!("count must be between 1 and {MAX_DISPATCH_COUNT}"),
        ));
    }
    let session = request.session_id.as_deref();
    known(&gateway, session)?;
    if count == 1 {
        return Ok(acted_on(
            gateway.dispatch(&t, &request.d, guild_id, session),
        ));
    }
    Ok(acted_on(
        gateway
            .dispatch_many(&t, &request.d, guild_id, session, count)
            .await,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn close_codes_that_can_be_sent() {
        for code in [1000, 1001, 3000, 4000, 4009, 4999] {
            assert!(sendable_close_code(code), "{code}");
        }
        for code in [0, 999, 1004, 1005, 1006, 1015, 2000, 5000] {
            assert!(!sendable_close_code(code), "{code}");
        }
    }

    #[test]
    fn bodies() {
        let empty: Target = body(&Bytes::new()).unwrap();
        assert!(empty.session_id.is_none());
        let named: Target = body(&Bytes::from_static(br#"{"session_id":"x"}"#)).unwrap();
        assert_eq!(named.session_id.as_deref(), Some("x"));
        assert!(body::<Target>(&Bytes::from_static(br#"{"sesion_id":"x"}"#)).is_err());
        let dispatch: Dispatch = body(&Bytes::from_static(
            br#"{"t":"X","d":{"a":1},"guild_id":"5"}"#,
        ))
        .unwrap();
        assert_eq!(dispatch.t.as_deref(), Some("X"));
        assert_eq!(dispatch.d, json!({"a": 1}));
        assert_eq!(dispatch.count, None);
        let many: Dispatch = body(&Bytes::from_static(br#"{"t":"X","count":5}"#)).unwrap();
        assert_eq!(many.count, Some(5));
    }
}
