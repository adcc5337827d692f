//! `SendChannelMessage`: `GET /channels/{id}` (existence, access, guild id), then
//! `POST /channels/{id}/messages`.
//! <https://discord.com/developers/docs/resources/message#create-message>

use super::required_id;
use crate::{app::AppState, convert, error::Result};
use discordproxy_proto::{SendChannelMessageRequest, SendChannelMessageResponse};
use std::sync::Arc;

/// Handles one call.
///
/// # Errors
/// `INVALID_ARGUMENT` for `channel_id` 0; Discord's errors by the status table (e.g. 404/10003
/// Unknown Channel, 403/50001, 403/50013, 400/50035); `UNAVAILABLE` when Discord is unreachable.
pub async fn handle(
    state: Arc<AppState>,
    request: SendChannelMessageRequest,
) -> Result<SendChannelMessageResponse> {
    let channel_id = required_id(request.channel_id, "channel_id")?;
    tracing::info!(rpc = "SendChannelMessage", channel_id, "received request");
    tracing::debug!(content = %request.content, embed = ?request.embed, "request content");
    let body = convert::message_body::create_message(&request.content, request.embed.as_ref());
    let channel = state.rest.channel(channel_id).await?;
    let created = state.rest.create_message(channel_id, &body).await?;
    let guild_id = channel.guild_id.map(|id| id.get());
    Ok(SendChannelMessageResponse {
        message: Some(convert::message::from_json(&created, guild_id)),
    })
}
