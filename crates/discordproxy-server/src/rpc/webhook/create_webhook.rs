//! `CreateWebhook`: `POST /channels/{channel_id}/webhooks`.
//! <https://discord.com/developers/docs/resources/webhook#create-webhook>

use crate::discord::request::webhook::limits;
use crate::rpc::fields::required_id;
use crate::{convert, error::Result, state::ProxyState};
use discordproxy_proto::{CreateWebhookRequest, CreateWebhookResponse};
use std::sync::Arc;
use tokio::time::Instant;

/// Handles one call: one REST call; the answer holds the new webhook's token.
///
/// # Errors
/// - `INVALID_ARGUMENT`, plain text, no request: `channel_id` 0.
/// - `INVALID_ARGUMENT` with Discord's 400/50035 JSON, no request: a `name` that is not 1–80
///   characters or contains "clyde" or "discord".
/// - Discord's errors by the status table: 404/10003 Unknown Channel (`NOT_FOUND`), 403/50013
///   Missing Permissions (`PERMISSION_DENIED`), 400/30007 Maximum number of webhooks
///   (`INVALID_ARGUMENT`); `UNAVAILABLE` when Discord is unreachable.
pub(crate) async fn handle(
    state: Arc<ProxyState>,
    request: CreateWebhookRequest,
    deadline: Instant,
) -> Result<CreateWebhookResponse> {
    let channel_id = required_id(request.channel_id, "channel_id")?;
    tracing::info!(rpc = "CreateWebhook", channel_id, "received request");
    limits::check_name("name", &request.name)?;
    let body = convert::webhook::create_webhook(&request);
    let answer = state
        .rest
        .create_webhook(channel_id, &body, &request.audit_log_reason, deadline)
        .await?;
    Ok(CreateWebhookResponse {
        webhook: Some(convert::webhook::from_json(&answer.value)),
        json: answer.text,
    })
}
