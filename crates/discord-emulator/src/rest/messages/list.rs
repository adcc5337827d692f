//! `GET /channels/{channel.id}/messages`
//! ([docs](https://discord.com/developers/docs/resources/message#get-channel-messages)).

use std::collections::HashMap;
use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, Query, State as AxumState};
use serde_json::Value;

use super::super::channels::visible_channel;
use crate::error::ApiError;
use crate::rest::snowflake_param;
use crate::state::State;
use crate::store::StoredMessage;

/// Default `limit`.
const DEFAULT_LIMIT: u64 = 50;
/// Maximum `limit`.
const MAX_LIMIT: u64 = 100;

/// Parses `limit` (1–100, default 50) like Discord's integer validation.
fn parse_limit(raw: Option<&String>) -> Result<usize, ApiError> {
    bounded_limit(raw, DEFAULT_LIMIT, MAX_LIMIT)
}

/// Parses a `limit` query parameter (1–`max`, `default` when absent) like Discord's integer
/// validation: 50035 NUMBER_TYPE_COERCE, NUMBER_TYPE_MIN or NUMBER_TYPE_MAX at `limit`.
pub(super) fn bounded_limit(
    raw: Option<&String>,
    default: u64,
    max: u64,
) -> Result<usize, ApiError> {
    let Some(raw) = raw else {
        return Ok(default as usize);
    };
    let limit: i64 = raw.parse().map_err(|_| {
        ApiError::form(
            &["limit"],
            "NUMBER_TYPE_COERCE",
            format!("Value \"{raw}\" is not int."),
        )
    })?;
    if limit < 1 {
        return Err(ApiError::form(
            &["limit"],
            "NUMBER_TYPE_MIN",
            "int value should be greater than or equal to 1.",
        ));
    }
    if limit > max as i64 {
        return Err(ApiError::form(
            &["limit"],
            "NUMBER_TYPE_MAX",
            format!("int value should be less than or equal to {max}."),
        ));
    }
    Ok(limit as usize)
}

/// Which messages a list asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cursor {
    /// The newest ones.
    Latest,
    /// Around this id (the message with it, if any, is included).
    Around(u64),
    /// Older than this id.
    Before(u64),
    /// Newer than this id.
    After(u64),
}

/// The positions (oldest first) of the at most `limit` of `len` messages (ids increasing) that
/// `cursor` selects; `split(id)` is the position of the first message with an id >= `id`.
fn select(
    len: usize,
    split: impl Fn(u64) -> usize,
    cursor: Cursor,
    limit: usize,
) -> std::ops::Range<usize> {
    match cursor {
        Cursor::Latest => len.saturating_sub(limit)..len,
        Cursor::Around(around) => {
            let middle = split(around);
            let newer = len.min(middle + limit.div_ceil(2));
            let older = middle.saturating_sub(limit - (newer - middle));
            older..newer
        }
        Cursor::Before(before) => {
            let end = split(before);
            end.saturating_sub(limit)..end
        }
        Cursor::After(after) => {
            let start = split(after.saturating_add(1));
            start..len.min(start + limit)
        }
    }
}

/// `GET /channels/{channel.id}/messages[?limit&around|before|after]` → at most `limit` stored
/// messages, newest first. `around`, `before` and `after` are mutually exclusive; when several
/// are sent, the first of `around`, `before`, `after` is used. Read-only channels may be read;
/// `emulator_access: "none"` → 403/50001; a malformed `limit` or id → 400/50035 on it.
pub(in crate::rest) async fn list_messages(
    AxumState(state): AxumState<Arc<State>>,
    Path(channel_id): Path<String>,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Json<Vec<Value>>, ApiError> {
    let channel_id = snowflake_param("channel_id", &channel_id)?;
    let limit = parse_limit(query.get("limit"))?;
    let id = |name: &str| {
        query
            .get(name)
            .map(|raw| snowflake_param(name, raw))
            .transpose()
    };
    let cursor = match (id("around")?, id("before")?, id("after")?) {
        (Some(around), _, _) => Cursor::Around(around),
        (None, Some(before), _) => Cursor::Before(before),
        (None, None, Some(after)) => Cursor::After(after),
        (None, None, None) => Cursor::Latest,
    };
    let store = state.store();
    let channel = visible_channel(&store, channel_id)?;
    let messages = &channel.messages;
    let split = |id: u64| messages.partition_point(|message| message.id < id);
    let selected: Vec<&StoredMessage> = messages
        .range(select(messages.len(), split, cursor, limit))
        .collect();
    Ok(Json(
        selected
            .into_iter()
            .rev()
            .map(|message| channel.served(message))
            .collect(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn limits() {
        assert_eq!(parse_limit(None), Ok(50));
        assert_eq!(parse_limit(Some(&"100".to_owned())), Ok(100));
        assert_eq!(parse_limit(Some(&"1".to_owned())), Ok(1));
        for (raw, code) in [
            ("0", "NUMBER_TYPE_MIN"),
            ("101", "NUMBER_TYPE_MAX"),
            ("ten", "NUMBER_TYPE_COERCE"),
        ] {
            let error = parse_limit(Some(&raw.to_owned())).unwrap_err();
            assert_eq!(
                error.body()["errors"]["limit"]["_errors"][0]["code"],
                json!(code)
            );
        }
    }

    #[test]
    fn cursors_select_like_discord() {
        let ids: Vec<u64> = (1..=10).map(|n| n * 10).collect();
        let split = |id: u64| ids.partition_point(|message| *message < id);
        let pick = |cursor, limit| ids[select(ids.len(), split, cursor, limit)].to_vec();
        assert_eq!(pick(Cursor::Latest, 3), [80, 90, 100]);
        assert_eq!(pick(Cursor::Latest, 50).len(), 10);
        assert_eq!(pick(Cursor::Before(50), 2), [30, 40]);
        assert_eq!(pick(Cursor::Before(55), 100), [10, 20, 30, 40, 50]);
        assert_eq!(pick(Cursor::After(50), 2), [60, 70]);
        assert_eq!(pick(Cursor::After(100), 5), Vec::<u64>::new());
        // Around includes the message itself, half the limit newer, the rest older.
        assert_eq!(pick(Cursor::Around(50), 3), [40, 50, 60]);
        assert_eq!(pick(Cursor::Around(50), 4), [30, 40, 50, 60]);
        assert_eq!(pick(Cursor::Around(100), 4), [70, 80, 90, 100]);
        assert_eq!(pick(Cursor::Around(10), 4), [10, 20]);
    }
}
