//! The members of a thread: `PUT`/`DELETE /channels/{channel.id}/thread-members/@me`
//! ([Join Thread](https://discord.com/developers/docs/resources/channel#join-thread),
//! [Leave Thread](https://discord.com/developers/docs/resources/channel#leave-thread)),
//! `PUT`/`DELETE`/`GET /channels/{channel.id}/thread-members/{user.id}`
//! ([Add](https://discord.com/developers/docs/resources/channel#add-thread-member),
//! [Remove](https://discord.com/developers/docs/resources/channel#remove-thread-member),
//! [Get Thread Member](https://discord.com/developers/docs/resources/channel#get-thread-member))
//! and `GET /channels/{channel.id}/thread-members`
//! ([List Thread Members](https://discord.com/developers/docs/resources/channel#list-thread-members)).
//!
//! Every route first checks the channel: unknown → 404/10003; `emulator_access: "none"` →
//! 403/50001; not a thread → 400/50024. The changes need an active thread (archived →
//! 400/50083) and answer 204; a change that changes nothing (joining twice, removing a user who
//! is not a member) answers 204 without events. Events: THREAD_MEMBERS_UPDATE (`added_members`
//! or `removed_member_ids`); when the bot joins, also THREAD_CREATE (the thread with the bot's
//! `member`) and THREAD_MEMBER_UPDATE before it.

use std::collections::HashMap;
use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, Query, State as AxumState};
use axum::http::StatusCode;
use serde_json::Value;

use super::super::snowflake_param;
use super::{add_member, archived, guild_member, membership, remove_member, thread_member_value};
use crate::error::ApiError;
use crate::fixture::Access;
use crate::state::State;
use crate::store::{ChannelOwner, Store, is_thread};
use crate::timestamp::now_ms;

/// Default and largest `limit` of List Thread Members.
const MEMBERS_LIMIT_MAX: u64 = 100;

/// A thread the bot can see: `(guild_id, access, archived)`.
pub(super) fn visible_thread(
    store: &Store,
    thread_id: u64,
) -> Result<(u64, Access, bool), ApiError> {
    let channel = store
        .channels
        .get(&thread_id)
        .ok_or(ApiError::UnknownChannel)?;
    match channel.owner {
        ChannelOwner::Guild {
            access: Access::None,
            ..
        } => Err(ApiError::MissingAccess),
        ChannelOwner::Guild { guild_id, access } if is_thread(channel.kind) => {
            Ok((guild_id, access, archived(&channel.object)))
        }
        _ => Err(ApiError::InvalidChannelType),
    }
}

/// A thread the bot may change the membership of (active; `need_write`: not `read` access).
fn changeable_thread(store: &Store, thread_id: u64, need_write: bool) -> Result<u64, ApiError> {
    let (guild_id, access, archived) = visible_thread(store, thread_id)?;
    if need_write && access == Access::Read {
        return Err(ApiError::MissingPermissions);
    }
    if archived {
        return Err(ApiError::ThreadArchived);
    }
    Ok(guild_id)
}

/// Parses a boolean query value (`true`/`false`, `1`/`0`, any case), else 400/50035.
pub(super) fn query_bool(name: &str, raw: Option<&String>) -> Result<bool, ApiError> {
    match raw.map(|raw| raw.to_ascii_lowercase()) {
        None => Ok(false),
        Some(raw) if raw == "true" || raw == "1" => Ok(true),
        Some(raw) if raw == "false" || raw == "0" => Ok(false),
        Some(_) => Err(ApiError::form(
            &[name],
            "BASE_TYPE_BOOLEAN",
            "Must be either true or false.",
        )),
    }
}

/// Adds `user_id` and dispatches the events; `Ok` also when already a member.
fn add(state: &State, thread_id: u64, user_id: u64, need_write: bool) -> Result<(), ApiError> {
    let mut store = state.store();
    let guild_id = changeable_thread(&store, thread_id, need_write)?;
    if !store.users.contains_key(&user_id) {
        return Err(ApiError::UnknownUser);
    }
    if guild_member(&store, guild_id, user_id).is_none() {
        return Err(ApiError::UnknownMember);
    }
    if add_member(&mut store, thread_id, user_id, now_ms()) {
        tracing::debug!(thread_id, user_id, "thread member added");
        if user_id == store.bot_id {
            state.gateway.thread_created(&store, thread_id, false);
        }
        state
            .gateway
            .thread_members_added(&store, thread_id, &[user_id]);
    }
    Ok(())
}

/// Removes `user_id` and dispatches the event; `Ok` also when not a member.
fn remove(state: &State, thread_id: u64, user_id: u64, need_write: bool) -> Result<(), ApiError> {
    let mut store = state.store();
    changeable_thread(&store, thread_id, need_write)?;
    if remove_member(&mut store, thread_id, user_id) {
        tracing::debug!(thread_id, user_id, "thread member removed");
        state
            .gateway
            .thread_members_removed(&store, thread_id, &[user_id]);
    }
    Ok(())
}

