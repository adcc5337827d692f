//! `GetWebhookMessage`: `GET /webhooks/{webhook_id}/{webhook_token}/messages/{message_id}`,
//! without the bot token.
//! <https://discord.com/developers/docs/resources/webhook#get-webhook-message>

use super::required_token;
use crate::discord::negative_cache::Target;
use crate::rpc::{fields::required_id, unreachable::guarded};
use crate::{convert, error::Result, state::ProxyState};
use discordproxy_proto::{GetWebhookMessageRequest, GetWebhookMessageResponse};
use std::sync::Arc;
use tokio::time::Instant;

/// Handles one call: one REST call (none while the webhook's 404/10015 is in the negative
/// cache).
///
/// # Errors
/// - `INVALID_ARGUMENT`, plain text, no request: `webhook_id` or `message_id` 0, an empty
///   `webhook_token`.
/// - Discord's errors by the status table: 404/10015 Unknown Webhook and 404/10008 Unknown
///   Message (`NOT_FOUND`), 401/50027 Invalid Webhook Token (`UNAUTHENTICATED`).
pub(crate) async fn handle(
    state: Arc<ProxyState>,
    request: GetWebhookMessageRequest,
    deadline: Instant,
) -> Result<GetWebhookMessageResponse> {
    let webhook_id = required_id(request.webhook_id, "webhook_id")?;
    required_token(&request.webhook_token)?;
    let message_id = required_id(request.message_id, "message_id")?;
    tracing::info!(
        rpc = "GetWebhookMessage",
        webhook_id,
        message_id,
        "received request"
    );
    let answer = guarded(
        &state,
        Target::Webhook(webhook_id),
        state.rest.webhook_message(
            webhook_id,
            &request.webhook_token,
            message_id,
            request.thread_id,
            deadline,
        ),
    )
    .await?;
    Ok(GetWebhookMessageResponse {
        message: Some(convert::message::from_json(&answer.value, None)),
        json: answer.text,
    })
}
