//! Get Webhook Message: `GET /webhooks/{webhook.id}/{webhook.token}/messages/{message.id}`
//! ([`Route::WebhookMessage`]), without the bot's `Authorization`.
//! <https://discord.com/developers/docs/resources/webhook#get-webhook-message>

use crate::{
    discord::{
        client::{DiscordClient, JsonAnswer},
        outgoing::Outgoing,
        route::{Route, WebhookToken},
    },
    error::Result,
};
use tokio::time::Instant;

impl DiscordClient {
    /// `GET /webhooks/{webhook.id}/{webhook.token}/messages/{message.id}` (`thread_id` when
    /// non-zero): the message's JSON. Retried after 5xx and network failures.
    /// <https://discord.com/developers/docs/resources/webhook#get-webhook-message>
    ///
    /// # Errors
    /// 404/10015 Unknown Webhook and 404/10008 Unknown Message (`NOT_FOUND`), 401/50027
    /// Invalid Webhook Token (`UNAUTHENTICATED`); otherwise see [`DiscordClient`].
    pub async fn webhook_message(
        &self,
        webhook_id: u64,
        webhook_token: &str,
        message_id: u64,
        thread_id: u64,
        deadline: Instant,
    ) -> Result<JsonAnswer> {
        let outgoing = Outgoing::new(Route::WebhookMessage {
            webhook_id,
            webhook_token: WebhookToken::new(webhook_token),
            message_id,
        })
        .query(&[("thread_id", (thread_id != 0).then(|| thread_id.to_string()))]);
        self.json_answer(&outgoing, deadline).await
    }
}
