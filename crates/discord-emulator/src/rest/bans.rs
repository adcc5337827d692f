//! Guild bans, with Discord's permission and hierarchy checks and the gateway events they cause
//! ([docs](https://discord.com/developers/docs/resources/guild#get-guild-bans)):
//! `GET /guilds/{guild.id}/bans`, `GET /guilds/{guild.id}/bans/{user.id}`,
//! `PUT /guilds/{guild.id}/bans/{user.id}` → GUILD_MEMBER_REMOVE (GUILD_MEMBERS, when a member)
//! and GUILD_BAN_ADD (GUILD_MODERATION), `DELETE /guilds/{guild.id}/bans/{user.id}` →
//! GUILD_BAN_REMOVE, `POST /guilds/{guild.id}/bulk-ban`.
//!
//! Every ban route needs BAN_MEMBERS (bulk ban also MANAGE_GUILD); banning a member needs it to
//! rank below the bot (never the owner, nor the bot itself). `delete_message_seconds` deletes
//! the user's messages of that many seconds back in the guild's channels (one
//! MESSAGE_DELETE_BULK per channel). The ban's reason is the request's `X-Audit-Log-Reason`.

use std::collections::HashMap;
use std::sync::Arc;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query, State as AxumState};
use axum::http::{HeaderMap, StatusCode};
use serde_json::{Map, Value, json};

use super::roles::{body_object, guild_id, require};
use super::{json_body, snowflake_param};
use crate::error::{ApiError, FormErrors};
use crate::snowflake::parse_snowflake;
use crate::state::State;
use crate::store::guild::{BAN_MEMBERS, MANAGE_GUILD};
use crate::store::{Ban, ChannelOwner, Store};

/// The most `delete_message_seconds`: 7 days.
const DELETE_SECONDS_MAX: i64 = 604_800;
/// The most bans one page lists (also the default).
const PAGE_MAX: i64 = 1000;
/// The most users one bulk ban takes.
const BULK_MAX: usize = 200;
/// Discord's epoch, in Unix milliseconds.
const DISCORD_EPOCH_MS: u64 = 1_420_070_400_000;

/// A ban as Discord serves it: `{"reason", "user"}`.
fn ban_object(store: &Store, ban: &Ban) -> Value {
    let user = store
        .users
        .get(&ban.user_id)
        .map_or(Value::Null, |user| Value::Object(user.object.clone()));
    json!({"reason": ban.reason, "user": user})
}

/// Parses `delete_message_seconds` (0–604800) of a ban body (also the deprecated
/// `delete_message_days`, 0–7).
fn delete_seconds(body: &Map<String, Value>, errors: &mut FormErrors) -> i64 {
    let mut seconds = 0;
    for (key, max, scale) in [
        ("delete_message_seconds", DELETE_SECONDS_MAX, 1),
        ("delete_message_days", 7, 86_400),
    ] {
        match body.get(key) {
            None | Some(Value::Null) => {}
            Some(value) => match value.as_i64() {
                Some(number) if number < 0 => errors.add(
                    [key.to_owned()],
                    "NUMBER_TYPE_MIN",
                    "int value should be greater than or equal to 0.",
                ),
                Some(number) if number > max => errors.add(
                    [key.to_owned()],
                    "NUMBER_TYPE_MAX",
                    format!("int value should be less than or equal to {max}."),
                ),
                Some(number) => seconds = seconds.max(number * scale),
                None => errors.add(
                    [key.to_owned()],
                    "NUMBER_TYPE_COERCE",
                    format!("Value \"{value}\" is not int."),
                ),
            },
        }
    }
    seconds
}

/// Why one user cannot be banned by the bot: unknown user 10013, the owner, the bot itself or
/// a member not below the bot 50013.
fn bannable(store: &Store, guild_id: u64, user_id: u64) -> Result<(), ApiError> {
    if !store.users.contains_key(&user_id) {
        return Err(ApiError::UnknownUser);
    }
    let guild = &store.guilds[&guild_id];
    if guild.member_index(user_id).is_some() || guild.owner_id() == Some(user_id) {
        let bot_id = store.bot_id;
        if guild.member_rank(user_id) >= guild.member_rank(bot_id) {
            return Err(ApiError::MissingPermissions);
        }
    }
    Ok(())
}

