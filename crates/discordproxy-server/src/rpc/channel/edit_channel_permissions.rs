//! `EditChannelPermissions`: `PUT /channels/{channel_id}/permissions/{overwrite_id}`.
//! <https://discord.com/developers/docs/resources/channel#edit-channel-permissions>

use crate::discord::negative_cache::Target;
use crate::rpc::{fields::required_id, unreachable::guarded};
use crate::{convert, error::Result, state::ProxyState};
use discordproxy_proto::{EditChannelPermissionsRequest, EditChannelPermissionsResponse};
use std::sync::Arc;
use tokio::time::Instant;

/// Handles one call: one REST call with `{"type", "allow", "deny"}` (bit sets as integers);
/// Discord's 204 becomes the empty response.
///
/// # Errors
/// - `INVALID_ARGUMENT`, plain text, no request: `channel_id` or `overwrite_id` 0, a `type`
///   other than 0 and 1, an `allow` or `deny` that is no decimal number.
/// - Discord's errors by the status table: 404/10003 Unknown Channel (`NOT_FOUND`), 403/50001
///   Missing Access and 403/50013 Missing Permissions (`PERMISSION_DENIED`), 400/50035
///   (`INVALID_ARGUMENT`); `UNAVAILABLE` when Discord is unreachable.
pub(crate) async fn handle(
    state: Arc<ProxyState>,
    request: EditChannelPermissionsRequest,
    deadline: Instant,
) -> Result<EditChannelPermissionsResponse> {
    let channel_id = required_id(request.channel_id, "channel_id")?;
    let overwrite_id = required_id(request.overwrite_id, "overwrite_id")?;
    tracing::info!(
        rpc = "EditChannelPermissions",
        channel_id,
        overwrite_id,
        "received request"
    );
    let body =
        convert::channel_body::edit_permissions(request.r#type, &request.allow, &request.deny)?;
    let target = Target::Channel(channel_id);
    guarded(
        &state,
        target,
        state.rest.edit_channel_permissions(
            channel_id,
            overwrite_id,
            &body,
            &request.audit_log_reason,
            deadline,
        ),
    )
    .await?;
    Ok(EditChannelPermissionsResponse {})
}
