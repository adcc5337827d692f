//! Guild roles, with Discord's permission and hierarchy checks and the gateway events they
//! cause ([docs](https://discord.com/developers/docs/resources/guild#get-guild-roles)):
//! `GET /guilds/{guild.id}/roles`, `GET /guilds/{guild.id}/roles/{role.id}`,
//! `POST /guilds/{guild.id}/roles` → GUILD_ROLE_CREATE, `PATCH /guilds/{guild.id}/roles` (positions)
//! and `PATCH /guilds/{guild.id}/roles/{role.id}` → GUILD_ROLE_UPDATE,
//! `DELETE /guilds/{guild.id}/roles/{role.id}` → GUILD_ROLE_DELETE (the events need GUILDS).
//!
//! Changing roles needs MANAGE_ROLES, and the role must rank below the bot's highest role
//! (403/50013 otherwise); a role may not get permissions the bot lacks (unless it is an
//! administrator). A new role goes to position 1 (the roles above move up), as on Discord.

use std::sync::Arc;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State as AxumState};
use axum::http::StatusCode;
use serde_json::{Map, Value, json};

use super::{json_body, snowflake_param};
use crate::error::{ApiError, FormErrors};
use crate::snowflake::parse_snowflake;
use crate::state::State;
use crate::store::GuildState;
use crate::store::guild::{ADMINISTRATOR, MANAGE_ROLES, permission_bits};

/// The most roles a guild may have.
pub(crate) const MAX_ROLES: usize = 250;
/// The longest role name, in characters.
const NAME_MAX: usize = 100;
/// The largest RGB colour.
const COLOR_MAX: u64 = 0xFF_FFFF;

/// Fails with 403/50013 unless the bot has every permission of `needed` in `guild`.
pub(super) fn require(guild: &GuildState, bot_id: u64, needed: u64) -> Result<(), ApiError> {
    let bits = guild.permissions_of(bot_id);
    if bits & needed == needed {
        Ok(())
    } else {
        Err(ApiError::MissingPermissions)
    }
}

/// Fails with 403/50013 unless role `role_id` ranks below the bot's highest role.
pub(super) fn below_bot(guild: &GuildState, bot_id: u64, role_id: u64) -> Result<(), ApiError> {
    if guild.role_rank(role_id) < guild.member_rank(bot_id) {
        Ok(())
    } else {
        Err(ApiError::MissingPermissions)
    }
}

/// The guild `raw` names: malformed → 50035, unknown → 404/10004.
pub(super) fn guild_id(store: &crate::store::Store, raw: &str) -> Result<u64, ApiError> {
    let id = snowflake_param("guild_id", raw)?;
    if store.guilds.contains_key(&id) {
        Ok(id)
    } else {
        Err(ApiError::UnknownGuild)
    }
}

/// The object of a JSON body (none: empty); anything else is 50035 at the root.
pub(super) fn body_object(body: Option<Value>) -> Result<Map<String, Value>, ApiError> {
    match body {
        None | Some(Value::Null) => Ok(Map::new()),
        Some(Value::Object(object)) => Ok(object),
        Some(_) => Err(ApiError::form(
            &[],
            "DICT_TYPE_CONVERT",
            "Only dictionaries may be used in a DictType",
        )),
    }
}

/// The settings of a create or modify role body, validated; `None`: not sent (or null).
#[derive(Debug, Default)]
struct RoleFields {
    name: Option<String>,
    permissions: Option<u64>,
    color: Option<u64>,
    hoist: Option<bool>,
    mentionable: Option<bool>,
    /// `Some(Value::Null)` clears it.
    icon: Option<Value>,
    /// `Some(Value::Null)` clears it.
    unicode_emoji: Option<Value>,
}

/// Discord's message for a value that is not an integer.
fn not_int(value: &Value) -> String {
    let shown = value
        .as_str()
        .map_or_else(|| value.to_string(), str::to_owned);
    format!("Value \"{shown}\" is not int.")
}

