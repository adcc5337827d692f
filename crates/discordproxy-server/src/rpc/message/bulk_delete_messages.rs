//! `BulkDeleteMessages`: `POST /channels/{channel_id}/messages/bulk-delete`.
//! <https://discord.com/developers/docs/resources/message#bulk-delete-messages>

use crate::discord::{negative_cache::Target, request::message::limits};
use crate::rpc::{
    fields::{required_id, required_ids},
    unreachable::guarded,
};
use crate::{error::Result, state::ProxyState};
use discordproxy_proto::{BulkDeleteMessagesRequest, BulkDeleteMessagesResponse};
use std::sync::Arc;
use tokio::time::Instant;

/// Handles one call: one REST call; Discord's 204 becomes the empty response.
///
/// # Errors
/// - `INVALID_ARGUMENT`, plain text, no request: `channel_id` 0; an id of 0 in `messages`
///   (naming `messages[i]`).
/// - `INVALID_ARGUMENT` with Discord's JSON, no request: fewer than 2 or more than 100 ids
///   (400/50035 on `messages`), a repeated id (400/50035 on `messages.N`); an id 14 days old
///   or older by its snowflake time (400/50034 You can only bulk delete messages that are
///   under 14 days old).
/// - Discord's errors by the status table: 404/10003 Unknown Channel (`NOT_FOUND`), 403/50013
///   Missing Permissions and 403/50001 (`PERMISSION_DENIED`); `UNAVAILABLE` when Discord is
///   unreachable.
pub(crate) async fn handle(
    state: Arc<ProxyState>,
    request: BulkDeleteMessagesRequest,
    deadline: Instant,
) -> Result<BulkDeleteMessagesResponse> {
    let channel_id = required_id(request.channel_id, "channel_id")?;
    tracing::info!(
        rpc = "BulkDeleteMessages",
        channel_id,
        count = request.messages.len(),
        "received request"
    );
    required_ids(&request.messages, "messages")?;
    limits::check_bulk_delete(&request.messages, limits::now_ms())?;
    let target = Target::Channel(channel_id);
    guarded(
        &state,
        target,
        state.rest.bulk_delete_messages(
            channel_id,
            &request.messages,
            &request.audit_log_reason,
            deadline,
        ),
    )
    .await?;
    Ok(BulkDeleteMessagesResponse {})
}
