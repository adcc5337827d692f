//! A guild channel's permission overwrites, with the CHANNEL_UPDATE they cause:
//! `PUT /channels/{channel.id}/permissions/{overwrite.id}`
//! ([docs](https://discord.com/developers/docs/resources/channel#edit-channel-permissions))
//! creates or replaces one, `DELETE /channels/{channel.id}/permissions/{overwrite.id}`
//! ([docs](https://discord.com/developers/docs/resources/channel#delete-channel-permission))
//! removes it. Both answer 204.
//!
//! The overwrites are stored in the channel object's `permission_overwrites` (in the order they
//! were first set), as Discord serves them: `{"id", "type", "allow", "deny"}` with the bit sets
//! as decimal strings. The emulator does not evaluate permissions: an overwrite changes no
//! access, and the ids are not checked against the guild's roles and members.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, State as AxumState};
use axum::http::StatusCode;
use serde_json::{Map, Value, json};

use super::channel_admin::managed_channel;
use super::{json_body, snowflake_param};
use crate::error::{ApiError, FormErrors};
use crate::snowflake::parse_snowflake;
use crate::state::State;

/// The overwrite a PUT body describes: `type` (required, 0 role or 1 member), `allow` and
/// `deny` (bit sets as strings or integers, default 0; null is 0).
fn overwrite_fields(overwrite_id: u64, body: Option<&Value>) -> Result<Value, ApiError> {
    let empty = Map::new();
    let body = match body {
        None | Some(Value::Null) => &empty,
        Some(Value::Object(body)) => body,
        Some(_) => {
            return Err(ApiError::form(
                &[],
                "DICT_TYPE_CONVERT",
                "Only dictionaries may be used in a DictType",
            ));
        }
    };
    let mut errors = FormErrors::default();
    let kind = match body.get("type") {
        None | Some(Value::Null) => {
            errors.add(
                ["type".to_owned()],
                "BASE_TYPE_REQUIRED",
                "This field is required",
            );
            0
        }
        Some(value) => match integer(value) {
            Some(kind @ (0 | 1)) => kind,
            Some(_) => {
                errors.add(
                    ["type".to_owned()],
                    "BASE_TYPE_CHOICES",
                    "Value must be one of {0, 1}.",
                );
                0
            }
            None => {
                errors.add(
                    ["type".to_owned()],
                    "NUMBER_TYPE_COERCE",
                    format!("Value \"{}\" is not int.", shown(value)),
                );
                0
            }
        },
    };
    let mut bits = |key: &str| match body.get(key) {
        None | Some(Value::Null) => 0,
        Some(value) => integer(value).unwrap_or_else(|| {
            errors.add(
                [key.to_owned()],
                "NUMBER_TYPE_COERCE",
                format!("Value \"{}\" is not int.", shown(value)),
            );
            0
        }),
    };
    let allow = bits("allow");
    let deny = bits("deny");
    errors.into_result()?;
    Ok(json!({
        "id": overwrite_id.to_string(),
        "type": kind,
        "allow": allow.to_string(),
        "deny": deny.to_string(),
    }))
}

/// A non-negative integer, also as a string of digits.
fn integer(value: &Value) -> Option<u64> {
    value
        .as_u64()
        .or_else(|| value.as_str().and_then(|text| text.trim().parse().ok()))
}

/// A value as Discord quotes it in messages.
fn shown(value: &Value) -> String {
    value
        .as_str()
        .map_or_else(|| value.to_string(), str::to_owned)
}

/// The stored overwrites of a channel object (created empty when missing).
fn overwrites(object: &mut Map<String, Value>) -> &mut Vec<Value> {
    let entry = object
        .entry("permission_overwrites")
        .or_insert_with(|| Value::Array(Vec::new()));
    if !entry.is_array() {
        *entry = Value::Array(Vec::new());
    }
    entry.as_array_mut().expect("just made an array")
}