/// Validates a role body like Discord: every failing field at once in a 50035.
fn role_fields(body: &Map<String, Value>) -> Result<RoleFields, ApiError> {
    let mut errors = FormErrors::default();
    let mut fields = RoleFields::default();
    match body.get("name") {
        None | Some(Value::Null) => {}
        Some(Value::String(name)) if name.chars().count() > NAME_MAX => errors.add(
            ["name".to_owned()],
            "BASE_TYPE_MAX_LENGTH",
            format!("Must be {NAME_MAX} or fewer in length."),
        ),
        Some(Value::String(name)) => fields.name = Some(name.clone()),
        Some(Value::Number(number)) => fields.name = Some(number.to_string()),
        Some(other) => errors.add(
            ["name".to_owned()],
            "STRING_TYPE_CONVERT",
            format!("Could not interpret \"{other}\" as string."),
        ),
    }
    match body.get("permissions") {
        None | Some(Value::Null) => {}
        Some(value) => {
            let bits = match value {
                Value::String(text) => text.trim().parse::<u64>().ok(),
                Value::Number(number) => number.as_u64(),
                _ => None,
            };
            match bits {
                Some(bits) => fields.permissions = Some(bits),
                None => errors.add(
                    ["permissions".to_owned()],
                    "NUMBER_TYPE_COERCE",
                    not_int(value),
                ),
            }
        }
    }
    match body.get("color") {
        None | Some(Value::Null) => {}
        Some(value) => match value.as_i64() {
            Some(color) if color < 0 => errors.add(
                ["color".to_owned()],
                "NUMBER_TYPE_MIN",
                "int value should be greater than or equal to 0.",
            ),
            Some(color) if color.unsigned_abs() > COLOR_MAX => errors.add(
                ["color".to_owned()],
                "NUMBER_TYPE_MAX",
                format!("int value should be less than or equal to {COLOR_MAX}."),
            ),
            Some(color) => fields.color = Some(color.unsigned_abs()),
            None => errors.add(["color".to_owned()], "NUMBER_TYPE_COERCE", not_int(value)),
        },
    }
    for (key, slot) in [
        ("hoist", &mut fields.hoist),
        ("mentionable", &mut fields.mentionable),
    ] {
        match body.get(key) {
            None | Some(Value::Null) => {}
            Some(Value::Bool(flag)) => *slot = Some(*flag),
            Some(_) => errors.add(
                [key.to_owned()],
                "BASE_TYPE_BOOLEAN",
                "Must be either true or false.",
            ),
        }
    }
    for (key, slot) in [
        ("icon", &mut fields.icon),
        ("unicode_emoji", &mut fields.unicode_emoji),
    ] {
        match body.get(key) {
            None => {}
            Some(Value::Null) => *slot = Some(Value::Null),
            Some(Value::String(text)) => *slot = Some(Value::String(text.clone())),
            Some(other) => errors.add(
                [key.to_owned()],
                "STRING_TYPE_CONVERT",
                format!("Could not interpret \"{other}\" as string."),
            ),
        }
    }
    errors.into_result()?;
    Ok(fields)
}

/// An icon hash for an uploaded image (the emulator keeps no images).
fn icon_hash(data: &str) -> String {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    data.hash(&mut hasher);
    format!("{:016x}{:016x}", hasher.finish(), data.len())
}

/// Checks that the bot may give `fields.permissions`, then writes `fields` into `role`.
fn apply(
    guild: &GuildState,
    bot_id: u64,
    role: &mut Map<String, Value>,
    fields: RoleFields,
) -> Result<(), ApiError> {
    if let Some(bits) = fields.permissions {
        let bot = guild.permissions_of(bot_id);
        if bot & ADMINISTRATOR == 0 && bits & !bot != 0 {
            return Err(ApiError::MissingPermissions);
        }
        role.insert("permissions".into(), json!(bits.to_string()));
    }
    if let Some(name) = fields.name {
        role.insert("name".into(), json!(name));
    }
    if let Some(color) = fields.color {
        role.insert("color".into(), json!(color));
        role.insert(
            "colors".into(),
            json!({"primary_color": color, "secondary_color": null, "tertiary_color": null}),
        );
    }
    if let Some(hoist) = fields.hoist {
        role.insert("hoist".into(), json!(hoist));
    }
    if let Some(mentionable) = fields.mentionable {
        role.insert("mentionable".into(), json!(mentionable));
    }
    if let Some(icon) = fields.icon {
        let icon = match icon {
            Value::String(data) => Value::String(icon_hash(&data)),
            other => other,
        };
        role.insert("icon".into(), icon);
    }
    if let Some(emoji) = fields.unicode_emoji {
        role.insert("unicode_emoji".into(), emoji);
    }
    Ok(())
}

