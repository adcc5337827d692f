//! `DeleteChannel`: `DELETE /channels/{channel_id}`; Discord answers the deleted channel.
//! <https://discord.com/developers/docs/resources/channel#deleteclose-channel>

use crate::discord::negative_cache::Target;
use crate::rpc::{fields::required_id, unreachable::guarded};
use crate::{convert, error::Result, state::ProxyState};
use discordproxy_proto::{DeleteChannelRequest, DeleteChannelResponse};
use std::sync::Arc;
use tokio::time::Instant;

/// Handles one call: one REST call. A DM channel is closed (Discord answers it too).
///
/// # Errors
/// - `INVALID_ARGUMENT`, plain text, no request: `channel_id` 0.
/// - Discord's errors by the status table: 404/10003 Unknown Channel (also for a channel
///   already deleted; `NOT_FOUND`), 403/50001 Missing Access and 403/50013 Missing
///   Permissions (`PERMISSION_DENIED`); `UNAVAILABLE` when Discord is unreachable.
pub(crate) async fn handle(
    state: Arc<ProxyState>,
    request: DeleteChannelRequest,
    deadline: Instant,
) -> Result<DeleteChannelResponse> {
    let channel_id = required_id(request.channel_id, "channel_id")?;
    tracing::info!(rpc = "DeleteChannel", channel_id, "received request");
    let target = Target::Channel(channel_id);
    let answer = guarded(
        &state,
        target,
        state
            .rest
            .delete_channel(channel_id, &request.audit_log_reason, deadline),
    )
    .await?;
    Ok(DeleteChannelResponse {
        channel: Some(convert::channel::from_json(&answer.value)),
        json: answer.text,
    })
}
