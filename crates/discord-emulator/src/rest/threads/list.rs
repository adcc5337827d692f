//! Listing threads: `GET /guilds/{guild.id}/threads/active`
//! ([List Active Guild Threads](https://discord.com/developers/docs/resources/guild#list-active-guild-threads)),
//! `GET /channels/{channel.id}/threads/archived/public` and `…/archived/private`
//! ([List Public](https://discord.com/developers/docs/resources/channel#list-public-archived-threads)
//! and [Private Archived Threads](https://discord.com/developers/docs/resources/channel#list-private-archived-threads)),
//! `GET /channels/{channel.id}/users/@me/threads/archived/private`
//! ([List Joined Private Archived Threads](https://discord.com/developers/docs/resources/channel#list-joined-private-archived-threads)).
//!
//! Every answer is `{"threads", "members", "has_more"}`: `members` holds the bot's thread
//! member for each listed thread it has joined.

use std::collections::HashMap;
use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, Query, State as AxumState};
use serde_json::{Value, json};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::super::channel_admin::managed_channel;
use super::super::channels::visible_channel;
use super::super::snowflake_param;
use super::{
    ANNOUNCEMENT_THREAD, PRIVATE_THREAD, PUBLIC_THREAD, archive_ms, archived, membership,
    thread_member_value,
};
use crate::error::ApiError;
use crate::fixture::Access;
use crate::state::State;
use crate::store::{ChannelOwner, ChannelState, Store, is_thread};

/// Default `limit` of the archived-thread lists.
const ARCHIVED_DEFAULT: u64 = 50;
/// Smallest and largest `limit` of the archived-thread lists (Discord's OpenAPI: 2–100).
const ARCHIVED_LIMIT: (u64, u64) = (2, 100);

/// Parses `limit` (default `default`, `min..=max`), else 400/50035 on `limit`.
pub(super) fn limit_param(
    raw: Option<&String>,
    min: u64,
    max: u64,
    default: u64,
) -> Result<usize, ApiError> {
    let Some(raw) = raw else {
        return Ok(usize::try_from(default).unwrap_or(usize::MAX));
    };
    let limit: i64 = raw.trim().parse().map_err(|_| {
        ApiError::form(
            &["limit"],
            "NUMBER_TYPE_COERCE",
            format!("Value \"{raw}\" is not int."),
        )
    })?;
    if limit < 0 || limit.unsigned_abs() < min {
        return Err(ApiError::form(
            &["limit"],
            "NUMBER_TYPE_MIN",
            format!("int value should be greater than or equal to {min}."),
        ));
    }
    if limit.unsigned_abs() > max {
        return Err(ApiError::form(
            &["limit"],
            "NUMBER_TYPE_MAX",
            format!("int value should be less than or equal to {max}."),
        ));
    }
    Ok(usize::try_from(limit).unwrap_or(usize::MAX))
}

/// The threads of `parent_id` (by id ascending).
fn threads_of(store: &Store, parent_id: u64) -> Vec<(u64, &ChannelState)> {
    let parent = Value::String(parent_id.to_string());
    let mut threads: Vec<(u64, &ChannelState)> = store
        .channels
        .iter()
        .filter(|(_, channel)| is_thread(channel.kind))
        .filter(|(_, channel)| channel.object.get("parent_id") == Some(&parent))
        .map(|(id, channel)| (*id, channel))
        .collect();
    threads.sort_by_key(|(id, _)| *id);
    threads
}

/// `{"threads", "members", "has_more"}` for `threads`.
fn answer(store: &Store, threads: &[(u64, &ChannelState)], has_more: bool) -> Value {
    let bot_id = store.bot_id;
    let mut members = Vec::new();
    let objects: Vec<Value> = threads
        .iter()
        .map(|(id, channel)| {
            if let Some(member) = membership(store, *id, bot_id) {
                let guild_id = match channel.owner {
                    ChannelOwner::Guild { guild_id, .. } => guild_id,
                    ChannelOwner::Dm { .. } => 0,
                };
                members.push(thread_member_value(store, *id, guild_id, &member, false));
            }
            Value::Object(channel.object.clone())
        })
        .collect();
    json!({"threads": objects, "members": members, "has_more": has_more})
}

