//! `DeleteWebhook`: `DELETE /webhooks/{webhook_id}` with the bot token.
//! <https://discord.com/developers/docs/resources/webhook#delete-webhook>

use crate::discord::negative_cache::Target;
use crate::rpc::{fields::required_id, unreachable::guarded};
use crate::{error::Result, state::ProxyState};
use discordproxy_proto::{DeleteWebhookRequest, DeleteWebhookResponse};
use std::sync::Arc;
use tokio::time::Instant;

/// Handles one call: one REST call; Discord's 204 becomes the empty response. A 404/10015
/// is remembered in the negative cache (later calls for the webhook fail at once).
///
/// # Errors
/// - `INVALID_ARGUMENT`, plain text, no request: `webhook_id` 0.
/// - Discord's errors by the status table: 404/10015 Unknown Webhook (`NOT_FOUND`), 403/50013
///   Missing Permissions (`PERMISSION_DENIED`); `UNAVAILABLE` when Discord is unreachable.
pub(crate) async fn handle(
    state: Arc<ProxyState>,
    request: DeleteWebhookRequest,
    deadline: Instant,
) -> Result<DeleteWebhookResponse> {
    let webhook_id = required_id(request.webhook_id, "webhook_id")?;
    tracing::info!(rpc = "DeleteWebhook", webhook_id, "received request");
    guarded(
        &state,
        Target::Webhook(webhook_id),
        state
            .rest
            .delete_webhook(webhook_id, &request.audit_log_reason, deadline),
    )
    .await?;
    Ok(DeleteWebhookResponse {})
}
