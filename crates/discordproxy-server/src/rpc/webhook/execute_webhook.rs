//! `ExecuteWebhook`: `POST /webhooks/{webhook_id}/{webhook_token}`, without the bot token and
//! outside the bot's global rate limit.
//! <https://discord.com/developers/docs/resources/webhook#execute-webhook>

use super::required_token;
use crate::discord::negative_cache::Target;
use crate::discord::request::{message::limits, webhook::limits as webhook_limits};
use crate::rpc::{fields::required_id, unreachable::guarded};
use crate::{convert, error::Result, state::ProxyState};
use discordproxy_proto::{ExecuteWebhookRequest, ExecuteWebhookResponse};
use std::sync::Arc;
use tokio::time::Instant;

/// Handles one call: one REST call (none while the webhook's 404/10015 is in the negative
/// cache). With `wait`, the response carries the message (`created` true); without it
/// Discord answers 204 and the response has `created` false and no message.
///
/// # Errors
/// - `INVALID_ARGUMENT`, plain text, no request: `webhook_id` 0, an empty `webhook_token`,
///   `suppress_mentions` with `allowed_mentions`.
/// - `INVALID_ARGUMENT` with Discord's 400/50035 (or 413/40005) JSON, no request: the message
///   limits of Create Message (content, embeds, components, files) and a bad `username`.
/// - Discord's errors by the status table: 404/10015 Unknown Webhook (`NOT_FOUND`), 401/50027
///   Invalid Webhook Token (`UNAUTHENTICATED`); `UNAVAILABLE` when Discord is unreachable.
pub(crate) async fn handle(
    state: Arc<ProxyState>,
    request: ExecuteWebhookRequest,
    deadline: Instant,
) -> Result<ExecuteWebhookResponse> {
    let webhook_id = required_id(request.webhook_id, "webhook_id")?;
    required_token(&request.webhook_token)?;
    tracing::info!(
        rpc = "ExecuteWebhook",
        webhook_id,
        wait = request.wait,
        "received request"
    );
    tracing::debug!(content = %request.content, "request content");
    let body = convert::webhook::execute_webhook(&request)?;
    limits::check_create_message(&body)?;
    limits::check_components(&body)?;
    limits::check_files(&request.files)?;
    if !request.username.is_empty() {
        webhook_limits::check_name("username", &request.username)?;
    }
    let files = convert::file::parts(&request.files);
    limits::check_upload(Some(&body), &files)?;
    let answer = guarded(
        &state,
        Target::Webhook(webhook_id),
        state.rest.execute_webhook(
            webhook_id,
            &request.webhook_token,
            request.wait,
            request.thread_id,
            &body,
            &files,
            deadline,
        ),
    )
    .await?;
    Ok(match answer {
        Some(answer) => ExecuteWebhookResponse {
            created: true,
            message: Some(convert::message::from_json(&answer.value, None)),
            json: answer.text,
        },
        None => ExecuteWebhookResponse {
            created: false,
            message: None,
            json: String::new(),
        },
    })
}