/// `PUT /channels/{channel.id}/thread-members/@me` → 204; the bot joins the thread.
pub(in crate::rest) async fn join_thread(
    AxumState(state): AxumState<Arc<State>>,
    Path(thread_id): Path<String>,
) -> Result<StatusCode, ApiError> {
    let thread_id = snowflake_param("channel_id", &thread_id)?;
    let bot_id = state.store().bot_id;
    add(&state, thread_id, bot_id, false)?;
    Ok(StatusCode::NO_CONTENT)
}

/// `DELETE /channels/{channel.id}/thread-members/@me` → 204; the bot leaves the thread.
pub(in crate::rest) async fn leave_thread(
    AxumState(state): AxumState<Arc<State>>,
    Path(thread_id): Path<String>,
) -> Result<StatusCode, ApiError> {
    let thread_id = snowflake_param("channel_id", &thread_id)?;
    let bot_id = state.store().bot_id;
    remove(&state, thread_id, bot_id, false)?;
    Ok(StatusCode::NO_CONTENT)
}

/// `PUT /channels/{channel.id}/thread-members/{user.id}` → 204. An `emulator_access: "read"`
/// thread → 403/50013; unknown user → 404/10013; a user who is not a member of the guild →
/// 404/10007.
pub(in crate::rest) async fn add_thread_member(
    AxumState(state): AxumState<Arc<State>>,
    Path((thread_id, user_id)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    let thread_id = snowflake_param("channel_id", &thread_id)?;
    let user_id = snowflake_param("user_id", &user_id)?;
    add(&state, thread_id, user_id, true)?;
    Ok(StatusCode::NO_CONTENT)
}

/// `DELETE /channels/{channel.id}/thread-members/{user.id}` → 204. An
/// `emulator_access: "read"` thread (no MANAGE_THREADS) → 403/50013.
pub(in crate::rest) async fn remove_thread_member(
    AxumState(state): AxumState<Arc<State>>,
    Path((thread_id, user_id)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    let thread_id = snowflake_param("channel_id", &thread_id)?;
    let user_id = snowflake_param("user_id", &user_id)?;
    remove(&state, thread_id, user_id, true)?;
    Ok(StatusCode::NO_CONTENT)
}

/// `GET /channels/{channel.id}/thread-members/{user.id}[?with_member=true]` → the thread
/// member (with the guild `member` when asked); not a member → 404/10007 Unknown Member.
/// Archived threads answer too.
pub(in crate::rest) async fn get_thread_member(
    AxumState(state): AxumState<Arc<State>>,
    Path((thread_id, user_id)): Path<(String, String)>,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Json<Value>, ApiError> {
    let thread_id = snowflake_param("channel_id", &thread_id)?;
    let user_id = snowflake_param("user_id", &user_id)?;
    let with_member = query_bool("with_member", query.get("with_member"))?;
    let store = state.store();
    let (guild_id, _, _) = visible_thread(&store, thread_id)?;
    let member = membership(&store, thread_id, user_id).ok_or(ApiError::UnknownMember)?;
    Ok(Json(thread_member_value(
        &store,
        thread_id,
        guild_id,
        &member,
        with_member,
    )))
}

/// `GET /channels/{channel.id}/thread-members[?with_member&after&limit]` → the thread's
/// members by user id ascending: those after user `after`, at most `limit` (1–100, default
/// 100), each with the guild `member` when `with_member=true`. Bad query values → 400/50035.
pub(in crate::rest) async fn list_thread_members(
    AxumState(state): AxumState<Arc<State>>,
    Path(thread_id): Path<String>,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Json<Value>, ApiError> {
    let thread_id = snowflake_param("channel_id", &thread_id)?;
    let with_member = query_bool("with_member", query.get("with_member"))?;
    let after = query
        .get("after")
        .map(|raw| snowflake_param("after", raw))
        .transpose()?
        .unwrap_or(0);
    let limit =
        super::list::limit_param(query.get("limit"), 1, MEMBERS_LIMIT_MAX, MEMBERS_LIMIT_MAX)?;
    let store = state.store();
    let (guild_id, _, _) = visible_thread(&store, thread_id)?;
    let mut members: Vec<_> = store
        .thread_members
        .get(&thread_id)
        .into_iter()
        .flatten()
        .filter(|member| member.user_id > after)
        .copied()
        .collect();
    members.sort_by_key(|member| member.user_id);
    let list = members
        .iter()
        .take(limit)
        .map(|member| thread_member_value(&store, thread_id, guild_id, member, with_member))
        .collect();
    Ok(Json(Value::Array(list)))
}
