//! Discord role ⇄ proto: `Role` read tolerantly from Discord's JSON (see [`super::json`]), and
//! the Create Guild Role, Modify Guild Role and Modify Guild Role Positions bodies built from
//! the RPC requests (only the fields the caller set; `null` for `clear_fields`).
//! <https://discord.com/developers/docs/topics/permissions#role-object>

use super::json::Object;
use crate::error::{Error, Result};
use discordproxy_proto::{
    CreateGuildRoleRequest, ModifyGuildRolePositionsRequest, ModifyGuildRoleRequest, Role,
    role::Tag,
};
use serde_json::{Map, Value, json};

/// The Discord fields `clear_fields` of `ModifyGuildRole` may name (sent as `null`).
pub const CLEARABLE: [&str; 3] = ["color", "icon", "unicode_emoji"];

/// Converts a role object.
pub fn from_json(value: &Value) -> Role {
    from_object(Object::new(value, "role"))
}

pub(crate) fn from_object(role: Object<'_>) -> Role {
    let tags = role.object("tags", "role tags").map(|tags| Tag {
        id: tags.snowflake("bot_id"),
        integration_id: tags.snowflake("integration_id"),
        // Discord sends `"premium_subscriber": null` for the booster role: present means true.
        premium_subscriber: tags.has("premium_subscriber"),
    });
    Role {
        id: role.snowflake("id"),
        name: role.string("name"),
        color: role.int32("color"),
        hoist: role.boolean("hoist"),
        position: role.int32("position"),
        permissions: role.string("permissions"),
        managed: role.boolean("managed"),
        mentionable: role.boolean("mentionable"),
        tags: tags.into_iter().collect(),
        description: role.string("description"),
        icon: role.string("icon"),
        unicode_emoji: role.string("unicode_emoji"),
        flags: role.int32("flags"),
    }
}

/// Every role of a JSON array (an answer that is no array gives none).
pub fn list_from_json(value: &Value) -> Vec<Role> {
    value
        .as_array()
        .map(|roles| roles.iter().map(from_json).collect())
        .unwrap_or_default()
}

/// A permission bit set as Discord's OpenAPI describes the request field: a JSON integer.
///
/// # Errors
/// [`Error::InvalidArgument`] when `text` is no decimal number.
fn permissions(text: &str) -> Result<Value> {
    text.trim()
        .parse::<u64>()
        .map(|bits| json!(bits))
        .map_err(|_| {
            Error::InvalidArgument(format!(
                "permissions must be a permission bit set as a decimal number (got {text:?})"
            ))
        })
}

/// The fields both role bodies share, each when set.
#[allow(clippy::too_many_arguments)]
fn role_fields(
    body: &mut Map<String, Value>,
    name: Option<&String>,
    bits: Option<&String>,
    color: Option<i32>,
    hoist: Option<bool>,
    icon: Option<&String>,
    unicode_emoji: Option<&String>,
    mentionable: Option<bool>,
) -> Result<()> {
    if let Some(name) = name {
        body.insert("name".into(), json!(name));
    }
    if let Some(bits) = bits {
        body.insert("permissions".into(), permissions(bits)?);
    }
    if let Some(color) = color {
        body.insert("color".into(), json!(color));
    }
    if let Some(hoist) = hoist {
        body.insert("hoist".into(), json!(hoist));
    }
    if let Some(icon) = icon {
        body.insert("icon".into(), json!(icon));
    }
    if let Some(emoji) = unicode_emoji {
        body.insert("unicode_emoji".into(), json!(emoji));
    }
    if let Some(mentionable) = mentionable {
        body.insert("mentionable".into(), json!(mentionable));
    }
    Ok(())
}

/// Builds the Create Guild Role body: each `optional` field when present (an empty body takes
/// Discord's defaults).
///
/// # Errors
/// [`Error::InvalidArgument`] for `permissions` that is no decimal number.
pub fn create_guild_role(request: &CreateGuildRoleRequest) -> Result<Value> {
    let mut body = Map::new();
    role_fields(
        &mut body,
        request.name.as_ref(),
        request.permissions.as_ref(),
        request.color,
        request.hoist,
        request.icon.as_ref(),
        request.unicode_emoji.as_ref(),
        request.mentionable,
    )?;
    Ok(Value::Object(body))
}

