//! Guild members, with Discord's permission and hierarchy checks and the gateway events they
//! cause ([docs](https://discord.com/developers/docs/resources/guild#get-guild-member)):
//! get, list, search, add with an OAuth2 token (GUILD_MEMBER_ADD), modify, modify the bot's
//! own nickname, add and remove a role (GUILD_MEMBER_UPDATE), remove (GUILD_MEMBER_REMOVE).
//! The member events need the privileged GUILD_MEMBERS intent.
//!
//! Hierarchy, as Discord documents it: the bot may only change roles ranked below its highest
//! role, and only change the nickname or timeout of, or kick, members whose highest role ranks
//! below its own; nobody but the owner acts on the owner. The emulator has no voice states, so
//! `mute`, `deaf` and a non-null `channel_id` in a modify answer 400/40032 (the member is not
//! connected to voice), as Discord does for a member outside voice.

use std::collections::HashMap;
use std::sync::Arc;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query, State as AxumState};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::roles::{below_bot, body_object, guild_id, require};
use super::{json_body, snowflake_param};
use crate::error::{ApiError, FormErrors};
use crate::fixture::Object;
use crate::gateway::intents;
use crate::snowflake::parse_snowflake;
use crate::state::State;
use crate::store::guild::{
    CHANGE_NICKNAME, CREATE_INSTANT_INVITE, DEAFEN_MEMBERS, KICK_MEMBERS, MANAGE_NICKNAMES,
    MANAGE_ROLES, MODERATE_MEMBERS, MOVE_MEMBERS, MUTE_MEMBERS, member_role_ids, member_user_id,
};
use crate::store::{GuildState, Store};

/// The longest nickname, in characters.
const NICK_MAX: usize = 32;
/// The most members one list or search answers.
const LIMIT_MAX: i64 = 1000;
/// The longest timeout: 28 days ahead.
const TIMEOUT_MAX: time::Duration = time::Duration::days(28);
/// The member flag a bot may set: BYPASSES_VERIFICATION (1 << 2).
const EDITABLE_FLAGS: u64 = 1 << 2;
/// The OAuth2 scope Add Guild Member needs.
const GUILDS_JOIN: &str = "guilds.join";

/// The user `raw` names: malformed → 50035 at `user_id`.
fn user_param(raw: &str) -> Result<u64, ApiError> {
    snowflake_param("user_id", raw)
}

/// The index of member `user_id` of `guild`: 404/10007 for a known user who is not a member,
/// 404/10013 for an unknown user.
fn member_index(store: &Store, guild_id: u64, user_id: u64) -> Result<usize, ApiError> {
    match store.guilds[&guild_id].member_index(user_id) {
        Some(index) => Ok(index),
        None if store.users.contains_key(&user_id) => Err(ApiError::UnknownMember),
        None => Err(ApiError::UnknownUser),
    }
}

/// Fails with 403/50013 unless the bot outranks member `user_id` (the owner outranks all).
fn member_below_bot(guild: &GuildState, bot_id: u64, user_id: u64) -> Result<(), ApiError> {
    if guild.member_rank(user_id) < guild.member_rank(bot_id) {
        Ok(())
    } else {
        Err(ApiError::MissingPermissions)
    }
}

/// Fails with 403/50013 unless the bot may give or take role `role_id`: MANAGE_ROLES, the
/// role below its highest, not managed (a bot or integration role), not `@everyone`.
fn manageable_role(guild: &GuildState, bot_id: u64, role_id: u64) -> Result<(), ApiError> {
    let role = guild.role(role_id).ok_or(ApiError::UnknownRole)?;
    require(guild, bot_id, MANAGE_ROLES)?;
    if role.get("managed") == Some(&Value::Bool(true)) || role_id == guild.id() {
        return Err(ApiError::MissingPermissions);
    }
    below_bot(guild, bot_id, role_id)
}

