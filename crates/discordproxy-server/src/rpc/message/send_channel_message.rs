//! `SendChannelMessage`: `GET /channels/{id}` (existence, access, guild id), then
//! `POST /channels/{id}/messages`.
//! <https://discord.com/developers/docs/resources/message#create-message>

use crate::discord::{negative_cache::Target, request::message::limits};
use crate::rpc::{
    fields::required_id,
    unreachable::{check_unreachable, remember_unreachable},
};
use crate::{convert, error::Result, state::ProxyState};
use discordproxy_proto::{SendChannelMessageRequest, SendChannelMessageResponse};
use std::sync::Arc;
use tokio::time::Instant;

/// Handles one call. A channel Discord recently answered 404/10003 or 403/50001 for gets the
/// same answer at once, without a request (`--negative-cache-ttl`).
///
/// # Errors
/// `INVALID_ARGUMENT` for a body over Discord's limits (400/50035 JSON details as Discord
/// would answer, without a request) and for `channel_id` 0; Discord's errors by the status table (e.g. 404/10003
/// Unknown Channel, 403/50001, 403/50013, 400/50035); `UNAVAILABLE` when Discord is unreachable.
pub(crate) async fn handle(
    state: Arc<ProxyState>,
    request: SendChannelMessageRequest,
    deadline: Instant,
) -> Result<SendChannelMessageResponse> {
    let channel_id = required_id(request.channel_id, "channel_id")?;
    tracing::info!(rpc = "SendChannelMessage", channel_id, "received request");
    tracing::debug!(content = %request.content, embed = ?request.embed, "request content");
    let body = convert::message_body::create_message(&request.content, request.embed.as_ref());
    limits::check_create_message(&body)?;
    let target = Target::Channel(channel_id);
    check_unreachable(&state, target)?;
    let channel = remember_unreachable(
        &state,
        target,
        state.rest.channel(channel_id, deadline).await,
    )?;
    let created = remember_unreachable(
        &state,
        target,
        state.rest.create_message(channel_id, &body, deadline).await,
    )?;
    let guild_id = channel
        .get("guild_id")
        .and_then(convert::json::snowflake)
        .filter(|id| *id != 0);
    Ok(SendChannelMessageResponse {
        message: Some(convert::message::from_json(&created, guild_id)),
    })
}
