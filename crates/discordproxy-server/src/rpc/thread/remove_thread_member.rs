//! `RemoveThreadMember`: `DELETE /channels/{channel_id}/thread-members/{user_id}`.
//! <https://discord.com/developers/docs/resources/channel#remove-thread-member>

use crate::discord::negative_cache::Target;
use crate::rpc::{fields::required_id, unreachable::guarded};
use crate::{error::Result, state::ProxyState};
use discordproxy_proto::{RemoveThreadMemberRequest, RemoveThreadMemberResponse};
use std::sync::Arc;
use tokio::time::Instant;

/// Handles one call: one REST call (removes the user); Discord's 204 becomes the empty response.
/// Retried after 5xx and network failures (a repeat changes nothing more).
///
/// # Errors
/// - `INVALID_ARGUMENT`, plain text, no request: `channel_id` or `user_id` 0.
/// - Discord's errors by the status table: 404/10003 Unknown Channel (`NOT_FOUND`), 403/50001
///   Missing Access (`PERMISSION_DENIED`), 404/10013 Unknown User and 404/10007 Unknown Member (`NOT_FOUND`), 403/50013 Missing
///   Permissions (`PERMISSION_DENIED`), 400/50083 the thread is archived and
///   400/50024 not a thread (`INVALID_ARGUMENT`); `UNAVAILABLE` when Discord is unreachable.
pub(crate) async fn handle(
    state: Arc<ProxyState>,
    request: RemoveThreadMemberRequest,
    deadline: Instant,
) -> Result<RemoveThreadMemberResponse> {
    let channel_id = required_id(request.channel_id, "channel_id")?;
    let user_id = required_id(request.user_id, "user_id")?;
    tracing::info!(
        rpc = "RemoveThreadMember",
        channel_id,
        user_id,
        "received request"
    );
    guarded(
        &state,
        Target::Channel(channel_id),
        state
            .rest
            .remove_thread_member(channel_id, user_id, &request.audit_log_reason, deadline),
    )
    .await?;
    Ok(RemoveThreadMemberResponse {})
}
