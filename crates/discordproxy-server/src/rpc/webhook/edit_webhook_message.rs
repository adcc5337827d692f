//! `EditWebhookMessage`: `PATCH /webhooks/{webhook_id}/{webhook_token}/messages/{message_id}`,
//! without the bot token.
//! <https://discord.com/developers/docs/resources/webhook#edit-webhook-message>

use super::required_token;
use crate::discord::{negative_cache::Target, request::message::limits};
use crate::rpc::{fields::required_id, unreachable::guarded};
use crate::{convert, error::Result, state::ProxyState};
use discordproxy_proto::{EditWebhookMessageRequest, EditWebhookMessageResponse};
use std::sync::Arc;
use tokio::time::Instant;

/// Handles one call: one REST call with only the fields set (none while the webhook's
/// 404/10015 is in the negative cache).
///
/// # Errors
/// - `INVALID_ARGUMENT`, plain text, no request: `webhook_id` or `message_id` 0, an empty
///   `webhook_token`, a bad `clear_fields` entry, nothing to change.
/// - `INVALID_ARGUMENT` with Discord's 400/50035 (or 413/40005) JSON, no request: the message
///   limits (content, embeds, components, files).
/// - Discord's errors by the status table: 404/10015 Unknown Webhook and 404/10008 Unknown
///   Message (`NOT_FOUND`), 401/50027 Invalid Webhook Token (`UNAUTHENTICATED`).
pub(crate) async fn handle(
    state: Arc<ProxyState>,
    request: EditWebhookMessageRequest,
    deadline: Instant,
) -> Result<EditWebhookMessageResponse> {
    let webhook_id = required_id(request.webhook_id, "webhook_id")?;
    required_token(&request.webhook_token)?;
    let message_id = required_id(request.message_id, "message_id")?;
    tracing::info!(
        rpc = "EditWebhookMessage",
        webhook_id,
        message_id,
        "received request"
    );
    let body = convert::webhook::edit_webhook_message(&request)?;
    limits::check_create_message(&body)?;
    limits::check_components(&body)?;
    limits::check_files(&request.files)?;
    let files = convert::file::parts(&request.files);
    limits::check_upload(Some(&body), &files)?;
    let answer = guarded(
        &state,
        Target::Webhook(webhook_id),
        state.rest.edit_webhook_message(
            webhook_id,
            &request.webhook_token,
            message_id,
            request.thread_id,
            &body,
            &files,
            deadline,
        ),
    )
    .await?;
    Ok(EditWebhookMessageResponse {
        message: Some(convert::message::from_json(&answer.value, None)),
        json: answer.text,
    })
}