/// The member with the guild's id added, as GUILD_MEMBER_ADD and GUILD_MEMBER_UPDATE carry it.
fn with_guild(guild_id: u64, member: &Object) -> Value {
    let mut object = member.clone();
    object.insert("guild_id".into(), json!(guild_id.to_string()));
    Value::Object(object)
}

/// Dispatches GUILD_MEMBER_UPDATE for the member at `index`.
fn member_updated(state: &State, store: &Store, guild_id: u64, index: usize) {
    let member = &store.guilds[&guild_id].members[index];
    state.gateway.dispatch_guild_event(
        guild_id,
        "GUILD_MEMBER_UPDATE",
        &with_guild(guild_id, member),
    );
}

/// Parses a `limit` query parameter: 1–1000, default 1 (400/50035 otherwise).
fn limit_param(query: &HashMap<String, String>) -> Result<usize, ApiError> {
    let Some(raw) = query.get("limit") else {
        return Ok(1);
    };
    match raw.trim().parse::<i64>() {
        Ok(limit) if limit < 1 => Err(ApiError::form(
            &["limit"],
            "NUMBER_TYPE_MIN",
            "int value should be greater than or equal to 1.",
        )),
        Ok(limit) if limit > LIMIT_MAX => Err(ApiError::form(
            &["limit"],
            "NUMBER_TYPE_MAX",
            format!("int value should be less than or equal to {LIMIT_MAX}."),
        )),
        Ok(limit) => Ok(usize::try_from(limit).unwrap_or(1)),
        Err(_) => Err(ApiError::form(
            &["limit"],
            "NUMBER_TYPE_COERCE",
            format!("Value \"{raw}\" is not int."),
        )),
    }
}

/// `GET /guilds/{guild.id}/members/{user.id}` → the member; not a member 404/10007, unknown
/// user 404/10013.
pub(super) async fn get_member(
    AxumState(state): AxumState<Arc<State>>,
    Path((guild, user)): Path<(String, String)>,
) -> Result<Json<Value>, ApiError> {
    let store = state.store();
    let guild_id = guild_id(&store, &guild)?;
    let user_id = user_param(&user)?;
    let index = member_index(&store, guild_id, user_id)?;
    Ok(Json(Value::Object(
        store.guilds[&guild_id].members[index].clone(),
    )))
}

