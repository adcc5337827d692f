//! `GetChannelMessage`: `GET /channels/{channel_id}/messages/{message_id}`.
//! <https://discord.com/developers/docs/resources/message#get-channel-message>

use crate::discord::negative_cache::Target;
use crate::rpc::{fields::required_id, unreachable::guarded};
use crate::{convert, error::Result, state::ProxyState};
use discordproxy_proto::{GetChannelMessageRequest, GetChannelMessageResponse};
use std::sync::Arc;
use tokio::time::Instant;

/// Handles one call: one REST call. The answer's `guild_id` comes from Discord's message or
/// the gateway cache (0 when neither has it).
///
/// # Errors
/// - `INVALID_ARGUMENT`, plain text, no request: `channel_id` or `message_id` 0.
/// - Discord's errors by the status table: 404/10008 Unknown Message and 404/10003 Unknown
///   Channel (`NOT_FOUND`), 403/50001 Missing Access and 403/50013 (`PERMISSION_DENIED`);
///   `UNAVAILABLE` when Discord is unreachable.
pub(crate) async fn handle(
    state: Arc<ProxyState>,
    request: GetChannelMessageRequest,
    deadline: Instant,
) -> Result<GetChannelMessageResponse> {
    let channel_id = required_id(request.channel_id, "channel_id")?;
    let message_id = required_id(request.message_id, "message_id")?;
    tracing::info!(
        rpc = "GetChannelMessage",
        channel_id,
        message_id,
        "received request"
    );
    let target = Target::Channel(channel_id);
    let found = guarded(
        &state,
        target,
        state.rest.channel_message(channel_id, message_id, deadline),
    )
    .await?;
    let guild_id = state.cache.channel_guild(channel_id).filter(|id| *id != 0);
    Ok(GetChannelMessageResponse {
        message: Some(convert::message::from_json(&found.value, guild_id)),
        json: found.text,
    })
}