/// Builds the Modify Guild Role body: each `optional` field when present, `null` for each name
/// in `clear_fields`.
///
/// # Errors
/// [`Error::InvalidArgument`] for `permissions` that is no decimal number, a `clear_fields`
/// entry that is not clearable or is also set (naming `clear_fields[i]`), and a change of
/// nothing.
pub fn modify_guild_role(request: &ModifyGuildRoleRequest) -> Result<Value> {
    let mut body = Map::new();
    role_fields(
        &mut body,
        request.name.as_ref(),
        request.permissions.as_ref(),
        request.color,
        request.hoist,
        request.icon.as_ref(),
        request.unicode_emoji.as_ref(),
        request.mentionable,
    )?;
    clear(
        &mut body,
        &request.clear_fields,
        &CLEARABLE,
        "ModifyGuildRole",
        |_| Value::Null,
    )?;
    if body.is_empty() {
        return Err(Error::InvalidArgument(
            "ModifyGuildRole sets nothing: set a role setting or name fields in clear_fields"
                .into(),
        ));
    }
    Ok(Value::Object(body))
}

/// Builds the Modify Guild Role Positions body `[{"id", "position"}, …]` (`position` null when
/// unset).
///
/// # Errors
/// [`Error::InvalidArgument`] for no entries or an entry whose `id` is 0 (naming
/// `positions[i].id`).
pub fn modify_guild_role_positions(request: &ModifyGuildRolePositionsRequest) -> Result<Value> {
    if request.positions.is_empty() {
        return Err(Error::InvalidArgument(
            "positions must name at least one role".into(),
        ));
    }
    let mut entries = Vec::new();
    for (index, entry) in request.positions.iter().enumerate() {
        if entry.id == 0 {
            return Err(Error::InvalidArgument(format!(
                "positions[{index}].id must be a role snowflake (got 0)"
            )));
        }
        entries.push(json!({"id": entry.id.to_string(), "position": entry.position}));
    }
    Ok(Value::Array(entries))
}

/// Adds `clear_fields` to `body`: `value(name)` for each name in `clearable`.
///
/// # Errors
/// [`Error::InvalidArgument`] naming `clear_fields[i]` for a name not in `clearable` or also
/// set in the body.
pub(crate) fn clear(
    body: &mut Map<String, Value>,
    clear_fields: &[String],
    clearable: &[&str],
    rpc: &str,
    value: impl Fn(&str) -> Value,
) -> Result<()> {
    for (index, name) in clear_fields.iter().enumerate() {
        if !clearable.contains(&name.as_str()) {
            return Err(Error::InvalidArgument(format!(
                "clear_fields[{index}]: {name:?} cannot be cleared by {rpc}; clearable: {}",
                clearable.join(", ")
            )));
        }
        if body.contains_key(name.as_str()) {
            return Err(Error::InvalidArgument(format!(
                "clear_fields[{index}]: {name:?} is also set in this request; set it or clear \
                 it, not both"
            )));
        }
        body.insert(name.clone(), value(name));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_role_is_read_tolerantly() {
        let role = from_json(&json!({"id": "500000000000000002", "name": "bot",
            "permissions": "1100010750007", "position": 2, "color": 0, "managed": true,
            "tags": {"bot_id": "100000000000000001"}, "icon": null, "new": 1, "flags": 0}));
        assert_eq!((role.id, role.position), (500000000000000002, 2));
        assert_eq!(role.permissions, "1100010750007");
        assert!(role.managed);
        assert_eq!(role.tags[0].id, 100000000000000001);
        assert_eq!(role.icon, "");
        let booster = from_json(&json!({"id": "1", "tags": {"premium_subscriber": null}}));
        assert!(booster.tags[0].premium_subscriber);
    }

    #[test]
    fn modify_sends_what_is_set_and_null_for_clear_fields() {
        let request = ModifyGuildRoleRequest {
            guild_id: 1,
            role_id: 2,
            name: Some("Pilots".into()),
            permissions: Some("8".into()),
            clear_fields: vec!["color".into()],
            ..Default::default()
        };
        assert_eq!(
            modify_guild_role(&request).unwrap(),
            json!({"name": "Pilots", "permissions": 8, "color": null})
        );
        let both = ModifyGuildRoleRequest {
            color: Some(1),
            clear_fields: vec!["color".into()],
            ..Default::default()
        };
        assert!(modify_guild_role(&both).is_err());
        let unclearable = ModifyGuildRoleRequest {
            clear_fields: vec!["name".into()],
            ..Default::default()
        };
        assert!(modify_guild_role(&unclearable).is_err());
        assert!(modify_guild_role(&ModifyGuildRoleRequest::default()).is_err());
        let bad = CreateGuildRoleRequest {
            permissions: Some("lots".into()),
            ..Default::default()
        };
        assert!(create_guild_role(&bad).is_err());
        assert_eq!(
            create_guild_role(&CreateGuildRoleRequest::default()).unwrap(),
            json!({})
        );
    }
}
