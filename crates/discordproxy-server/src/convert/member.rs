//! Discord guild member ⇄ proto: `GuildMember` read tolerantly from Discord's JSON (see
//! [`super::json`]), and the Add Guild Member, Modify Guild Member and Modify Current Member
//! bodies built from the RPC requests (only the fields the caller set; `clear_fields`).
//! <https://discord.com/developers/docs/resources/guild#guild-member-object>

use super::{json::Object, role::clear, user};
use crate::error::{Error, Result};
use discordproxy_proto::{
    AddGuildMemberRequest, GuildMember, ModifyCurrentMemberRequest, ModifyGuildMemberRequest,
};
use serde_json::{Map, Value, json};

/// The Discord fields `clear_fields` of `ModifyGuildMember` may name: `nick`, `channel_id` and
/// `communication_disabled_until` are sent as `null`, `roles` as `[]`.
pub const CLEARABLE: [&str; 4] = [
    "nick",
    "roles",
    "channel_id",
    "communication_disabled_until",
];

/// Converts a member object (also the member of GUILD_MEMBER_* events).
pub fn from_json(value: &Value) -> GuildMember {
    from_object(Object::new(value, "guild member"))
}

pub(crate) fn from_object(member: Object<'_>) -> GuildMember {
    GuildMember {
        user: member.object("user", "user").map(user::from_object),
        nick: member.string("nick"),
        roles: member.snowflakes("roles"),
        joined_at: member.timestamp("joined_at"),
        premium_since: member.timestamp("premium_since"),
        deaf: member.boolean("deaf"),
        mute: member.boolean("mute"),
        pending: member.boolean("pending"),
        permissions: member.string("permissions"),
        avatar: member.string("avatar"),
        banner: member.string("banner"),
        communication_disabled_until: member.timestamp("communication_disabled_until"),
        flags: member.int32("flags"),
    }
}

/// Every member of a JSON array (an answer that is no array gives none).
pub fn list_from_json(value: &Value) -> Vec<GuildMember> {
    value
        .as_array()
        .map(|members| members.iter().map(from_json).collect())
        .unwrap_or_default()
}

/// Role snowflakes as Discord's JSON strings.
fn roles(ids: &[u64]) -> Value {
    Value::Array(ids.iter().map(|id| json!(id.to_string())).collect())
}

/// Refuses a role id of 0 (naming `roles[i]`).
fn check_roles(ids: &[u64]) -> Result<()> {
    match ids.iter().position(|id| *id == 0) {
        Some(index) => Err(Error::InvalidArgument(format!(
            "roles[{index}] must be a role snowflake (got 0)"
        ))),
        None => Ok(()),
    }
}

/// Builds the Add Guild Member body: `access_token` always, `nick`, `mute`, `deaf` when set,
/// `roles` when non-empty.
///
/// # Errors
/// [`Error::InvalidArgument`] for an empty `access_token` (the message never shows a token) or
/// a role id of 0.
pub fn add_guild_member(request: &AddGuildMemberRequest) -> Result<Value> {
    if request.access_token.is_empty() {
        return Err(Error::InvalidArgument(
            "access_token must be the user's OAuth2 access token (scope guilds.join)".into(),
        ));
    }
    check_roles(&request.roles)?;
    let mut body = Map::new();
    body.insert("access_token".into(), json!(request.access_token));
    if let Some(nick) = &request.nick {
        body.insert("nick".into(), json!(nick));
    }
    if !request.roles.is_empty() {
        body.insert("roles".into(), roles(&request.roles));
    }
    if let Some(mute) = request.mute {
        body.insert("mute".into(), json!(mute));
    }
    if let Some(deaf) = request.deaf {
        body.insert("deaf".into(), json!(deaf));
    }
    Ok(Value::Object(body))
}

