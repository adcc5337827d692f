//! `DELETE /channels/{channel.id}/messages/{message.id}/reactions/{emoji}/@me` and
//! `…/reactions/{emoji}/{user.id}`
//! ([docs](https://discord.com/developers/docs/resources/message#delete-own-reaction)).

use std::sync::Arc;

use axum::extract::{Path, State as AxumState};
use axum::http::StatusCode;

use super::super::{may_manage_messages, message_path};
use super::{locate, message_mut};
use crate::error::ApiError;
use crate::gateway::ReactionChange;
use crate::rest::snowflake_param;
use crate::state::State;

/// Removes `user_id`'s reaction and sends MESSAGE_REACTION_REMOVE; 204 also when there was
/// none (then without an event). Another user's reaction needs MANAGE_MESSAGES: 403/50003 in
/// a DM, 403/50013 in an `emulator_access: "read"` channel.
fn remove(
    state: &State,
    channel_id: u64,
    message_id: u64,
    emoji: &str,
    user_id: Option<u64>,
) -> Result<StatusCode, ApiError> {
    let mut store = state.store();
    let bot_id = store.bot_id;
    let (message, emoji) = locate(&store, channel_id, message_id, Some(emoji))?;
    let emoji = emoji.ok_or(ApiError::UnknownEmoji)?;
    let user_id = user_id.unwrap_or(bot_id);
    if user_id != bot_id {
        may_manage_messages(&store.channels[&channel_id])?;
    }
    let message_author_id = message.author_id();
    let message = message_mut(&mut store, channel_id, message_id)?;
    let Some(kind) = message.reactions.remove(&emoji.key, user_id) else {
        return Ok(StatusCode::NO_CONTENT);
    };
    message.sync_reactions(bot_id);
    tracing::debug!(channel_id, message_id, user_id, "reaction removed");
    let change = ReactionChange {
        channel_id,
        message_id,
        user_id,
        emoji: &emoji,
        kind,
        message_author_id,
    };
    state.gateway.reaction_removed(&store, &change);
    Ok(StatusCode::NO_CONTENT)
}

/// `DELETE /channels/{channel.id}/messages/{message.id}/reactions/{emoji}/@me` → 204.
pub(in crate::rest) async fn delete_own_reaction(
    AxumState(state): AxumState<Arc<State>>,
    Path((channel_id, message_id, emoji)): Path<(String, String, String)>,
) -> Result<StatusCode, ApiError> {
    let (channel_id, message_id) = message_path((channel_id, message_id))?;
    remove(&state, channel_id, message_id, &emoji, None)
}

/// `DELETE /channels/{channel.id}/messages/{message.id}/reactions/{emoji}/{user.id}` → 204
/// (a malformed user id → 400/50035 at `user_id`).
pub(in crate::rest) async fn delete_user_reaction(
    AxumState(state): AxumState<Arc<State>>,
    Path((channel_id, message_id, emoji, user_id)): Path<(String, String, String, String)>,
) -> Result<StatusCode, ApiError> {
    let (channel_id, message_id) = message_path((channel_id, message_id))?;
    let user_id = snowflake_param("user_id", &user_id)?;
    remove(&state, channel_id, message_id, &emoji, Some(user_id))
}
