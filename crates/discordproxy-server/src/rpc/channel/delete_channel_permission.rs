//! `DeleteChannelPermission`: `DELETE /channels/{channel_id}/permissions/{overwrite_id}`.
//! <https://discord.com/developers/docs/resources/channel#delete-channel-permission>

use crate::discord::negative_cache::Target;
use crate::rpc::{fields::required_id, unreachable::guarded};
use crate::{error::Result, state::ProxyState};
use discordproxy_proto::{DeleteChannelPermissionRequest, DeleteChannelPermissionResponse};
use std::sync::Arc;
use tokio::time::Instant;

/// Handles one call: one REST call; Discord's 204 becomes the empty response.
///
/// # Errors
/// - `INVALID_ARGUMENT`, plain text, no request: `channel_id` or `overwrite_id` 0.
/// - Discord's errors by the status table: 404/10009 Unknown Overwrite and 404/10003 Unknown
///   Channel (`NOT_FOUND`), 403/50001 Missing Access and 403/50013 Missing Permissions
///   (`PERMISSION_DENIED`); `UNAVAILABLE` when Discord is unreachable.
pub(crate) async fn handle(
    state: Arc<ProxyState>,
    request: DeleteChannelPermissionRequest,
    deadline: Instant,
) -> Result<DeleteChannelPermissionResponse> {
    let channel_id = required_id(request.channel_id, "channel_id")?;
    let overwrite_id = required_id(request.overwrite_id, "overwrite_id")?;
    tracing::info!(
        rpc = "DeleteChannelPermission",
        channel_id,
        overwrite_id,
        "received request"
    );
    let target = Target::Channel(channel_id);
    guarded(
        &state,
        target,
        state.rest.delete_channel_permission(
            channel_id,
            overwrite_id,
            &request.audit_log_reason,
            deadline,
        ),
    )
    .await?;
    Ok(DeleteChannelPermissionResponse {})
}
