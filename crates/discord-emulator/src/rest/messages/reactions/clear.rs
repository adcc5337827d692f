//! `DELETE /channels/{channel.id}/messages/{message.id}/reactions` and
//! `DELETE …/reactions/{emoji}`
//! ([docs](https://discord.com/developers/docs/resources/message#delete-all-reactions)).

use std::sync::Arc;

use axum::extract::{Path, State as AxumState};
use axum::http::StatusCode;

use super::super::{may_manage_messages, message_path};
use super::{locate, message_mut};
use crate::error::ApiError;
use crate::state::State;

/// Removes every reaction (`emoji` `None`) or those with one emoji; sends
/// MESSAGE_REACTION_REMOVE_ALL or MESSAGE_REACTION_REMOVE_EMOJI when there were some. Needs
/// MANAGE_MESSAGES: 403/50003 in a DM, 403/50013 in an `emulator_access: "read"` channel.
fn clear(
    state: &State,
    channel_id: u64,
    message_id: u64,
    emoji: Option<&str>,
) -> Result<StatusCode, ApiError> {
    let mut store = state.store();
    let bot_id = store.bot_id;
    let (_, emoji) = locate(&store, channel_id, message_id, emoji)?;
    may_manage_messages(&store.channels[&channel_id])?;
    let message = message_mut(&mut store, channel_id, message_id)?;
    let removed = match &emoji {
        Some(emoji) => message.reactions.remove_emoji(&emoji.key),
        None => message.reactions.clear(),
    };
    if !removed {
        return Ok(StatusCode::NO_CONTENT);
    }
    message.sync_reactions(bot_id);
    tracing::debug!(channel_id, message_id, "reactions removed");
    match &emoji {
        Some(emoji) => {
            state
                .gateway
                .reaction_emoji_removed(&store, channel_id, message_id, emoji);
        }
        None => state
            .gateway
            .reactions_cleared(&store, channel_id, message_id),
    }
    Ok(StatusCode::NO_CONTENT)
}

/// `DELETE /channels/{channel.id}/messages/{message.id}/reactions` → 204.
pub(in crate::rest) async fn delete_all_reactions(
    AxumState(state): AxumState<Arc<State>>,
    Path(path): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    let (channel_id, message_id) = message_path(path)?;
    clear(&state, channel_id, message_id, None)
}

/// `DELETE /channels/{channel.id}/messages/{message.id}/reactions/{emoji}` → 204.
pub(in crate::rest) async fn delete_emoji_reactions(
    AxumState(state): AxumState<Arc<State>>,
    Path((channel_id, message_id, emoji)): Path<(String, String, String)>,
) -> Result<StatusCode, ApiError> {
    let (channel_id, message_id) = message_path((channel_id, message_id))?;
    clear(&state, channel_id, message_id, Some(&emoji))
}