/// `GET /guilds/{guild.id}/members?limit=&after=` → up to `limit` (1–1000, default 1) members
/// with user ids above `after` (default 0), in user id order. Without the GUILD_MEMBERS
/// privileged intent (`--privileged-intents`) Discord answers 403/50001.
pub(super) async fn list_members(
    AxumState(state): AxumState<Arc<State>>,
    Path(guild): Path<String>,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Json<Value>, ApiError> {
    let store = state.store();
    let guild_id = guild_id(&store, &guild)?;
    if state.gateway.inner.options.privileged_intents & intents::GUILD_MEMBERS == 0 {
        return Err(ApiError::MissingAccess);
    }
    let limit = limit_param(&query)?;
    let after = match query.get("after") {
        None => 0,
        Some(raw) => snowflake_param("after", raw)?,
    };
    let mut members: Vec<(u64, &Object)> = store.guilds[&guild_id]
        .members
        .iter()
        .filter_map(|member| Some((member_user_id(member)?, member)))
        .filter(|(id, _)| *id > after)
        .collect();
    members.sort_by_key(|(id, _)| *id);
    Ok(Json(Value::Array(
        members
            .into_iter()
            .take(limit)
            .map(|(_, member)| Value::Object(member.clone()))
            .collect(),
    )))
}

/// `GET /guilds/{guild.id}/members/search?query=&limit=` → up to `limit` (1–1000, default 1)
/// members whose username, global name or nickname starts with `query` (case-insensitive);
/// `query` is required (400/50035).
pub(super) async fn search_members(
    AxumState(state): AxumState<Arc<State>>,
    Path(guild): Path<String>,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Json<Value>, ApiError> {
    let store = state.store();
    let guild_id = guild_id(&store, &guild)?;
    let mut errors = FormErrors::default();
    let text = query.get("query").map(|text| text.to_lowercase());
    if text.is_none() {
        errors.add(
            ["query".to_owned()],
            "BASE_TYPE_REQUIRED",
            "This field is required",
        );
    }
    let limit = match limit_param(&query) {
        Ok(limit) => limit,
        Err(ApiError::InvalidFormBody(limit_errors)) => {
            let value = limit_errors.to_value();
            if let Some(message) = value.pointer("/limit/_errors/0") {
                errors.add(
                    ["limit".to_owned()],
                    message["code"].as_str().unwrap_or_default(),
                    message["message"].as_str().unwrap_or_default(),
                );
            }
            1
        }
        Err(other) => return Err(other),
    };
    errors.into_result()?;
    let text = text.unwrap_or_default();
    let starts = |value: Option<&Value>| {
        value
            .and_then(Value::as_str)
            .is_some_and(|name| name.to_lowercase().starts_with(&text))
    };
    let found = store.guilds[&guild_id]
        .members
        .iter()
        .filter(|member| {
            let user = member.get("user");
            starts(member.get("nick"))
                || starts(user.and_then(|user| user.get("username")))
                || starts(user.and_then(|user| user.get("global_name")))
        })
        .take(limit)
        .map(|member| Value::Object(member.clone()))
        .collect();
    Ok(Json(Value::Array(found)))
}

/// The member settings of an add or modify body, validated; `None`: not sent.
#[derive(Debug, Default)]
struct MemberFields {
    /// `Some(Value::Null)` clears the nickname (also `""`).
    nick: Option<Value>,
    roles: Option<Vec<u64>>,
    mute: Option<bool>,
    deaf: Option<bool>,
    /// `Some(None)`: null (disconnect).
    channel_id: Option<Option<u64>>,
    /// `Some(Value::Null)` ends a timeout.
    communication_disabled_until: Option<Value>,
    flags: Option<u64>,
}

/// Validates an add or modify member body like Discord: every failing field in one 50035.
fn member_fields(body: &Map<String, Value>) -> Result<MemberFields, ApiError> {
    let mut errors = FormErrors::default();
    let mut fields = MemberFields::default();
    let mut bad_roles = Vec::new();
    let mut error = |key: &str, code: &str, message: String| {
        errors.add([key.to_owned()], code, message);
    };
    match body.get("nick") {
        None => {}
        Some(Value::Null) => fields.nick = Some(Value::Null),
        Some(Value::String(nick)) if nick.is_empty() => fields.nick = Some(Value::Null),
        Some(Value::String(nick)) if nick.chars().count() > NICK_MAX => error(
            "nick",
            "BASE_TYPE_MAX_LENGTH",
            format!("Must be {NICK_MAX} or fewer in length."),
        ),
        Some(Value::String(nick)) => fields.nick = Some(Value::String(nick.clone())),
        Some(other) => error(
            "nick",
            "STRING_TYPE_CONVERT",
            format!("Could not interpret \"{other}\" as string."),
        ),
    }
    match body.get("roles") {
        None | Some(Value::Null) => {}
        Some(Value::Array(items)) => {
            let mut roles = Vec::new();
            for (index, item) in items.iter().enumerate() {
                match parse_snowflake(item) {
                    Some(role) => {
                        if !roles.contains(&role) {
                            roles.push(role);
                        }
                    }
                    None => bad_roles.push((index, item.clone())),
                }
            }
            fields.roles = Some(roles);
        }
        Some(_) => error(
            "roles",
            "LIST_TYPE_CONVERT",
            "Only iterables may be used in a ListType".into(),
        ),
    }
    for (key, slot) in [("mute", &mut fields.mute), ("deaf", &mut fields.deaf)] {
        match body.get(key) {
            None | Some(Value::Null) => {}
            Some(Value::Bool(flag)) => *slot = Some(*flag),
            Some(_) => error(
                key,
                "BASE_TYPE_BOOLEAN",
                "Must be either true or false.".into(),
            ),
        }
    }
    match body.get("channel_id") {
        None => {}
        Some(Value::Null) => fields.channel_id = Some(None),
        Some(value) => match parse_snowflake(value) {
            Some(id) => fields.channel_id = Some(Some(id)),
            None => error(
                "channel_id",
                "NUMBER_TYPE_COERCE",
                format!("Value \"{value}\" is not snowflake."),
            ),
        },
    }
    match body.get("communication_disabled_until") {
        None => {}
        Some(Value::Null) => fields.communication_disabled_until = Some(Value::Null),
        Some(Value::String(text)) => match OffsetDateTime::parse(text, &Rfc3339) {
            Ok(until) if until - OffsetDateTime::now_utc() > TIMEOUT_MAX => error(
                "communication_disabled_until",
                "BASE_TYPE_BAD_TIME",
                "Timeout can not be longer than 28 days.".into(),
            ),
            Ok(until) => {
                fields.communication_disabled_until =
                    Some(Value::String(crate::timestamp::format_timestamp(until)));
            }
            Err(_) => error(
                "communication_disabled_until",
                "DATE_TIME_TYPE_PARSE",
                format!("Could not parse {text}. Should be ISO8601."),
            ),
        },
        Some(other) => error(
            "communication_disabled_until",
            "DATE_TIME_TYPE_PARSE",
            format!("Could not parse {other}. Should be ISO8601."),
        ),
    }
    match body.get("flags") {
        None | Some(Value::Null) => {}
        Some(value) => match value.as_u64() {
            Some(flags) => fields.flags = Some(flags),
            None => error(
                "flags",
                "NUMBER_TYPE_COERCE",
                format!("Value \"{value}\" is not int."),
            ),
        },
    }
    for (index, item) in bad_roles {
        let shown = item
            .as_str()
            .map_or_else(|| item.to_string(), str::to_owned);
        errors.add(
            ["roles".to_owned(), index.to_string()],
            "NUMBER_TYPE_COERCE",
            format!("Value \"{shown}\" is not snowflake."),
        );
    }
    errors.into_result()?;
    Ok(fields)
}

/// Checks the role changes from `old` to `new` (each added or removed role known and
/// manageable).
fn check_role_change(
    guild: &GuildState,
    bot_id: u64,
    old: &[u64],
    new: &[u64],
) -> Result<(), ApiError> {
    for role in new {
        if guild.role(*role).is_none() {
            return Err(ApiError::UnknownRole);
        }
    }
    let changed = new
        .iter()
        .filter(|role| !old.contains(role))
        .chain(old.iter().filter(|role| !new.contains(role)));
    for role in changed {
        manageable_role(guild, bot_id, *role)?;
    }
    Ok(())
}

/// A fresh member object for `user` (Discord's key order).
fn new_member(user: &Object, fields: &MemberFields) -> Object {
    let mut member = Map::new();
    member.insert("user".into(), Value::Object(user.clone()));
    member.insert("nick".into(), fields.nick.clone().unwrap_or(Value::Null));
    member.insert("avatar".into(), Value::Null);
    member.insert("banner".into(), Value::Null);
    let roles: Vec<Value> = fields
        .roles
        .iter()
        .flatten()
        .map(|id| json!(id.to_string()))
        .collect();
    member.insert("roles".into(), Value::Array(roles));
    member.insert(
        "joined_at".into(),
        json!(crate::timestamp::format_timestamp_ms(
            crate::timestamp::now_ms()
        )),
    );
    member.insert("premium_since".into(), Value::Null);
    member.insert("deaf".into(), json!(fields.deaf.unwrap_or(false)));
    member.insert("mute".into(), json!(fields.mute.unwrap_or(false)));
    member.insert("flags".into(), json!(0));
    member.insert("pending".into(), json!(false));
    member.insert("communication_disabled_until".into(), Value::Null);
    member
}

/// `PUT /guilds/{guild.id}/members/{user.id}` with `{"access_token", "nick"?, "roles"?,
/// "mute"?, "deaf"?}` → 201 with the member and GUILD_MEMBER_ADD when added; 204 (no change)
/// when already a member.
///
/// Checks, in order: guild 404/10004, user 404/10013, bad JSON 400/50109, the body 400/50035
/// (`access_token` required, nick ≤ 32), the token 403/50025 (unknown, of another user, or
/// without `guilds.join`), already a member → 204, CREATE_INSTANT_INVITE, and for the fields
/// set MANAGE_NICKNAMES, MANAGE_ROLES (each role known 404/10011, below the bot's highest and
/// not managed), MUTE_MEMBERS, DEAFEN_MEMBERS: 403/50013.
pub(super) async fn add_member(
    AxumState(state): AxumState<Arc<State>>,
    Path((guild, user)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let parsed = json_body(&body);
    let mut store = state.store();
    let guild_id = guild_id(&store, &guild)?;
    let user_id = user_param(&user)?;
    let user = store
        .users
        .get(&user_id)
        .ok_or(ApiError::UnknownUser)?
        .object
        .clone();
    let body = body_object(parsed?)?;
    let token = match body.get("access_token") {
        Some(Value::String(token)) => Some(token.clone()),
        _ => None,
    };
    let fields = match (member_fields(&body), &token) {
        (Ok(fields), Some(_)) => fields,
        (result, _) => {
            let mut errors = match result {
                Ok(_) => FormErrors::default(),
                Err(ApiError::InvalidFormBody(errors)) => errors,
                Err(other) => return Err(other),
            };
            if token.is_none() {
                errors.add(
                    ["access_token".to_owned()],
                    "BASE_TYPE_REQUIRED",
                    "This field is required",
                );
            }
            return Err(ApiError::InvalidFormBody(errors));
        }
    };
    let token = token.unwrap_or_default();
    let valid = store.access_tokens.iter().any(|known| {
        known.access_token == token
            && known.user_id == user_id
            && known.scopes.iter().any(|scope| scope == GUILDS_JOIN)
    });
    if !valid {
        return Err(ApiError::InvalidOAuthToken);
    }
    let guild = &store.guilds[&guild_id];
    if guild.member_index(user_id).is_some() {
        return Ok(StatusCode::NO_CONTENT.into_response());
    }
    let bot_id = store.bot_id;
    require(guild, bot_id, CREATE_INSTANT_INVITE)?;
    if matches!(fields.nick, Some(Value::String(_))) {
        require(guild, bot_id, MANAGE_NICKNAMES)?;
    }
    if let Some(roles) = &fields.roles {
        check_role_change(guild, bot_id, &[], roles)?;
    }
    if fields.mute.is_some() {
        require(guild, bot_id, MUTE_MEMBERS)?;
    }
    if fields.deaf.is_some() {
        require(guild, bot_id, DEAFEN_MEMBERS)?;
    }
    let member = new_member(&user, &fields);
    let guild = store.guilds.get_mut(&guild_id).expect("checked above");
    guild.members.push(member.clone());
    tracing::debug!(guild_id, user_id, "member added");
    state.gateway.dispatch_guild_event(
        guild_id,
        "GUILD_MEMBER_ADD",
        &with_guild(guild_id, &member),
    );
    Ok((StatusCode::CREATED, Json(Value::Object(member))).into_response())
}

/// `PATCH /guilds/{guild.id}/members/{user.id}` → 200 with the member and GUILD_MEMBER_UPDATE.
///
/// Fields: `nick` (≤ 32; null or "" clears; MANAGE_NICKNAMES, CHANGE_NICKNAME for the bot
/// itself), `roles` (replaces them; MANAGE_ROLES, each added or removed role below the bot's
/// highest and not managed, unknown 404/10011), `mute`/`deaf`/`channel_id` (MUTE_MEMBERS,
/// DEAFEN_MEMBERS, MOVE_MEMBERS, then 400/40032: nobody is in voice), `communication_disabled_until`
/// (MODERATE_MEMBERS, at most 28 days ahead), `flags` (only BYPASSES_VERIFICATION changes;
/// MANAGE_ROLES). Changing the nickname or timeout of a member not below the bot: 403/50013.
/// Checks, in order: guild, member, bad JSON, body, permissions and hierarchy.
pub(super) async fn modify_member(
    AxumState(state): AxumState<Arc<State>>,
    Path((guild, user)): Path<(String, String)>,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    let parsed = json_body(&body);
    let mut store = state.store();
    let guild_id = guild_id(&store, &guild)?;
    let user_id = user_param(&user)?;
    let index = member_index(&store, guild_id, user_id)?;
    let body = body_object(parsed?)?;
    let fields = member_fields(&body)?;
    let bot_id = store.bot_id;
    let guild = &store.guilds[&guild_id];
    let member = &guild.members[index];
    if fields.nick.is_some() {
        if user_id == bot_id {
            require(guild, bot_id, CHANGE_NICKNAME)?;
        } else {
            require(guild, bot_id, MANAGE_NICKNAMES)?;
            member_below_bot(guild, bot_id, user_id)?;
        }
    }
    if let Some(roles) = &fields.roles {
        check_role_change(guild, bot_id, &member_role_ids(member), roles)?;
    }
    if fields.communication_disabled_until.is_some() {
        require(guild, bot_id, MODERATE_MEMBERS)?;
        member_below_bot(guild, bot_id, user_id)?;
    }
    if fields.flags.is_some() {
        require(guild, bot_id, MANAGE_ROLES)?;
    }
    if fields.mute.is_some() {
        require(guild, bot_id, MUTE_MEMBERS)?;
    }
    if fields.deaf.is_some() {
        require(guild, bot_id, DEAFEN_MEMBERS)?;
    }
    if let Some(Some(_)) = fields.channel_id {
        require(guild, bot_id, MOVE_MEMBERS)?;
    }
    if fields.mute.is_some() || fields.deaf.is_some() || matches!(fields.channel_id, Some(Some(_)))
    {
        return Err(ApiError::NotConnectedToVoice);
    }
    let guild = store.guilds.get_mut(&guild_id).expect("checked above");
    let member = &mut guild.members[index];
    if let Some(nick) = fields.nick {
        member.insert("nick".into(), nick);
    }
    if let Some(roles) = fields.roles {
        let roles: Vec<Value> = roles.iter().map(|id| json!(id.to_string())).collect();
        member.insert("roles".into(), Value::Array(roles));
    }
    if let Some(until) = fields.communication_disabled_until {
        member.insert("communication_disabled_until".into(), until);
    }
    if let Some(flags) = fields.flags {
        let old = member.get("flags").and_then(Value::as_u64).unwrap_or(0);
        member.insert(
            "flags".into(),
            json!((old & !EDITABLE_FLAGS) | (flags & EDITABLE_FLAGS)),
        );
    }
    let served = Value::Object(member.clone());
    member_updated(&state, &store, guild_id, index);
    Ok(Json(served))
}

/// `PATCH /guilds/{guild.id}/members/@me` with `{"nick"}` (≤ 32; null or "" clears) → 200 with
/// the bot's member and GUILD_MEMBER_UPDATE; CHANGE_NICKNAME (403/50013). Other keys are
/// ignored.
pub(super) async fn modify_current_member(
    AxumState(state): AxumState<Arc<State>>,
    Path(guild): Path<String>,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    let parsed = json_body(&body);
    let mut store = state.store();
    let guild_id = guild_id(&store, &guild)?;
    let bot_id = store.bot_id;
    let index = member_index(&store, guild_id, bot_id)?;
    let mut body = body_object(parsed?)?;
    body.retain(|key, _| key == "nick");
    let fields = member_fields(&body)?;
    if fields.nick.is_some() {
        require(&store.guilds[&guild_id], bot_id, CHANGE_NICKNAME)?;
    }
    let guild = store.guilds.get_mut(&guild_id).expect("checked above");
    let member = &mut guild.members[index];
    if let Some(nick) = fields.nick {
        member.insert("nick".into(), nick);
    }
    let served = Value::Object(member.clone());
    member_updated(&state, &store, guild_id, index);
    Ok(Json(served))
}

/// Adds (`add`) or removes role `role` of member `user`: 204, and GUILD_MEMBER_UPDATE when it
/// changed. Checks: guild 404/10004, member 404/10007 (10013 unknown user), role 404/10011,
/// MANAGE_ROLES with the role below the bot's highest and not managed 403/50013.
fn change_member_role(
    state: &State,
    guild: &str,
    user: &str,
    role: &str,
    add: bool,
) -> Result<StatusCode, ApiError> {
    let mut store = state.store();
    let guild_id = guild_id(&store, guild)?;
    let user_id = user_param(user)?;
    let role_id = snowflake_param("role_id", role)?;
    let index = member_index(&store, guild_id, user_id)?;
    let bot_id = store.bot_id;
    manageable_role(&store.guilds[&guild_id], bot_id, role_id)?;
    let guild = store.guilds.get_mut(&guild_id).expect("checked above");
    let member = &mut guild.members[index];
    let mut roles = member_role_ids(member);
    let had = roles.contains(&role_id);
    if add == had {
        return Ok(StatusCode::NO_CONTENT);
    }
    if add {
        roles.push(role_id);
    } else {
        roles.retain(|id| *id != role_id);
    }
    let roles: Vec<Value> = roles.iter().map(|id| json!(id.to_string())).collect();
    member.insert("roles".into(), Value::Array(roles));
    member_updated(state, &store, guild_id, index);
    Ok(StatusCode::NO_CONTENT)
}

/// `PUT /guilds/{guild.id}/members/{user.id}/roles/{role.id}` → 204 (see
/// [`change_member_role`]).
pub(super) async fn add_member_role(
    AxumState(state): AxumState<Arc<State>>,
    Path((guild, user, role)): Path<(String, String, String)>,
) -> Result<StatusCode, ApiError> {
    change_member_role(&state, &guild, &user, &role, true)
}

/// `DELETE /guilds/{guild.id}/members/{user.id}/roles/{role.id}` → 204 (see
/// [`change_member_role`]).
pub(super) async fn remove_member_role(
    AxumState(state): AxumState<Arc<State>>,
    Path((guild, user, role)): Path<(String, String, String)>,
) -> Result<StatusCode, ApiError> {
    change_member_role(&state, &guild, &user, &role, false)
}

/// `DELETE /guilds/{guild.id}/members/{user.id}` (kick) → 204 and GUILD_MEMBER_REMOVE
/// `{guild_id, user}`. Checks: guild 404/10004, member 404/10007 (10013 unknown user),
/// KICK_MEMBERS and the member below the bot's highest role (never the owner, nor the bot
/// itself) 403/50013.
pub(super) async fn remove_member(
    AxumState(state): AxumState<Arc<State>>,
    Path((guild, user)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    let mut store = state.store();
    let guild_id = guild_id(&store, &guild)?;
    let user_id = user_param(&user)?;
    let index = member_index(&store, guild_id, user_id)?;
    let bot_id = store.bot_id;
    let guild = &store.guilds[&guild_id];
    require(guild, bot_id, KICK_MEMBERS)?;
    member_below_bot(guild, bot_id, user_id)?;
    let guild = store.guilds.get_mut(&guild_id).expect("checked above");
    let member = guild.members.remove(index);
    let user = member.get("user").cloned().unwrap_or(Value::Null);
    tracing::debug!(guild_id, user_id, "member removed");
    state.gateway.dispatch_guild_event(
        guild_id,
        "GUILD_MEMBER_REMOVE",
        &json!({"guild_id": guild_id.to_string(), "user": user}),
    );
    Ok(StatusCode::NO_CONTENT)
}
