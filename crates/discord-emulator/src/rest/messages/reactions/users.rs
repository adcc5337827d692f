//! `GET /channels/{channel.id}/messages/{message.id}/reactions/{emoji}`
//! ([docs](https://discord.com/developers/docs/resources/message#get-reactions)).

use std::collections::HashMap;
use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, Query, State as AxumState};
use serde_json::Value;

use super::super::list::bounded_limit;
use super::super::message_path;
use super::locate;
use crate::error::ApiError;
use crate::rest::snowflake_param;
use crate::state::State;
use crate::store::ReactionKind;

/// Default `limit`.
const DEFAULT_LIMIT: u64 = 25;
/// Maximum `limit`.
const MAX_LIMIT: u64 = 100;

/// Parses `type`: 0 (normal, the default) or 1 (burst), else 400/50035.
fn parse_kind(raw: Option<&String>) -> Result<ReactionKind, ApiError> {
    match raw.map(String::as_str) {
        None | Some("0") => Ok(ReactionKind::Normal),
        Some("1") => Ok(ReactionKind::Burst),
        Some(raw) if raw.parse::<i64>().is_ok() => Err(ApiError::form(
            &["type"],
            "BASE_TYPE_CHOICES",
            "Value must be one of {0, 1}.",
        )),
        Some(raw) => Err(ApiError::form(
            &["type"],
            "NUMBER_TYPE_COERCE",
            format!("Value \"{raw}\" is not int."),
        )),
    }
}

/// `GET /channels/{channel.id}/messages/{message.id}/reactions/{emoji}` → the user objects
/// that reacted with the emoji and `type` (0 normal, default; 1 burst), by increasing id, the
/// first `limit` (1–100, default 25) with an id greater than `after`. Bad query values →
/// 400/50035.
pub(in crate::rest) async fn get_reactions(
    AxumState(state): AxumState<Arc<State>>,
    Path((channel_id, message_id, emoji)): Path<(String, String, String)>,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Json<Value>, ApiError> {
    let (channel_id, message_id) = message_path((channel_id, message_id))?;
    let limit = bounded_limit(query.get("limit"), DEFAULT_LIMIT, MAX_LIMIT)?;
    let kind = parse_kind(query.get("type"))?;
    let after = query
        .get("after")
        .map(|raw| snowflake_param("after", raw))
        .transpose()?
        .unwrap_or(0);
    let store = state.store();
    let (message, emoji) = locate(&store, channel_id, message_id, Some(&emoji))?;
    let emoji = emoji.ok_or(ApiError::UnknownEmoji)?;
    let users = message
        .reactions
        .users(&emoji.key, kind, after)
        .into_iter()
        .filter_map(|id| store.users.get(&id))
        .take(limit)
        .map(|user| Value::Object(user.object.clone()))
        .collect();
    Ok(Json(Value::Array(users)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reaction_types() {
        assert_eq!(parse_kind(None), Ok(ReactionKind::Normal));
        assert_eq!(parse_kind(Some(&"1".into())), Ok(ReactionKind::Burst));
        let error = parse_kind(Some(&"2".into())).unwrap_err();
        assert_eq!(
            error.body()["errors"]["type"]["_errors"][0]["code"],
            "BASE_TYPE_CHOICES"
        );
        let error = parse_kind(Some(&"x".into())).unwrap_err();
        assert_eq!(
            error.body()["errors"]["type"]["_errors"][0]["code"],
            "NUMBER_TYPE_COERCE"
        );
    }
}
