//! `GetChannelMessages`: `GET /channels/{channel_id}/messages` with `around`, `before` or
//! `after` and `limit`.
//! <https://discord.com/developers/docs/resources/message#get-channel-messages>

use crate::discord::{
    negative_cache::Target,
    request::message::{get_channel_messages::MessagePage, limits},
};
use crate::rpc::{
    fields::{at_most_one, optional_id, required_id},
    unreachable::guarded,
};
use crate::{convert, error::Result, state::ProxyState};
use discordproxy_proto::{GetChannelMessagesRequest, GetChannelMessagesResponse};
use std::sync::Arc;
use tokio::time::Instant;

/// Handles one call: one REST call. Messages come in Discord's order (newest first); each
/// `guild_id` comes from Discord's message or the gateway cache (0 when neither has it).
///
/// # Errors
/// - `INVALID_ARGUMENT`, plain text, no request: `channel_id` 0; more than one of `around`,
///   `before` and `after`.
/// - `INVALID_ARGUMENT` with Discord's 400/50035 JSON naming `limit`, no request: `limit`
///   outside 1–100.
/// - Discord's errors by the status table: 404/10003 Unknown Channel (`NOT_FOUND`), 403/50001
///   Missing Access (`PERMISSION_DENIED`); `UNAVAILABLE` when Discord is unreachable.
pub(crate) async fn handle(
    state: Arc<ProxyState>,
    request: GetChannelMessagesRequest,
    deadline: Instant,
) -> Result<GetChannelMessagesResponse> {
    let channel_id = required_id(request.channel_id, "channel_id")?;
    tracing::info!(rpc = "GetChannelMessages", channel_id, "received request");
    at_most_one(&[
        ("around", request.around),
        ("before", request.before),
        ("after", request.after),
    ])?;
    limits::check_message_page(request.limit)?;
    let page = MessagePage {
        around: optional_id(request.around),
        before: optional_id(request.before),
        after: optional_id(request.after),
        limit: request.limit,
    };
    let target = Target::Channel(channel_id);
    let found = guarded(
        &state,
        target,
        state.rest.channel_messages(channel_id, page, deadline),
    )
    .await?;
    let guild_id = state.cache.channel_guild(channel_id).filter(|id| *id != 0);
    let messages = found
        .value
        .as_array()
        .into_iter()
        .flatten()
        .map(|message| convert::message::from_json(message, guild_id))
        .collect();
    Ok(GetChannelMessagesResponse {
        messages,
        json: found.text,
    })
}