/// `GET /guilds/{guild.id}/roles` → every role; unknown guild → 404/10004.
pub(super) async fn get_roles(
    AxumState(state): AxumState<Arc<State>>,
    Path(guild): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let store = state.store();
    let guild_id = guild_id(&store, &guild)?;
    Ok(Json(Value::Array(store.guilds[&guild_id].roles().to_vec())))
}

/// `GET /guilds/{guild.id}/roles/{role.id}` → the role; unknown → 404/10011.
pub(super) async fn get_role(
    AxumState(state): AxumState<Arc<State>>,
    Path((guild, role)): Path<(String, String)>,
) -> Result<Json<Value>, ApiError> {
    let store = state.store();
    let guild_id = guild_id(&store, &guild)?;
    let role_id = snowflake_param("role_id", &role)?;
    store.guilds[&guild_id]
        .role(role_id)
        .cloned()
        .map(Json)
        .ok_or(ApiError::UnknownRole)
}

/// `POST /guilds/{guild.id}/roles` → 200 with the new role (name "new role" unless given,
/// position 1), and GUILD_ROLE_CREATE `{guild_id, role}`.
///
/// Checks, in order: unknown guild 404/10004, bad JSON 400/50109, MANAGE_ROLES 403/50013, the
/// body 400/50035 (name ≤ 100, color 0–0xFFFFFF, booleans, `permissions` a bit set), 250 roles
/// 400/30005, permissions the bot lacks 403/50013.
pub(super) async fn create_role(
    AxumState(state): AxumState<Arc<State>>,
    Path(guild): Path<String>,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    let parsed = json_body(&body);
    let mut store = state.store();
    let guild_id = guild_id(&store, &guild)?;
    let body = body_object(parsed?)?;
    let bot_id = store.bot_id;
    require(&store.guilds[&guild_id], bot_id, MANAGE_ROLES)?;
    let fields = role_fields(&body)?;
    if store.guilds[&guild_id].roles().len() >= MAX_ROLES {
        return Err(ApiError::TooManyRoles);
    }
    let id = store.snowflakes.next();
    let mut role = Map::new();
    role.insert("id".into(), json!(id.to_string()));
    role.insert("name".into(), json!("new role"));
    role.insert("description".into(), Value::Null);
    let everyone = permission_bits(
        store.guilds[&guild_id]
            .role(guild_id)
            .and_then(|role| role.get("permissions")),
    );
    role.insert("permissions".into(), json!(everyone.to_string()));
    role.insert("position".into(), json!(1));
    role.insert("color".into(), json!(0));
    role.insert(
        "colors".into(),
        json!({"primary_color": 0, "secondary_color": null, "tertiary_color": null}),
    );
    role.insert("hoist".into(), json!(false));
    role.insert("icon".into(), Value::Null);
    role.insert("unicode_emoji".into(), Value::Null);
    role.insert("managed".into(), json!(false));
    role.insert("mentionable".into(), json!(false));
    role.insert("flags".into(), json!(0));
    apply(&store.guilds[&guild_id], bot_id, &mut role, fields)?;
    let guild = store.guilds.get_mut(&guild_id).expect("checked above");
    for other in guild.roles_mut().iter_mut() {
        let position = other.get("position").and_then(Value::as_i64).unwrap_or(0);
        if position >= 1 {
            other["position"] = json!(position + 1);
        }
    }
    let role = Value::Object(role);
    guild.roles_mut().push(role.clone());
    tracing::debug!(guild_id, role_id = id, "role created");
    state.gateway.dispatch_guild_event(
        guild_id,
        "GUILD_ROLE_CREATE",
        &json!({"guild_id": guild_id.to_string(), "role": role}),
    );
    Ok(Json(role))
}