/// Bans `user_id` (checked by [`bannable`]): kicks a member (GUILD_MEMBER_REMOVE), deletes
/// their messages of the last `seconds` in the guild's channels (MESSAGE_DELETE_BULK per
/// channel), records the ban (a repeat replaces the reason) and dispatches GUILD_BAN_ADD.
fn ban(
    state: &State,
    store: &mut Store,
    guild_id: u64,
    user_id: u64,
    seconds: i64,
    reason: Option<String>,
) {
    let user = store
        .users
        .get(&user_id)
        .map_or(Value::Null, |user| Value::Object(user.object.clone()));
    let guild = store
        .guilds
        .get_mut(&guild_id)
        .expect("checked by the caller");
    if let Some(index) = guild.member_index(user_id) {
        guild.members.remove(index);
        state.gateway.dispatch_guild_event(
            guild_id,
            "GUILD_MEMBER_REMOVE",
            &json!({"guild_id": guild_id.to_string(), "user": user}),
        );
    }
    match guild.bans.binary_search_by_key(&user_id, |ban| ban.user_id) {
        Ok(index) => guild.bans[index].reason = reason,
        Err(index) => guild.bans.insert(index, Ban { user_id, reason }),
    }
    if seconds > 0 {
        let since =
            crate::timestamp::now_ms().saturating_sub(u64::try_from(seconds).unwrap_or(0) * 1000);
        let channel_ids: Vec<u64> = store
            .channels
            .iter()
            .filter(|(_, channel)| {
                matches!(channel.owner, ChannelOwner::Guild { guild_id: owner, .. } if owner == guild_id)
            })
            .map(|(id, _)| *id)
            .collect();
        for channel_id in channel_ids {
            let Some(channel) = store.channels.get_mut(&channel_id) else {
                continue;
            };
            let mut deleted = Vec::new();
            channel.messages.retain(|message| {
                let recent = (message.id >> 22) + DISCORD_EPOCH_MS >= since;
                let remove = recent && message.author_id() == Some(user_id);
                if remove {
                    deleted.push(message.id);
                }
                !remove
            });
            if !deleted.is_empty() {
                state.gateway.messages_deleted(store, channel_id, &deleted);
            }
        }
    }
    state.gateway.dispatch_guild_event(
        guild_id,
        "GUILD_BAN_ADD",
        &json!({"guild_id": guild_id.to_string(), "user": user}),
    );
}

