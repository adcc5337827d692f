//! `CrosspostMessage`: `POST /channels/{channel_id}/messages/{message_id}/crosspost`.
//! <https://discord.com/developers/docs/resources/message#crosspost-message>

use crate::discord::negative_cache::Target;
use crate::rpc::{fields::required_id, unreachable::guarded};
use crate::{convert, error::Result, state::ProxyState};
use discordproxy_proto::{CrosspostMessageRequest, CrosspostMessageResponse};
use std::sync::Arc;
use tokio::time::Instant;

/// Handles one call: one REST call. The answer's `guild_id` comes from Discord's message or
/// the gateway cache (0 when neither has it).
///
/// # Errors
/// - `INVALID_ARGUMENT`, plain text, no request: `channel_id` or `message_id` 0.
/// - Discord's errors by the status table: 404/10008 Unknown Message and 404/10003 Unknown
///   Channel (`NOT_FOUND`), 400/40033 This message has already been crossposted and
///   400/50068 Invalid message type, e.g. not in an announcement channel
///   (`INVALID_ARGUMENT`), 403/50013 and 403/50001 (`PERMISSION_DENIED`); `UNAVAILABLE` when
///   Discord is unreachable.
pub(crate) async fn handle(
    state: Arc<ProxyState>,
    request: CrosspostMessageRequest,
    deadline: Instant,
) -> Result<CrosspostMessageResponse> {
    let channel_id = required_id(request.channel_id, "channel_id")?;
    let message_id = required_id(request.message_id, "message_id")?;
    tracing::info!(
        rpc = "CrosspostMessage",
        channel_id,
        message_id,
        "received request"
    );
    let target = Target::Channel(channel_id);
    let posted = guarded(
        &state,
        target,
        state
            .rest
            .crosspost_message(channel_id, message_id, &request.audit_log_reason, deadline),
    )
    .await?;
    let guild_id = state.cache.channel_guild(channel_id).filter(|id| *id != 0);
    Ok(CrosspostMessageResponse {
        message: Some(convert::message::from_json(&posted.value, guild_id)),
        json: posted.text,
    })
}