/// `PATCH /guilds/{guild.id}/roles/{role.id}` → 200 with the changed role, and
/// GUILD_ROLE_UPDATE `{guild_id, role}`. Null leaves a setting unchanged (`icon` and
/// `unicode_emoji`: clears it).
///
/// Checks, in order: guild 404/10004, role 404/10011, bad JSON 400/50109, MANAGE_ROLES and the
/// role below the bot's highest 403/50013, the body 400/50035, permissions the bot lacks
/// 403/50013.
pub(super) async fn modify_role(
    AxumState(state): AxumState<Arc<State>>,
    Path((guild, role)): Path<(String, String)>,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    let parsed = json_body(&body);
    let mut store = state.store();
    let guild_id = guild_id(&store, &guild)?;
    let role_id = snowflake_param("role_id", &role)?;
    let bot_id = store.bot_id;
    let guild = &store.guilds[&guild_id];
    let mut role = match guild.role(role_id) {
        Some(Value::Object(role)) => role.clone(),
        _ => return Err(ApiError::UnknownRole),
    };
    let body = body_object(parsed?)?;
    require(guild, bot_id, MANAGE_ROLES)?;
    below_bot(guild, bot_id, role_id)?;
    let fields = role_fields(&body)?;
    apply(guild, bot_id, &mut role, fields)?;
    let role = Value::Object(role);
    let guild = store.guilds.get_mut(&guild_id).expect("checked above");
    if let Some(slot) = guild
        .roles_mut()
        .iter_mut()
        .find(|other| other.get("id").and_then(parse_snowflake) == Some(role_id))
    {
        *slot = role.clone();
    }
    state.gateway.dispatch_guild_event(
        guild_id,
        "GUILD_ROLE_UPDATE",
        &json!({"guild_id": guild_id.to_string(), "role": role}),
    );
    Ok(Json(role))
}

/// `PATCH /guilds/{guild.id}/roles` with `[{"id", "position"}, …]` → 200 with every role, and
/// GUILD_ROLE_UPDATE for each role whose position changed.
///
/// The listed roles take their new positions; the other roles keep their order around them,
/// and positions are renumbered 1, 2, … above `@everyone` (0). Checks: guild 404/10004, bad
/// JSON 400/50109, MANAGE_ROLES 403/50013, the body 400/50035 (an array of objects with a
/// snowflake `id` and an integer `position`), a role of another guild 404/10011, `@everyone`
/// 400/50028, a moved role or a new position not below the bot's highest role 403/50013.
pub(super) async fn modify_role_positions(
    AxumState(state): AxumState<Arc<State>>,
    Path(guild): Path<String>,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    let parsed = json_body(&body);
    let mut store = state.store();
    let guild_id = guild_id(&store, &guild)?;
    let parsed = parsed?;
    let bot_id = store.bot_id;
    let guild = &store.guilds[&guild_id];
    require(guild, bot_id, MANAGE_ROLES)?;
    let Some(Value::Array(entries)) = parsed else {
        return Err(ApiError::form(
            &[],
            "LIST_TYPE_CONVERT",
            "Only iterables may be used in a ListType",
        ));
    };
    let mut errors = FormErrors::default();
    let mut moves = Vec::new();
    for (index, entry) in entries.iter().enumerate() {
        let at = |key: &str| [index.to_string(), key.to_owned()];
        let id = entry.get("id").and_then(parse_snowflake);
        if id.is_none() {
            errors.add(
                at("id"),
                "NUMBER_TYPE_COERCE",
                format!(
                    "Value \"{}\" is not snowflake.",
                    entry.get("id").map_or_else(String::new, |v| v
                        .as_str()
                        .map_or_else(|| v.to_string(), str::to_owned))
                ),
            );
        }
        let position = match entry.get("position") {
            None | Some(Value::Null) => None,
            Some(value) => match value.as_i64() {
                Some(position) => Some(position),
                None => {
                    errors.add(at("position"), "NUMBER_TYPE_COERCE", not_int(value));
                    None
                }
            },
        };
        if let (Some(id), Some(position)) = (id, position) {
            moves.push((id, position));
        }
    }
    errors.into_result()?;
    let bot_rank = guild.member_rank(bot_id);
    for (id, position) in &moves {
        if guild.role(*id).is_none() {
            return Err(ApiError::UnknownRole);
        }
        if *id == guild_id {
            return Err(ApiError::InvalidRole);
        }
        below_bot(guild, bot_id, *id)?;
        if crate::store::guild::Rank::Role(*position, std::cmp::Reverse(*id)) >= bot_rank {
            return Err(ApiError::MissingPermissions);
        }
    }
    let guild = store.guilds.get_mut(&guild_id).expect("checked above");
    let before: Vec<(u64, i64)> = guild
        .roles()
        .iter()
        .filter_map(|role| {
            Some((
                role.get("id").and_then(parse_snowflake)?,
                role.get("position").and_then(Value::as_i64).unwrap_or(0),
            ))
        })
        .collect();
    // The unmoved roles keep their order; each moved role takes the slot of its new position
    // (clamped to 1..=n, the first one listed winning a taken slot), then positions are
    // renumbered 1, 2, … from the bottom.
    let mut unmoved: Vec<(i64, std::cmp::Reverse<u64>, u64)> = before
        .iter()
        .filter(|(id, _)| *id != guild_id && !moves.iter().any(|(moved, _)| moved == id))
        .map(|(id, old)| (*old, std::cmp::Reverse(*id), *id))
        .collect();
    unmoved.sort();
    let total = before.len().saturating_sub(1);
    let mut slots: Vec<Option<u64>> = vec![None; total];
    let mut placed = Vec::new();
    for (id, position) in &moves {
        if placed.contains(id) {
            continue;
        }
        placed.push(*id);
        let wanted = usize::try_from((*position).max(1) - 1)
            .unwrap_or(0)
            .min(total.saturating_sub(1));
        let free = (wanted..total)
            .chain((0..wanted).rev())
            .find(|slot| slots[*slot].is_none());
        if let Some(slot) = free {
            slots[slot] = Some(*id);
        }
    }
    let mut rest = unmoved.into_iter().map(|(.., id)| id);
    let order: Vec<u64> = slots
        .into_iter()
        .map(|slot| slot.or_else(|| rest.next()))
        .collect::<Option<Vec<u64>>>()
        .unwrap_or_default();
    let mut changed = Vec::new();
    for (rank, id) in order.iter().enumerate() {
        let position = i64::try_from(rank).unwrap_or(i64::MAX) + 1;
        if let Some(role) = guild
            .roles_mut()
            .iter_mut()
            .find(|role| role.get("id").and_then(parse_snowflake) == Some(*id))
            && role.get("position").and_then(Value::as_i64) != Some(position)
        {
            role["position"] = json!(position);
            changed.push(role.clone());
        }
    }
    for role in &changed {
        state.gateway.dispatch_guild_event(
            guild_id,
            "GUILD_ROLE_UPDATE",
            &json!({"guild_id": guild_id.to_string(), "role": role}),
        );
    }
    Ok(Json(Value::Array(guild.roles().to_vec())))
}

