//! `CreateReaction`: `PUT /channels/{channel_id}/messages/{message_id}/reactions/{emoji}/@me`.
//! <https://discord.com/developers/docs/resources/message#create-reaction>

use crate::discord::negative_cache::Target;
use crate::rpc::{
    fields::{required_emoji, required_id},
    unreachable::guarded,
};
use crate::{error::Result, state::ProxyState};
use discordproxy_proto::{CreateReactionRequest, CreateReactionResponse};
use std::sync::Arc;
use tokio::time::Instant;

/// Handles one call: one REST call; Discord's 204 becomes the empty response.
///
/// # Errors
/// - `INVALID_ARGUMENT`, plain text, no request: `channel_id` or `message_id` 0, `emoji` empty.
/// - Discord's errors by the status table: 404/10008 Unknown Message and 404/10003 Unknown Channel (`NOT_FOUND`), 400/10014
///   Unknown Emoji and 400/30010 Maximum number of reactions (`INVALID_ARGUMENT`), 403/50013
///   Missing Permissions (`PERMISSION_DENIED`); `UNAVAILABLE` when Discord is
///   unreachable.
pub(crate) async fn handle(
    state: Arc<ProxyState>,
    request: CreateReactionRequest,
    deadline: Instant,
) -> Result<CreateReactionResponse> {
    let channel_id = required_id(request.channel_id, "channel_id")?;
    let message_id = required_id(request.message_id, "message_id")?;
    let emoji = required_emoji(&request.emoji)?;
    tracing::info!(
        rpc = "CreateReaction",
        channel_id,
        message_id,
        "received request"
    );
    let target = Target::Channel(channel_id);
    guarded(
        &state,
        target,
        state.rest.create_reaction(
            channel_id,
            message_id,
            &emoji,
            &request.audit_log_reason,
            deadline,
        ),
    )
    .await?;
    Ok(CreateReactionResponse {})
}
