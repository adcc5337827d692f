//! `TriggerTypingIndicator`: `POST /channels/{channel_id}/typing`.
//! <https://discord.com/developers/docs/resources/channel#trigger-typing-indicator>

use crate::discord::negative_cache::Target;
use crate::rpc::{fields::required_id, unreachable::guarded};
use crate::{error::Result, state::ProxyState};
use discordproxy_proto::{TriggerTypingIndicatorRequest, TriggerTypingIndicatorResponse};
use std::sync::Arc;
use tokio::time::Instant;

/// Handles one call: one REST call; Discord's 204 becomes the empty response. Discord shows
/// the indicator for about 10 seconds or until the bot sends a message.
///
/// # Errors
/// - `INVALID_ARGUMENT`, plain text, no request: `channel_id` 0.
/// - Discord's errors by the status table: 404/10003 Unknown Channel (`NOT_FOUND`), 403/50001
///   Missing Access and 403/50013 Missing Permissions (`PERMISSION_DENIED`); `UNAVAILABLE`
///   when Discord is unreachable.
pub(crate) async fn handle(
    state: Arc<ProxyState>,
    request: TriggerTypingIndicatorRequest,
    deadline: Instant,
) -> Result<TriggerTypingIndicatorResponse> {
    let channel_id = required_id(request.channel_id, "channel_id")?;
    tracing::info!(
        rpc = "TriggerTypingIndicator",
        channel_id,
        "received request"
    );
    let target = Target::Channel(channel_id);
    guarded(
        &state,
        target,
        state.rest.trigger_typing(channel_id, deadline),
    )
    .await?;
    Ok(TriggerTypingIndicatorResponse {})
}