/// `GET /guilds/{guild.id}/threads/active` → the guild's active (not archived) threads the bot
/// can see, by id ascending, `has_more` false; unknown guild → 404/10004.
pub(in crate::rest) async fn list_active_guild_threads(
    AxumState(state): AxumState<Arc<State>>,
    Path(guild_id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let guild_id = snowflake_param("guild_id", &guild_id)?;
    let store = state.store();
    if !store.guilds.contains_key(&guild_id) {
        return Err(ApiError::UnknownGuild);
    }
    let mut threads: Vec<(u64, &ChannelState)> = store
        .channels
        .iter()
        .filter(|(_, channel)| is_thread(channel.kind) && !archived(&channel.object))
        .filter(|(_, channel)| {
            matches!(channel.owner, ChannelOwner::Guild { guild_id: owner, access }
                if owner == guild_id && access != Access::None)
        })
        .map(|(id, channel)| (*id, channel))
        .collect();
    threads.sort_by_key(|(id, _)| *id);
    Ok(Json(answer(&store, &threads, false)))
}

/// Parses an ISO-8601 `before` into Unix milliseconds (a space read as `+`), else 400/50035.
fn before_timestamp(raw: &str) -> Result<u64, ApiError> {
    OffsetDateTime::parse(&raw.replace(' ', "+"), &Rfc3339)
        .ok()
        .and_then(|time| u64::try_from(time.unix_timestamp_nanos() / 1_000_000).ok())
        .ok_or_else(|| {
            ApiError::form(
                &["before"],
                "DATE_TIME_TYPE_PARSE",
                format!("Could not parse {raw}. Should be ISO8601."),
            )
        })
}

/// Which archived threads a list returns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Archived {
    Public,
    Private,
    JoinedPrivate,
}

/// The archived-thread lists: checks, filters, order and page.
fn archived_list(
    state: &State,
    channel_id: &str,
    query: &HashMap<String, String>,
    which: Archived,
) -> Result<Value, ApiError> {
    let channel_id = snowflake_param("channel_id", channel_id)?;
    let limit = limit_param(
        query.get("limit"),
        ARCHIVED_LIMIT.0,
        ARCHIVED_LIMIT.1,
        ARCHIVED_DEFAULT,
    )?;
    let (before_ms, before_id) = match (which, query.get("before")) {
        (_, None) => (None, None),
        (Archived::JoinedPrivate, Some(raw)) => (None, Some(snowflake_param("before", raw)?)),
        (_, Some(raw)) => (Some(before_timestamp(raw)?), None),
    };
    let store = state.store();
    let kind = if which == Archived::Public {
        visible_channel(&store, channel_id)?.kind
    } else {
        // Private threads need MANAGE_THREADS (the joined list too, in the emulator).
        managed_channel(&store, channel_id)?.1
    };
    if !matches!(kind, 0 | 5 | 15 | 16) {
        return Err(ApiError::InvalidChannelType);
    }
    let bot_id = store.bot_id;
    let mut threads: Vec<(u64, &ChannelState)> = threads_of(&store, channel_id)
        .into_iter()
        .filter(|(_, channel)| archived(&channel.object))
        .filter(|(id, channel)| match which {
            Archived::Public => matches!(channel.kind, ANNOUNCEMENT_THREAD | PUBLIC_THREAD),
            Archived::Private => channel.kind == PRIVATE_THREAD,
            Archived::JoinedPrivate => {
                channel.kind == PRIVATE_THREAD && membership(&store, *id, bot_id).is_some()
            }
        })
        .filter(|(id, channel)| {
            before_ms.is_none_or(|before| archive_ms(&channel.object) < before)
                && before_id.is_none_or(|before| *id < before)
        })
        .collect();
    if which == Archived::JoinedPrivate {
        threads.sort_by_key(|thread| std::cmp::Reverse(thread.0));
    } else {
        threads.sort_by(|a, b| {
            archive_ms(&b.1.object)
                .cmp(&archive_ms(&a.1.object))
                .then(b.0.cmp(&a.0))
        });
    }
    let has_more = threads.len() > limit;
    threads.truncate(limit);
    Ok(answer(&store, &threads, has_more))
}

/// `GET /channels/{channel.id}/threads/archived/public[?before&limit]` → the channel's archived
/// public and announcement threads, newest `archive_timestamp` first: those archived before
/// `before` (ISO-8601), at most `limit` (2–100, default 50). Unknown channel → 404/10003;
/// `emulator_access: "none"` → 403/50001; a channel without threads → 400/50024; bad query
/// values → 400/50035.
pub(in crate::rest) async fn list_public_archived_threads(
    AxumState(state): AxumState<Arc<State>>,
    Path(channel_id): Path<String>,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Json<Value>, ApiError> {
    archived_list(&state, &channel_id, &query, Archived::Public).map(Json)
}

/// `GET /channels/{channel.id}/threads/archived/private[?before&limit]` → the archived private
/// threads, as [`list_public_archived_threads`]; `emulator_access: "read"` (no
/// MANAGE_THREADS) → 403/50013.
pub(in crate::rest) async fn list_private_archived_threads(
    AxumState(state): AxumState<Arc<State>>,
    Path(channel_id): Path<String>,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Json<Value>, ApiError> {
    archived_list(&state, &channel_id, &query, Archived::Private).map(Json)
}

/// `GET /channels/{channel.id}/users/@me/threads/archived/private[?before&limit]` → the
/// archived private threads the bot is a member of, by id descending: ids below `before` (a
/// snowflake), at most `limit` (2–100, default 50). Errors as
/// [`list_private_archived_threads`].
pub(in crate::rest) async fn list_joined_private_archived_threads(
    AxumState(state): AxumState<Arc<State>>,
    Path(channel_id): Path<String>,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Json<Value>, ApiError> {
    archived_list(&state, &channel_id, &query, Archived::JoinedPrivate).map(Json)
}