/// `PUT /channels/{channel.id}/permissions/{overwrite.id}` → 204, and CHANNEL_UPDATE with the
/// channel. Replaces the overwrite with the same id (keeping its place) or appends it.
///
/// Checks in this order: unknown channel → 404/10003; `emulator_access: "none"` → 403/50001;
/// `"read"` → 403/50013; a DM channel → 403/50003; malformed JSON → 400/50109; invalid body
/// → 400/50035 (`type` required, 0 or 1; `allow`/`deny` integers).
pub(super) async fn edit_channel_permissions(
    AxumState(state): AxumState<Arc<State>>,
    Path((channel_id, overwrite_id)): Path<(String, String)>,
    body: Bytes,
) -> Result<StatusCode, ApiError> {
    let channel_id = snowflake_param("channel_id", &channel_id)?;
    let overwrite_id = snowflake_param("overwrite_id", &overwrite_id)?;
    let parsed = json_body(&body);
    let mut store = state.store();
    let (guild_id, _) = managed_channel(&store, channel_id)?;
    let overwrite = overwrite_fields(overwrite_id, parsed?.as_ref())?;
    let Some(channel) = store.channels.get_mut(&channel_id) else {
        return Err(ApiError::UnknownChannel);
    };
    let list = overwrites(&mut channel.object);
    match list
        .iter_mut()
        .find(|entry| entry.get("id").and_then(parse_snowflake) == Some(overwrite_id))
    {
        Some(existing) => *existing = overwrite,
        None => list.push(overwrite),
    }
    let served = Value::Object(channel.object.clone());
    tracing::debug!(
        guild_id,
        channel_id,
        overwrite_id,
        "permission overwrite set"
    );
    state
        .gateway
        .dispatch_guild_event(guild_id, "CHANNEL_UPDATE", &served);
    Ok(StatusCode::NO_CONTENT)
}

/// `DELETE /channels/{channel.id}/permissions/{overwrite.id}` → 204, and CHANNEL_UPDATE with
/// the channel. An id without an overwrite → 404/10009 Unknown Overwrite; the channel checks
/// as for the PUT.
pub(super) async fn delete_channel_permission(
    AxumState(state): AxumState<Arc<State>>,
    Path((channel_id, overwrite_id)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    let channel_id = snowflake_param("channel_id", &channel_id)?;
    let overwrite_id = snowflake_param("overwrite_id", &overwrite_id)?;
    let mut store = state.store();
    let (guild_id, _) = managed_channel(&store, channel_id)?;
    let Some(channel) = store.channels.get_mut(&channel_id) else {
        return Err(ApiError::UnknownChannel);
    };
    let list = overwrites(&mut channel.object);
    let before = list.len();
    list.retain(|entry| entry.get("id").and_then(parse_snowflake) != Some(overwrite_id));
    if list.len() == before {
        return Err(ApiError::UnknownOverwrite);
    }
    let served = Value::Object(channel.object.clone());
    tracing::debug!(
        guild_id,
        channel_id,
        overwrite_id,
        "permission overwrite deleted"
    );
    state
        .gateway
        .dispatch_guild_event(guild_id, "CHANNEL_UPDATE", &served);
    Ok(StatusCode::NO_CONTENT)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overwrites_take_strings_or_integers() {
        assert_eq!(
            overwrite_fields(7, Some(&json!({"type": 1, "allow": "1024", "deny": 2048}))).unwrap(),
            json!({"id": "7", "type": 1, "allow": "1024", "deny": "2048"})
        );
        assert_eq!(
            overwrite_fields(7, Some(&json!({"type": "0", "allow": null}))).unwrap(),
            json!({"id": "7", "type": 0, "allow": "0", "deny": "0"})
        );
    }

    #[test]
    fn invalid_overwrites_are_form_errors() {
        let errors = |body: Value| match overwrite_fields(7, Some(&body)) {
            Err(error) => {
                assert_eq!(error.code(), 50035);
                error.body()["errors"].clone()
            }
            Ok(value) => panic!("accepted: {value}"),
        };
        let found = errors(json!({"allow": "x"}));
        assert_eq!(found["type"]["_errors"][0]["code"], "BASE_TYPE_REQUIRED");
        assert_eq!(
            found["allow"]["_errors"][0]["message"],
            "Value \"x\" is not int."
        );
        assert_eq!(
            errors(json!({"type": 2}))["type"]["_errors"][0]["code"],
            "BASE_TYPE_CHOICES"
        );
        assert_eq!(
            errors(json!([1]))["_errors"][0]["code"],
            "DICT_TYPE_CONVERT"
        );
    }
}
