//! `DELETE /channels/{channel.id}/messages/{message.id}`
//! ([docs](https://discord.com/developers/docs/resources/message#delete-message)).

use std::sync::Arc;

use axum::extract::{Path, State as AxumState};
use axum::http::StatusCode;

use super::super::channels::visible_channel;
use super::{find_message, may_manage_messages, message_path};
use crate::error::ApiError;
use crate::state::State;

/// `DELETE /channels/{channel.id}/messages/{message.id}` → 204 with an empty body, and
/// MESSAGE_DELETE on the gateway. From then on the id answers 404/10008, and replies to the
/// message show `referenced_message: null`.
///
/// Unknown channel → 404/10003; `emulator_access: "none"` → 403/50001; unknown message →
/// 404/10008; another user's message in a DM → 403/50003, in an `emulator_access: "read"`
/// channel → 403/50013 (the bot's own messages can always be deleted).
pub(in crate::rest) async fn delete_message(
    AxumState(state): AxumState<Arc<State>>,
    Path(path): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    let (channel_id, message_id) = message_path(path)?;
    let mut store = state.store();
    let channel = visible_channel(&store, channel_id)?;
    let message = find_message(channel, message_id)?;
    if message.author_id() != Some(store.bot_id) {
        may_manage_messages(channel)?;
    }
    if let Some(channel) = store.channels.get_mut(&channel_id) {
        channel.remove_message(message_id);
    }
    tracing::debug!(channel_id, message_id, "message deleted");
    state
        .gateway
        .message_deleted(&store, channel_id, message_id);
    Ok(StatusCode::NO_CONTENT)
}
