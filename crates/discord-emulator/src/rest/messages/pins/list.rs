//! `GET /channels/{channel.id}/messages/pins`
//! ([docs](https://discord.com/developers/docs/resources/message#get-channel-pins)) and the
//! deprecated `GET /channels/{channel.id}/pins`.

use std::collections::HashMap;
use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, Query, State as AxumState};
use serde_json::{Value, json};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::super::super::channels::visible_channel;
use super::super::list::bounded_limit;
use super::pinned;
use crate::error::ApiError;
use crate::rest::snowflake_param;
use crate::state::State;
use crate::timestamp::format_timestamp_ms;

/// Default and maximum `limit`.
const MAX_LIMIT: u64 = 50;

/// Parses `before`, an ISO-8601 timestamp, into Unix milliseconds (else 400/50035). A space
/// is read as `+`: twilight sends the offset's `+` unescaped, and query decoding turns it
/// into a space.
fn parse_before(raw: &str) -> Result<u64, ApiError> {
    OffsetDateTime::parse(&raw.replace(' ', "+"), &Rfc3339)
        .ok()
        .and_then(|time| u64::try_from(time.unix_timestamp_nanos() / 1_000_000).ok())
        .ok_or_else(|| {
            ApiError::form(
                &["before"],
                "DATE_TIME_TYPE_PARSE",
                format!("Could not parse {raw}. Should be ISO8601."),
            )
        })
}

/// `GET /channels/{channel.id}/messages/pins` → `{"items": [{"pinned_at", "message"}],
/// "has_more"}`, newest pin first: the first `limit` (1–50, default 50) pinned before `before`
/// (ISO-8601). Unknown channel → 404/10003; `emulator_access: "none"` → 403/50001; bad query
/// values → 400/50035.
pub(in crate::rest) async fn list_pins(
    AxumState(state): AxumState<Arc<State>>,
    Path(channel_id): Path<String>,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Json<Value>, ApiError> {
    let channel_id = snowflake_param("channel_id", &channel_id)?;
    let limit = bounded_limit(query.get("limit"), MAX_LIMIT, MAX_LIMIT)?;
    let before = query
        .get("before")
        .map(|raw| parse_before(raw))
        .transpose()?;
    let store = state.store();
    let channel = visible_channel(&store, channel_id)?;
    let mut selected = pinned(channel)
        .into_iter()
        .filter(|message| {
            before.is_none_or(|before| message.pin.is_some_and(|pin| pin.at_ms < before))
        })
        .peekable();
    let mut items = Vec::new();
    while items.len() < limit {
        let Some(message) = selected.next() else {
            break;
        };
        let pinned_at = message.pin.map(|pin| format_timestamp_ms(pin.at_ms));
        items.push(json!({"pinned_at": pinned_at, "message": channel.served(message)}));
    }
    let has_more = selected.peek().is_some();
    Ok(Json(json!({"items": items, "has_more": has_more})))
}

/// `GET /channels/{channel.id}/pins` (deprecated) → the pinned messages, newest pin first.
/// Errors as [`list_pins`].
pub(in crate::rest) async fn list_pins_deprecated(
    AxumState(state): AxumState<Arc<State>>,
    Path(channel_id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let channel_id = snowflake_param("channel_id", &channel_id)?;
    let store = state.store();
    let channel = visible_channel(&store, channel_id)?;
    let messages = pinned(channel)
        .into_iter()
        .map(|message| channel.served(message))
        .collect();
    Ok(Json(Value::Array(messages)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn before_is_an_iso_timestamp() {
        assert_eq!(parse_before("1970-01-01T00:00:01.500000+00:00"), Ok(1500));
        assert_eq!(parse_before("1970-01-01T01:00:00+01:00"), Ok(0));
        assert_eq!(parse_before("1970-01-01T00:00:00.002000 00:00"), Ok(2));
        let error = parse_before("yesterday").unwrap_err();
        assert!(error.body()["errors"]["before"].is_object());
    }
}
