//! The JSON bodies of Discord's Modify Channel, Create Guild Channel and Edit Channel
//! Permissions requests, built from the RPC requests: only the fields the caller set, and
//! `null` for the fields named in `clear_fields` (Modify Channel).
//! <https://discord.com/developers/docs/resources/channel#modify-channel-json-params-guild-channel>
//!
//! Permission bit sets are decimal strings in the proto (as Discord sends them) and go to
//! Discord as JSON integers, as Discord's OpenAPI describes the request fields (Discord takes
//! either).

use crate::error::{Error, Result};
use discordproxy_proto::{CreateGuildChannelRequest, ModifyChannelRequest, PermissionOverwrite};
use serde_json::{Map, Value, json};

/// The Discord fields `clear_fields` of `ModifyChannel` may name: Modify Channel documents each
/// as nullable.
pub const CLEARABLE: [&str; 9] = [
    "position",
    "topic",
    "nsfw",
    "rate_limit_per_user",
    "bitrate",
    "user_limit",
    "parent_id",
    "permission_overwrites",
    "default_auto_archive_duration",
];

/// Builds the Modify Channel body: each `optional` field when present, `permission_overwrites`
/// when non-empty, `parent_id` as a string snowflake, and `null` for each name in
/// `clear_fields`. Limits are checked by the request layer.
///
/// # Errors
/// [`Error::InvalidArgument`] for a `clear_fields` entry that is not clearable or names a
/// field also set (naming `clear_fields[i]`), for a change of nothing, for `parent_id` 0, and
/// for a malformed permission overwrite (naming `permission_overwrites[i].<field>`).
pub fn modify_channel(request: &ModifyChannelRequest) -> Result<Value> {
    let mut body = Map::new();
    let mut put = |key: &str, value: Option<Value>| {
        if let Some(value) = value {
            body.insert(key.to_owned(), value);
        }
    };
    put("name", request.name.as_ref().map(|name| json!(name)));
    put("type", request.r#type.map(|kind| json!(kind)));
    put("position", request.position.map(|value| json!(value)));
    put("topic", request.topic.as_ref().map(|topic| json!(topic)));
    put("nsfw", request.nsfw.map(|nsfw| json!(nsfw)));
    put(
        "rate_limit_per_user",
        request.rate_limit_per_user.map(|value| json!(value)),
    );
    put("bitrate", request.bitrate.map(|value| json!(value)));
    put("user_limit", request.user_limit.map(|value| json!(value)));
    if request.parent_id == Some(0) {
        return Err(Error::InvalidArgument(
            "parent_id must be a category snowflake (got 0); to take the channel out of its \
             category, name \"parent_id\" in clear_fields"
                .into(),
        ));
    }
    put(
        "parent_id",
        request.parent_id.map(|id| Value::String(id.to_string())),
    );
    if !request.permission_overwrites.is_empty() {
        put(
            "permission_overwrites",
            Some(overwrites(&request.permission_overwrites)?),
        );
    }
    put(
        "default_auto_archive_duration",
        request
            .default_auto_archive_duration
            .map(|value| json!(value)),
    );
    put("flags", request.flags.map(|flags| json!(flags)));
    for (index, name) in request.clear_fields.iter().enumerate() {
        if !CLEARABLE.contains(&name.as_str()) {
            return Err(Error::InvalidArgument(format!(
                "clear_fields[{index}]: {name:?} cannot be cleared by ModifyChannel; \
                 clearable: {}",
                CLEARABLE.join(", ")
            )));
        }
        if body.contains_key(name.as_str()) {
            return Err(Error::InvalidArgument(format!(
                "clear_fields[{index}]: {name:?} is also set in this request; set it or clear \
                 it, not both"
            )));
        }
        body.insert(name.clone(), Value::Null);
    }
    if body.is_empty() {
        return Err(Error::InvalidArgument(
            "ModifyChannel sets nothing: set a channel setting or name fields in clear_fields"
                .into(),
        ));
    }
    Ok(Value::Object(body))
}

/// Builds the Create Guild Channel body: `name` always (Discord requires it), each `optional`
/// field when present, `parent_id` when non-zero, `permission_overwrites` when non-empty.
///
/// # Errors
/// [`Error::InvalidArgument`] for a malformed permission overwrite (naming
/// `permission_overwrites[i].<field>`).
pub fn create_guild_channel(request: &CreateGuildChannelRequest) -> Result<Value> {
    let mut body = Map::new();
    body.insert("name".into(), json!(request.name));
    let mut put = |key: &str, value: Option<Value>| {
        if let Some(value) = value {
            body.insert(key.to_owned(), value);
        }
    };
    put("type", request.r#type.map(|kind| json!(kind)));
    put("topic", request.topic.as_ref().map(|topic| json!(topic)));
    put("position", request.position.map(|value| json!(value)));
    put(
        "parent_id",
        (request.parent_id != 0).then(|| Value::String(request.parent_id.to_string())),
    );
    put("nsfw", request.nsfw.map(|nsfw| json!(nsfw)));
    put(
        "rate_limit_per_user",
        request.rate_limit_per_user.map(|value| json!(value)),
    );
    put("bitrate", request.bitrate.map(|value| json!(value)));
    put("user_limit", request.user_limit.map(|value| json!(value)));
    if !request.permission_overwrites.is_empty() {
        put(
            "permission_overwrites",
            Some(overwrites(&request.permission_overwrites)?),
        );
    }
    put(
        "default_auto_archive_duration",
        request
            .default_auto_archive_duration
            .map(|value| json!(value)),
    );
    Ok(Value::Object(body))
}

/// The Edit Channel Permissions body `{"type", "allow", "deny"}`.
///
/// # Errors
/// [`Error::InvalidArgument`] for a `type` other than 0 and 1 or a bit set that is no decimal
/// number (naming `type`, `allow` or `deny`).
pub fn edit_permissions(kind: i32, allow: &str, deny: &str) -> Result<Value> {
    Ok(json!({
        "type": overwrite_type(kind, "type")?,
        "allow": bit_set(allow, "allow")?,
        "deny": bit_set(deny, "deny")?,
    }))
}

/// The overwrites as Discord's request objects.
fn overwrites(list: &[PermissionOverwrite]) -> Result<Value> {
    let mut entries = Vec::with_capacity(list.len());
    for (index, overwrite) in list.iter().enumerate() {
        let at = |field: &str| format!("permission_overwrites[{index}].{field}");
        if overwrite.id == 0 {
            return Err(Error::InvalidArgument(format!(
                "{} must be a role or user snowflake (got 0)",
                at("id")
            )));
        }
        entries.push(json!({
            "id": overwrite.id.to_string(),
            "type": overwrite_type(overwrite.r#type, &at("type"))?,
            "allow": bit_set(&overwrite.allow, &at("allow"))?,
            "deny": bit_set(&overwrite.deny, &at("deny"))?,
        }));
    }
    Ok(Value::Array(entries))
}

/// An overwrite type: 0 role, 1 member.
fn overwrite_type(kind: i32, field: &str) -> Result<i32> {
    match kind {
        0 | 1 => Ok(kind),
        other => Err(Error::InvalidArgument(format!(
            "{field} must be 0 (role) or 1 (member) (got {other})"
        ))),
    }
}

/// A permission bit set from its decimal string; `""` is 0.
fn bit_set(text: &str, field: &str) -> Result<u64> {
    if text.is_empty() {
        return Ok(0);
    }
    text.parse().map_err(|_| {
        Error::InvalidArgument(format!(
            "{field} must be a permission bit set as a decimal string (e.g. \"1024\")"
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request() -> ModifyChannelRequest {
        ModifyChannelRequest {
            channel_id: 1,
            ..Default::default()
        }
    }

    fn invalid(result: Result<Value>) -> String {
        match result {
            Err(Error::InvalidArgument(text)) => text,
            other => panic!("expected INVALID_ARGUMENT, got {other:?}"),
        }
    }

    #[test]
    fn modify_sends_only_what_is_set() {
        let body = modify_channel(&ModifyChannelRequest {
            name: Some("renamed".into()),
            topic: Some(String::new()),
            nsfw: Some(false),
            parent_id: Some(42),
            rate_limit_per_user: Some(10),
            permission_overwrites: vec![PermissionOverwrite {
                id: 7,
                r#type: 1,
                allow: "1024".into(),
                deny: String::new(),
            }],
            ..request()
        })
        .unwrap();
        assert_eq!(
            body,
            json!({"name": "renamed", "topic": "", "nsfw": false, "parent_id": "42",
                   "rate_limit_per_user": 10,
                   "permission_overwrites": [{"id": "7", "type": 1, "allow": 1024, "deny": 0}]})
        );
    }

    #[test]
    fn clear_fields_send_null() {
        for name in CLEARABLE {
            let body = modify_channel(&ModifyChannelRequest {
                clear_fields: vec![name.into()],
                ..request()
            })
            .unwrap();
            assert_eq!(body, json!({ name: null }));
        }
        let text = invalid(modify_channel(&ModifyChannelRequest {
            clear_fields: vec!["topic".into(), "name".into()],
            ..request()
        }));
        assert!(
            text.starts_with("clear_fields[1]: \"name\" cannot be cleared"),
            "{text}"
        );
        let text = invalid(modify_channel(&ModifyChannelRequest {
            topic: Some("t".into()),
            clear_fields: vec!["topic".into()],
            ..request()
        }));
        assert!(
            text.starts_with("clear_fields[0]") && text.contains("also set"),
            "{text}"
        );
    }

    #[test]
    fn a_change_of_nothing_and_parent_0_are_refused() {
        assert!(invalid(modify_channel(&request())).contains("sets nothing"));
        assert!(
            invalid(modify_channel(&ModifyChannelRequest {
                parent_id: Some(0),
                ..request()
            }))
            .starts_with("parent_id ")
        );
    }

    #[test]
    fn create_always_sends_the_name() {
        let body = create_guild_channel(&CreateGuildChannelRequest {
            guild_id: 3,
            name: "new".into(),
            ..Default::default()
        })
        .unwrap();
        assert_eq!(body, json!({"name": "new"}));
        let body = create_guild_channel(&CreateGuildChannelRequest {
            guild_id: 3,
            name: "news".into(),
            r#type: Some(5),
            topic: Some("t".into()),
            position: Some(2),
            parent_id: 9,
            nsfw: Some(true),
            ..Default::default()
        })
        .unwrap();
        assert_eq!(
            body,
            json!({"name": "news", "type": 5, "topic": "t", "position": 2,
                   "parent_id": "9", "nsfw": true})
        );
    }

    #[test]
    fn malformed_overwrites_are_named() {
        let bad = |overwrite: PermissionOverwrite| {
            invalid(create_guild_channel(&CreateGuildChannelRequest {
                name: "x".into(),
                permission_overwrites: vec![PermissionOverwrite::default(), overwrite],
                ..Default::default()
            }))
        };
        assert!(bad(PermissionOverwrite::default()).starts_with("permission_overwrites[0].id"));
        let text = invalid(create_guild_channel(&CreateGuildChannelRequest {
            name: "x".into(),
            permission_overwrites: vec![PermissionOverwrite {
                id: 1,
                allow: "x".into(),
                ..Default::default()
            }],
            ..Default::default()
        }));
        assert!(text.starts_with("permission_overwrites[0].allow"), "{text}");
        assert_eq!(
            edit_permissions(1, "1024", "").unwrap(),
            json!({"type": 1, "allow": 1024, "deny": 0})
        );
        assert!(invalid(edit_permissions(2, "", "")).starts_with("type "));
        assert!(invalid(edit_permissions(0, "", "-1")).starts_with("deny "));
    }
}