/// `GET /guilds/{guild.id}/bans?limit&before&after` → up to `limit` (1–1000, default 1000)
/// bans in user id order: those with user ids below `before` (the last ones before it) or
/// above `after`. BAN_MEMBERS 403/50013.
pub(super) async fn get_bans(
    AxumState(state): AxumState<Arc<State>>,
    Path(guild): Path<String>,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Json<Value>, ApiError> {
    let store = state.store();
    let guild_id = guild_id(&store, &guild)?;
    require(&store.guilds[&guild_id], store.bot_id, BAN_MEMBERS)?;
    let limit = match query.get("limit") {
        None => PAGE_MAX,
        Some(raw) => match raw.trim().parse::<i64>() {
            Ok(limit) if limit < 1 => {
                return Err(ApiError::form(
                    &["limit"],
                    "NUMBER_TYPE_MIN",
                    "int value should be greater than or equal to 1.",
                ));
            }
            Ok(limit) if limit > PAGE_MAX => {
                return Err(ApiError::form(
                    &["limit"],
                    "NUMBER_TYPE_MAX",
                    format!("int value should be less than or equal to {PAGE_MAX}."),
                ));
            }
            Ok(limit) => limit,
            Err(_) => {
                return Err(ApiError::form(
                    &["limit"],
                    "NUMBER_TYPE_COERCE",
                    format!("Value \"{raw}\" is not int."),
                ));
            }
        },
    };
    let limit = usize::try_from(limit).unwrap_or(1);
    let before = query
        .get("before")
        .map(|raw| snowflake_param("before", raw))
        .transpose()?;
    let after = query
        .get("after")
        .map(|raw| snowflake_param("after", raw))
        .transpose()?;
    let bans = &store.guilds[&guild_id].bans;
    let page: Vec<&Ban> = match (before, after) {
        (Some(before), None) => {
            let below: Vec<&Ban> = bans.iter().filter(|ban| ban.user_id < before).collect();
            let skip = below.len().saturating_sub(limit);
            below.into_iter().skip(skip).collect()
        }
        _ => bans
            .iter()
            .filter(|ban| ban.user_id > after.unwrap_or(0))
            .take(limit)
            .collect(),
    };
    Ok(Json(Value::Array(
        page.into_iter()
            .map(|ban| ban_object(&store, ban))
            .collect(),
    )))
}

/// `GET /guilds/{guild.id}/bans/{user.id}` → the ban; not banned 404/10026. BAN_MEMBERS.
pub(super) async fn get_ban(
    AxumState(state): AxumState<Arc<State>>,
    Path((guild, user)): Path<(String, String)>,
) -> Result<Json<Value>, ApiError> {
    let store = state.store();
    let guild_id = guild_id(&store, &guild)?;
    let user_id = snowflake_param("user_id", &user)?;
    require(&store.guilds[&guild_id], store.bot_id, BAN_MEMBERS)?;
    store.guilds[&guild_id]
        .bans
        .iter()
        .find(|ban| ban.user_id == user_id)
        .map(|ban| Json(ban_object(&store, ban)))
        .ok_or(ApiError::UnknownBan)
}

/// `PUT /guilds/{guild.id}/bans/{user.id}` with `{"delete_message_seconds"?}` → 204 (also for
/// a user banned already: the reason is replaced). Checks: guild 404/10004, bad JSON 400/50109,
/// the body 400/50035 (0–604800), BAN_MEMBERS 403/50013, unknown user 404/10013, the owner,
/// the bot or a member not below the bot 403/50013.
pub(super) async fn create_ban(
    AxumState(state): AxumState<Arc<State>>,
    Path((guild, user)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<StatusCode, ApiError> {
    let parsed = json_body(&body);
    let mut store = state.store();
    let guild_id = guild_id(&store, &guild)?;
    let user_id = snowflake_param("user_id", &user)?;
    let body = body_object(parsed?)?;
    let mut errors = FormErrors::default();
    let seconds = delete_seconds(&body, &mut errors);
    errors.into_result()?;
    require(&store.guilds[&guild_id], store.bot_id, BAN_MEMBERS)?;
    bannable(&store, guild_id, user_id)?;
    ban(
        &state,
        &mut store,
        guild_id,
        user_id,
        seconds,
        crate::audit_log::reason(&headers),
    );
    Ok(StatusCode::NO_CONTENT)
}

/// `DELETE /guilds/{guild.id}/bans/{user.id}` → 204 and GUILD_BAN_REMOVE; not banned
/// 404/10026. BAN_MEMBERS.
pub(super) async fn remove_ban(
    AxumState(state): AxumState<Arc<State>>,
    Path((guild, user)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    let mut store = state.store();
    let guild_id = guild_id(&store, &guild)?;
    let user_id = snowflake_param("user_id", &user)?;
    require(&store.guilds[&guild_id], store.bot_id, BAN_MEMBERS)?;
    let user = store
        .users
        .get(&user_id)
        .map_or(Value::Null, |user| Value::Object(user.object.clone()));
    let guild = store.guilds.get_mut(&guild_id).expect("checked above");
    let index = guild
        .bans
        .iter()
        .position(|ban| ban.user_id == user_id)
        .ok_or(ApiError::UnknownBan)?;
    guild.bans.remove(index);
    state.gateway.dispatch_guild_event(
        guild_id,
        "GUILD_BAN_REMOVE",
        &json!({"guild_id": guild_id.to_string(), "user": user}),
    );
    Ok(StatusCode::NO_CONTENT)
}

/// `POST /guilds/{guild.id}/bulk-ban` with `{"user_ids": [1–200], "delete_message_seconds"?}`
/// → 200 `{"banned_users", "failed_users"}` (users already banned count as failed, as do users
/// the bot may not ban); nobody banned → 400/500000 Failed to ban users. BAN_MEMBERS and
/// MANAGE_GUILD 403/50013; the body 400/50035.
pub(super) async fn bulk_ban(
    AxumState(state): AxumState<Arc<State>>,
    Path(guild): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    let parsed = json_body(&body);
    let mut store = state.store();
    let guild_id = guild_id(&store, &guild)?;
    let body = body_object(parsed?)?;
    let mut errors = FormErrors::default();
    let seconds = delete_seconds(&body, &mut errors);
    let mut user_ids = Vec::new();
    match body.get("user_ids") {
        None | Some(Value::Null) => errors.add(
            ["user_ids".to_owned()],
            "BASE_TYPE_REQUIRED",
            "This field is required",
        ),
        Some(Value::Array(items)) => {
            if items.is_empty() {
                errors.add(
                    ["user_ids".to_owned()],
                    "BASE_TYPE_MIN_LENGTH",
                    "Must be 1 or more in length.",
                );
            } else if items.len() > BULK_MAX {
                errors.add(
                    ["user_ids".to_owned()],
                    "BASE_TYPE_MAX_LENGTH",
                    format!("Must be {BULK_MAX} or fewer in length."),
                );
            }
            for (index, item) in items.iter().enumerate() {
                match parse_snowflake(item) {
                    Some(id) if !user_ids.contains(&id) => user_ids.push(id),
                    Some(_) => errors.add(
                        ["user_ids".to_owned(), index.to_string()],
                        "SET_TYPE_ALREADY_CONTAINS_VALUE",
                        "The set already contains this value",
                    ),
                    None => errors.add(
                        ["user_ids".to_owned(), index.to_string()],
                        "NUMBER_TYPE_COERCE",
                        format!("Value \"{item}\" is not snowflake."),
                    ),
                }
            }
        }
        Some(_) => errors.add(
            ["user_ids".to_owned()],
            "LIST_TYPE_CONVERT",
            "Only iterables may be used in a ListType",
        ),
    }
    errors.into_result()?;
    require(
        &store.guilds[&guild_id],
        store.bot_id,
        BAN_MEMBERS | MANAGE_GUILD,
    )?;
    let reason = crate::audit_log::reason(&headers);
    let mut banned = Vec::new();
    let mut failed = Vec::new();
    for user_id in user_ids {
        let already = store.guilds[&guild_id]
            .bans
            .iter()
            .any(|ban| ban.user_id == user_id);
        if already || bannable(&store, guild_id, user_id).is_err() {
            failed.push(json!(user_id.to_string()));
            continue;
        }
        ban(
            &state,
            &mut store,
            guild_id,
            user_id,
            seconds,
            reason.clone(),
        );
        banned.push(json!(user_id.to_string()));
    }
    if banned.is_empty() {
        return Err(ApiError::BulkBanFailed);
    }
    Ok(Json(
        json!({"banned_users": banned, "failed_users": failed}),
    ))
}
