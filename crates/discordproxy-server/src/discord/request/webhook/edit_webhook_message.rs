//! Edit Webhook Message: `PATCH /webhooks/{webhook.id}/{webhook.token}/messages/{message.id}`
//! ([`Route::EditWebhookMessage`]), without the bot's `Authorization`.
//! <https://discord.com/developers/docs/resources/webhook#edit-webhook-message>

use crate::{
    convert::file::FilePart,
    discord::{
        client::{DiscordClient, JsonAnswer},
        outgoing::Outgoing,
        route::{Route, WebhookToken},
    },
    error::Result,
};
use serde_json::Value;
use tokio::time::Instant;

impl DiscordClient {
    /// `PATCH /webhooks/{webhook.id}/{webhook.token}/messages/{message.id}` (`thread_id` when
    /// non-zero) with `body` and `files`: the edited message's JSON. Retried after 5xx and
    /// network failures (an edit sets the same fields again).
    /// <https://discord.com/developers/docs/resources/webhook#edit-webhook-message>
    ///
    /// # Errors
    /// 404/10015 Unknown Webhook and 404/10008 Unknown Message (`NOT_FOUND`), 401/50027
    /// Invalid Webhook Token (`UNAUTHENTICATED`), 400/50035 (`INVALID_ARGUMENT`); otherwise
    /// see [`DiscordClient`].
    #[allow(clippy::too_many_arguments)]
    pub async fn edit_webhook_message(
        &self,
        webhook_id: u64,
        webhook_token: &str,
        message_id: u64,
        thread_id: u64,
        body: &Value,
        files: &[FilePart],
        deadline: Instant,
    ) -> Result<JsonAnswer> {
        let outgoing = Outgoing::new(Route::EditWebhookMessage {
            webhook_id,
            webhook_token: WebhookToken::new(webhook_token),
            message_id,
        })
        .query(&[("thread_id", (thread_id != 0).then(|| thread_id.to_string()))])
        .json(body)
        .files(files);
        self.json_answer(&outgoing, deadline).await
    }
}
