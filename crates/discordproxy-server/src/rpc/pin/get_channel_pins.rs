//! `GetChannelPins`: `GET /channels/{channel_id}/messages/pins` with `before` and `limit`.
//! <https://discord.com/developers/docs/resources/message#get-channel-pins>

use crate::discord::{negative_cache::Target, request::pin::limits};
use crate::rpc::{fields::required_id, unreachable::guarded};
use crate::{convert, error::Result, state::ProxyState};
use discordproxy_proto::{GetChannelPinsRequest, GetChannelPinsResponse};
use std::sync::Arc;
use tokio::time::Instant;

/// Handles one call: one REST call. Pins come in Discord's order (newest first); each
/// message's `guild_id` comes from Discord's message or the gateway cache (0 when neither has
/// it).
///
/// # Errors
/// - `INVALID_ARGUMENT`, plain text, no request: `channel_id` 0.
/// - `INVALID_ARGUMENT` with Discord's 400/50035 JSON naming `limit`, no request: `limit`
///   outside 1–50.
/// - Discord's errors by the status table: 404/10003 Unknown Channel (`NOT_FOUND`), 403/50001
///   Missing Access (`PERMISSION_DENIED`), 400/50035 for a `before` that is no timestamp
///   (`INVALID_ARGUMENT`); `UNAVAILABLE` when Discord is unreachable.
pub(crate) async fn handle(
    state: Arc<ProxyState>,
    request: GetChannelPinsRequest,
    deadline: Instant,
) -> Result<GetChannelPinsResponse> {
    let channel_id = required_id(request.channel_id, "channel_id")?;
    tracing::info!(rpc = "GetChannelPins", channel_id, "received request");
    limits::check_pins_page(request.limit)?;
    let before = (!request.before.is_empty()).then_some(request.before.as_str());
    let target = Target::Channel(channel_id);
    let found = guarded(
        &state,
        target,
        state
            .rest
            .channel_pins(channel_id, before, request.limit, deadline),
    )
    .await?;
    let guild_id = state.cache.channel_guild(channel_id).filter(|id| *id != 0);
    let (items, has_more) = convert::pin::from_json(&found.value, guild_id);
    Ok(GetChannelPinsResponse {
        items,
        has_more,
        json: found.text,
    })
}