/// Builds the Modify Guild Member body: each `optional` field when present, `roles` when
/// non-empty, and for `clear_fields` `null` (`roles`: `[]`).
///
/// # Errors
/// [`Error::InvalidArgument`] for `channel_id` 0, a role id of 0, a `clear_fields` entry that
/// is not clearable or is also set (naming `clear_fields[i]`), and a change of nothing.
pub fn modify_guild_member(request: &ModifyGuildMemberRequest) -> Result<Value> {
    check_roles(&request.roles)?;
    let mut body = Map::new();
    if let Some(nick) = &request.nick {
        body.insert("nick".into(), json!(nick));
    }
    if !request.roles.is_empty() {
        body.insert("roles".into(), roles(&request.roles));
    }
    if let Some(mute) = request.mute {
        body.insert("mute".into(), json!(mute));
    }
    if let Some(deaf) = request.deaf {
        body.insert("deaf".into(), json!(deaf));
    }
    match request.channel_id {
        Some(0) => {
            return Err(Error::InvalidArgument(
                "channel_id must be a voice channel snowflake (got 0); to disconnect the \
                 member, name \"channel_id\" in clear_fields"
                    .into(),
            ));
        }
        Some(id) => {
            body.insert("channel_id".into(), json!(id.to_string()));
        }
        None => {}
    }
    if let Some(until) = &request.communication_disabled_until {
        body.insert("communication_disabled_until".into(), json!(until));
    }
    if let Some(flags) = request.flags {
        body.insert("flags".into(), json!(flags));
    }
    clear(
        &mut body,
        &request.clear_fields,
        &CLEARABLE,
        "ModifyGuildMember",
        |name| {
            if name == "roles" {
                json!([])
            } else {
                Value::Null
            }
        },
    )?;
    if body.is_empty() {
        return Err(Error::InvalidArgument(
            "ModifyGuildMember sets nothing: set a member field or name fields in clear_fields"
                .into(),
        ));
    }
    Ok(Value::Object(body))
}

/// Builds the Modify Current Member body: `nick` when set, `null` for `clear_fields` `nick`.
///
/// # Errors
/// [`Error::InvalidArgument`] for a `clear_fields` entry other than `nick` or also set, and a
/// change of nothing.
pub fn modify_current_member(request: &ModifyCurrentMemberRequest) -> Result<Value> {
    let mut body = Map::new();
    if let Some(nick) = &request.nick {
        body.insert("nick".into(), json!(nick));
    }
    clear(
        &mut body,
        &request.clear_fields,
        &["nick"],
        "ModifyCurrentMember",
        |_| Value::Null,
    )?;
    if body.is_empty() {
        return Err(Error::InvalidArgument(
            "ModifyCurrentMember sets nothing: set nick or name \"nick\" in clear_fields".into(),
        ));
    }
    Ok(Value::Object(body))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_member_is_read_tolerantly() {
        let member = from_json(&json!({"user": {"id": "7", "username": "u"}, "nick": null,
            "roles": ["1", "2"], "joined_at": "2024-01-02T00:00:00.000000+00:00",
            "communication_disabled_until": null, "flags": 2, "avatar": null, "odd": [1]}));
        assert_eq!(member.user.unwrap().id, 7);
        assert_eq!(member.roles, [1, 2]);
        assert_eq!(member.nick, "");
        assert_eq!(member.flags, 2);
        assert_eq!(member.communication_disabled_until, "");
    }

    #[test]
    fn modify_sends_what_is_set_and_clears_with_null_or_no_roles() {
        let request = ModifyGuildMemberRequest {
            guild_id: 1,
            user_id: 2,
            roles: vec![5, 6],
            clear_fields: vec!["nick".into()],
            ..Default::default()
        };
        assert_eq!(
            modify_guild_member(&request).unwrap(),
            json!({"roles": ["5", "6"], "nick": null})
        );
        let none = ModifyGuildMemberRequest {
            clear_fields: vec!["roles".into(), "channel_id".into()],
            ..Default::default()
        };
        assert_eq!(
            modify_guild_member(&none).unwrap(),
            json!({"roles": [], "channel_id": null})
        );
        for bad in [
            ModifyGuildMemberRequest::default(),
            ModifyGuildMemberRequest {
                nick: Some("x".into()),
                clear_fields: vec!["nick".into()],
                ..Default::default()
            },
            ModifyGuildMemberRequest {
                clear_fields: vec!["mute".into()],
                ..Default::default()
            },
            ModifyGuildMemberRequest {
                channel_id: Some(0),
                ..Default::default()
            },
        ] {
            assert!(modify_guild_member(&bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn add_needs_a_token_and_never_shows_it() {
        let request = AddGuildMemberRequest {
            guild_id: 1,
            user_id: 2,
            access_token: "secret-token".into(),
            nick: Some("N".into()),
            roles: vec![3],
            ..Default::default()
        };
        assert_eq!(
            add_guild_member(&request).unwrap(),
            json!({"access_token": "secret-token", "nick": "N", "roles": ["3"]})
        );
        let zero = AddGuildMemberRequest {
            roles: vec![0],
            ..request.clone()
        };
        let Err(Error::InvalidArgument(text)) = add_guild_member(&zero) else {
            panic!("refused");
        };
        assert!(!text.contains("secret-token"));
        assert!(add_guild_member(&AddGuildMemberRequest::default()).is_err());
    }
}
