//! `ModifyWebhook`: `PATCH /webhooks/{webhook_id}` with the bot token.
//! <https://discord.com/developers/docs/resources/webhook#modify-webhook>

use crate::discord::{negative_cache::Target, request::webhook::limits};
use crate::rpc::{fields::required_id, unreachable::guarded};
use crate::{convert, error::Result, state::ProxyState};
use discordproxy_proto::{ModifyWebhookRequest, ModifyWebhookResponse};
use std::sync::Arc;
use tokio::time::Instant;

/// Handles one call: one REST call with only the fields set (`clear_fields: ["avatar"]` sends
/// `"avatar": null`, the default avatar); none while the webhook's 404/10015 is in the
/// negative cache.
///
/// # Errors
/// - `INVALID_ARGUMENT`, plain text, no request: `webhook_id` 0, a bad `clear_fields` entry,
///   nothing to change.
/// - `INVALID_ARGUMENT` with Discord's 400/50035 JSON, no request: a bad `name`.
/// - Discord's errors by the status table: 404/10015 Unknown Webhook (`NOT_FOUND`), 403/50013
///   Missing Permissions (`PERMISSION_DENIED`); `UNAVAILABLE` when Discord is unreachable.
pub(crate) async fn handle(
    state: Arc<ProxyState>,
    request: ModifyWebhookRequest,
    deadline: Instant,
) -> Result<ModifyWebhookResponse> {
    let webhook_id = required_id(request.webhook_id, "webhook_id")?;
    tracing::info!(rpc = "ModifyWebhook", webhook_id, "received request");
    let body = convert::webhook::modify_webhook(&request)?;
    if let Some(name) = &request.name {
        limits::check_name("name", name)?;
    }
    let answer = guarded(
        &state,
        Target::Webhook(webhook_id),
        state
            .rest
            .modify_webhook(webhook_id, &body, &request.audit_log_reason, deadline),
    )
    .await?;
    Ok(ModifyWebhookResponse {
        webhook: Some(convert::webhook::from_json(&answer.value)),
        json: answer.text,
    })
}
