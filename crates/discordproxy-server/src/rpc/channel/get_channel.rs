//! `GetChannel`: `GET /channels/{channel_id}`.
//! <https://discord.com/developers/docs/resources/channel#get-channel>

use crate::discord::negative_cache::Target;
use crate::rpc::{fields::required_id, unreachable::guarded};
use crate::{convert, error::Result, state::ProxyState};
use discordproxy_proto::{GetChannelRequest, GetChannelResponse};
use std::sync::Arc;
use tokio::time::Instant;

/// Handles one call: one REST call (the gateway cache is not used, so the answer is Discord's
/// current channel with every field).
///
/// # Errors
/// - `INVALID_ARGUMENT`, plain text, no request: `channel_id` 0.
/// - Discord's errors by the status table: 404/10003 Unknown Channel (`NOT_FOUND`), 403/50001
///   Missing Access (`PERMISSION_DENIED`); `UNAVAILABLE` when Discord is unreachable.
pub(crate) async fn handle(
    state: Arc<ProxyState>,
    request: GetChannelRequest,
    deadline: Instant,
) -> Result<GetChannelResponse> {
    let channel_id = required_id(request.channel_id, "channel_id")?;
    tracing::info!(rpc = "GetChannel", channel_id, "received request");
    let target = Target::Channel(channel_id);
    let answer = guarded(
        &state,
        target,
        state.rest.channel_answer(channel_id, deadline),
    )
    .await?;
    Ok(GetChannelResponse {
        channel: Some(convert::channel::from_json(&answer.value)),
        json: answer.text,
    })
}
