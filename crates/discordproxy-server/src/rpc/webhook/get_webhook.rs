//! `GetWebhook`: `GET /webhooks/{webhook_id}` with the bot token.
//! <https://discord.com/developers/docs/resources/webhook#get-webhook>

use crate::discord::negative_cache::Target;
use crate::rpc::{fields::required_id, unreachable::guarded};
use crate::{convert, error::Result, state::ProxyState};
use discordproxy_proto::{GetWebhookRequest, GetWebhookResponse};
use std::sync::Arc;
use tokio::time::Instant;

/// Handles one call: one REST call (none while Discord's 404/10015 for the webhook is in the
/// negative cache).
///
/// # Errors
/// - `INVALID_ARGUMENT`, plain text, no request: `webhook_id` 0.
/// - Discord's errors by the status table: 404/10015 Unknown Webhook (`NOT_FOUND`), 403/50013
///   Missing Permissions (`PERMISSION_DENIED`); `UNAVAILABLE` when Discord is unreachable.
pub(crate) async fn handle(
    state: Arc<ProxyState>,
    request: GetWebhookRequest,
    deadline: Instant,
) -> Result<GetWebhookResponse> {
    let webhook_id = required_id(request.webhook_id, "webhook_id")?;
    tracing::info!(rpc = "GetWebhook", webhook_id, "received request");
    let answer = guarded(
        &state,
        Target::Webhook(webhook_id),
        state.rest.webhook(webhook_id, deadline),
    )
    .await?;
    Ok(GetWebhookResponse {
        webhook: Some(convert::webhook::from_json(&answer.value)),
        json: answer.text,
    })
}
