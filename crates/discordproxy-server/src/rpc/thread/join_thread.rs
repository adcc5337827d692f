//! `JoinThread`: `PUT /channels/{channel_id}/thread-members/@me`.
//! <https://discord.com/developers/docs/resources/channel#join-thread>

use crate::discord::negative_cache::Target;
use crate::rpc::{fields::required_id, unreachable::guarded};
use crate::{error::Result, state::ProxyState};
use discordproxy_proto::{JoinThreadRequest, JoinThreadResponse};
use std::sync::Arc;
use tokio::time::Instant;

/// Handles one call: one REST call (the bot joins the thread); Discord's 204 becomes the empty response.
/// Retried after 5xx and network failures (a repeat changes nothing more).
///
/// # Errors
/// - `INVALID_ARGUMENT`, plain text, no request: `channel_id` 0.
/// - Discord's errors by the status table: 404/10003 Unknown Channel (`NOT_FOUND`), 403/50001
///   Missing Access (`PERMISSION_DENIED`), 400/50083 the thread is archived and
///   400/50024 not a thread (`INVALID_ARGUMENT`); `UNAVAILABLE` when Discord is unreachable.
pub(crate) async fn handle(
    state: Arc<ProxyState>,
    request: JoinThreadRequest,
    deadline: Instant,
) -> Result<JoinThreadResponse> {
    let channel_id = required_id(request.channel_id, "channel_id")?;

    tracing::info!(rpc = "JoinThread", channel_id, "received request");
    guarded(
        &state,
        Target::Channel(channel_id),
        state
            .rest
            .join_thread(channel_id, &request.audit_log_reason, deadline),
    )
    .await?;
    Ok(JoinThreadResponse {})
}