/// `DELETE /guilds/{guild.id}/roles/{role.id}` → 204, the role taken off every member, and
/// GUILD_ROLE_DELETE `{guild_id, role_id}`.
///
/// Checks: guild 404/10004, role 404/10011, MANAGE_ROLES and the role below the bot's highest
/// 403/50013, `@everyone` or a managed role 400/50028.
pub(super) async fn delete_role(
    AxumState(state): AxumState<Arc<State>>,
    Path((guild, role)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    let mut store = state.store();
    let guild_id = guild_id(&store, &guild)?;
    let role_id = snowflake_param("role_id", &role)?;
    let bot_id = store.bot_id;
    let guild = &store.guilds[&guild_id];
    let role = guild.role(role_id).ok_or(ApiError::UnknownRole)?;
    let managed = role.get("managed") == Some(&Value::Bool(true));
    require(guild, bot_id, MANAGE_ROLES)?;
    if role_id == guild_id || managed {
        return Err(ApiError::InvalidRole);
    }
    below_bot(guild, bot_id, role_id)?;
    let guild = store.guilds.get_mut(&guild_id).expect("checked above");
    guild
        .roles_mut()
        .retain(|role| role.get("id").and_then(parse_snowflake) != Some(role_id));
    let id = Value::String(role_id.to_string());
    for member in &mut guild.members {
        if let Some(Value::Array(roles)) = member.get_mut("roles") {
            roles.retain(|role| role != &id);
        }
    }
    state.gateway.dispatch_guild_event(
        guild_id,
        "GUILD_ROLE_DELETE",
        &json!({"guild_id": guild_id.to_string(), "role_id": role_id.to_string()}),
    );
    Ok(StatusCode::NO_CONTENT)
}
