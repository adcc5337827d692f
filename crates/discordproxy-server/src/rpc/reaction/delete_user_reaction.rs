//! `DeleteUserReaction`: `DELETE /channels/{channel_id}/messages/{message_id}/reactions/{emoji}/{user_id}`.
//! <https://discord.com/developers/docs/resources/message#delete-user-reaction>

use crate::discord::negative_cache::Target;
use crate::rpc::{
    fields::{required_emoji, required_id},
    unreachable::guarded,
};
use crate::{error::Result, state::ProxyState};
use discordproxy_proto::{DeleteUserReactionRequest, DeleteUserReactionResponse};
use std::sync::Arc;
use tokio::time::Instant;

/// Handles one call: one REST call; Discord's 204 becomes the empty response.
///
/// # Errors
/// - `INVALID_ARGUMENT`, plain text, no request: `channel_id`, `message_id` or `user_id` 0, `emoji` empty.
/// - Discord's errors by the status table: 404/10008 Unknown Message and 404/10003 Unknown Channel (`NOT_FOUND`), 400/10014
///   Unknown Emoji (`INVALID_ARGUMENT`), 403/50013 Missing Permissions and 403/50003 in a DM
///   (`PERMISSION_DENIED`); `UNAVAILABLE` when Discord is
///   unreachable.
pub(crate) async fn handle(
    state: Arc<ProxyState>,
    request: DeleteUserReactionRequest,
    deadline: Instant,
) -> Result<DeleteUserReactionResponse> {
    let channel_id = required_id(request.channel_id, "channel_id")?;
    let message_id = required_id(request.message_id, "message_id")?;
    let user_id = required_id(request.user_id, "user_id")?;
    let emoji = required_emoji(&request.emoji)?;
    tracing::info!(
        rpc = "DeleteUserReaction",
        channel_id,
        message_id,
        user_id,
        "received request"
    );
    let target = Target::Channel(channel_id);
    guarded(
        &state,
        target,
        state.rest.delete_user_reaction(
            channel_id,
            message_id,
            &emoji,
            user_id,
            &request.audit_log_reason,
            deadline,
        ),
    )
    .await?;
    Ok(DeleteUserReactionResponse {})
}
