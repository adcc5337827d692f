//! Discord ban ⇄ proto: `Ban` read tolerantly from Discord's JSON (see [`super::json`]), and
//! the Create Guild Ban and Bulk Guild Ban bodies built from the RPC requests.
//! <https://discord.com/developers/docs/resources/guild#ban-object>

use super::{json::Object, user};
use crate::error::{Error, Result};
use discordproxy_proto::{Ban, BulkGuildBanRequest, CreateGuildBanRequest};
use serde_json::{Map, Value, json};

/// Converts a ban object `{"reason", "user"}`.
pub fn from_json(value: &Value) -> Ban {
    let ban = Object::new(value, "ban");
    Ban {
        reason: ban.string("reason"),
        user: ban.object("user", "user").map(user::from_object),
    }
}

/// Every ban of a JSON array (an answer that is no array gives none).
pub fn list_from_json(value: &Value) -> Vec<Ban> {
    value
        .as_array()
        .map(|bans| bans.iter().map(from_json).collect())
        .unwrap_or_default()
}

/// The user ids of `key` in a Bulk Guild Ban answer.
pub fn user_ids(value: &Value, key: &str) -> Vec<u64> {
    Object::new(value, "bulk ban").snowflakes(key)
}

/// Builds the Create Guild Ban body: `{"delete_message_seconds"}` when set, else none.
pub fn create_guild_ban(request: &CreateGuildBanRequest) -> Option<Value> {
    request
        .delete_message_seconds
        .map(|seconds| json!({ "delete_message_seconds": seconds }))
}

/// Builds the Bulk Guild Ban body: `user_ids` as string snowflakes, `delete_message_seconds`
/// when set.
///
/// # Errors
/// [`Error::InvalidArgument`] for a user id of 0 (naming `user_ids[i]`) or a repeated one.
pub fn bulk_guild_ban(request: &BulkGuildBanRequest) -> Result<Value> {
    for (index, id) in request.user_ids.iter().enumerate() {
        if *id == 0 {
            return Err(Error::InvalidArgument(format!(
                "user_ids[{index}] must be a user snowflake (got 0)"
            )));
        }
        if request.user_ids[..index].contains(id) {
            return Err(Error::InvalidArgument(format!(
                "user_ids[{index}] repeats user {id}"
            )));
        }
    }
    let mut body = Map::new();
    body.insert(
        "user_ids".into(),
        Value::Array(
            request
                .user_ids
                .iter()
                .map(|id| json!(id.to_string()))
                .collect(),
        ),
    );
    if let Some(seconds) = request.delete_message_seconds {
        body.insert("delete_message_seconds".into(), json!(seconds));
    }
    Ok(Value::Object(body))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bans_and_bodies() {
        let ban = from_json(&json!({"reason": null, "user": {"id": "5", "username": "u"}}));
        assert_eq!((ban.reason.as_str(), ban.user.unwrap().id), ("", 5));
        let request = BulkGuildBanRequest {
            guild_id: 1,
            user_ids: vec![2, 3],
            delete_message_seconds: Some(60),
            audit_log_reason: String::new(),
        };
        assert_eq!(
            bulk_guild_ban(&request).unwrap(),
            json!({"user_ids": ["2", "3"], "delete_message_seconds": 60})
        );
        let repeated = BulkGuildBanRequest {
            user_ids: vec![2, 2],
            ..request.clone()
        };
        assert!(bulk_guild_ban(&repeated).is_err());
        assert_eq!(create_guild_ban(&CreateGuildBanRequest::default()), None);
        assert_eq!(
            user_ids(
                &json!({"banned_users": ["7"], "failed_users": []}),
                "banned_users"
            ),
            [7]
        );
    }
}
