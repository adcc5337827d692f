//! `DeleteAllReactions`: `DELETE /channels/{channel_id}/messages/{message_id}/reactions`.
//! <https://discord.com/developers/docs/resources/message#delete-all-reactions>

use crate::discord::negative_cache::Target;
use crate::rpc::{fields::required_id, unreachable::guarded};
use crate::{error::Result, state::ProxyState};
use discordproxy_proto::{DeleteAllReactionsRequest, DeleteAllReactionsResponse};
use std::sync::Arc;
use tokio::time::Instant;

/// Handles one call: one REST call; Discord's 204 becomes the empty response.
///
/// # Errors
/// - `INVALID_ARGUMENT`, plain text, no request: `channel_id` or `message_id` 0.
/// - Discord's errors by the status table: 404/10008 Unknown Message and 404/10003 Unknown Channel (`NOT_FOUND`), 403/50013 Missing
///   Permissions and 403/50003 in a DM (`PERMISSION_DENIED`); `UNAVAILABLE` when Discord is
///   unreachable.
pub(crate) async fn handle(
    state: Arc<ProxyState>,
    request: DeleteAllReactionsRequest,
    deadline: Instant,
) -> Result<DeleteAllReactionsResponse> {
    let channel_id = required_id(request.channel_id, "channel_id")?;
    let message_id = required_id(request.message_id, "message_id")?;
    tracing::info!(
        rpc = "DeleteAllReactions",
        channel_id,
        message_id,
        "received request"
    );
    let target = Target::Channel(channel_id);
    guarded(
        &state,
        target,
        state.rest.delete_all_reactions(
            channel_id,
            message_id,
            &request.audit_log_reason,
            deadline,
        ),
    )
    .await?;
    Ok(DeleteAllReactionsResponse {})
}
