//! `DeleteOwnReaction`: `DELETE /channels/{channel_id}/messages/{message_id}/reactions/{emoji}/@me`.
//! <https://discord.com/developers/docs/resources/message#delete-own-reaction>

use crate::discord::negative_cache::Target;
use crate::rpc::{
    fields::{required_emoji, required_id},
    unreachable::guarded,
};
use crate::{error::Result, state::ProxyState};
use discordproxy_proto::{DeleteOwnReactionRequest, DeleteOwnReactionResponse};
use std::sync::Arc;
use tokio::time::Instant;

/// Handles one call: one REST call; Discord's 204 becomes the empty response.
///
/// # Errors
/// - `INVALID_ARGUMENT`, plain text, no request: `channel_id` or `message_id` 0, `emoji` empty.
/// - Discord's errors by the status table: 404/10008 Unknown Message and 404/10003 Unknown Channel (`NOT_FOUND`), 400/10014
///   Unknown Emoji (`INVALID_ARGUMENT`); `UNAVAILABLE` when Discord is
///   unreachable.
pub(crate) async fn handle(
    state: Arc<ProxyState>,
    request: DeleteOwnReactionRequest,
    deadline: Instant,
) -> Result<DeleteOwnReactionResponse> {
    let channel_id = required_id(request.channel_id, "channel_id")?;
    let message_id = required_id(request.message_id, "message_id")?;
    let emoji = required_emoji(&request.emoji)?;
    tracing::info!(
        rpc = "DeleteOwnReaction",
        channel_id,
        message_id,
        "received request"
    );
    let target = Target::Channel(channel_id);
    guarded(
        &state,
        target,
        state.rest.delete_own_reaction(
            channel_id,
            message_id,
            &emoji,
            &request.audit_log_reason,
            deadline,
        ),
    )
    .await?;
    Ok(DeleteOwnReactionResponse {})
}
