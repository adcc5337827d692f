//! Delete Webhook Message: `DELETE /webhooks/{webhook.id}/{webhook.token}/messages/{message.id}`
//! ([`Route::DeleteWebhookMessage`]), without the bot's `Authorization`; Discord answers 204.
//! <https://discord.com/developers/docs/resources/webhook#delete-webhook-message>

use crate::{
    discord::{
        client::DiscordClient,
        outgoing::Outgoing,
        route::{Route, WebhookToken},
    },
    error::Result,
};
use tokio::time::Instant;

impl DiscordClient {
    /// `DELETE /webhooks/{webhook.id}/{webhook.token}/messages/{message.id}` (`thread_id` when
    /// non-zero). Retried after 5xx and network failures (a repeat whose first attempt took
    /// effect answers 404/10008).
    /// <https://discord.com/developers/docs/resources/webhook#delete-webhook-message>
    ///
    /// # Errors
    /// 404/10015 Unknown Webhook and 404/10008 Unknown Message (`NOT_FOUND`), 401/50027
    /// Invalid Webhook Token (`UNAUTHENTICATED`); otherwise see [`DiscordClient`].
    pub async fn delete_webhook_message(
        &self,
        webhook_id: u64,
        webhook_token: &str,
        message_id: u64,
        thread_id: u64,
        deadline: Instant,
    ) -> Result<()> {
        let outgoing = Outgoing::new(Route::DeleteWebhookMessage {
            webhook_id,
            webhook_token: WebhookToken::new(webhook_token),
            message_id,
        })
        .query(&[("thread_id", (thread_id != 0).then(|| thread_id.to_string()))]);
        self.execute(&outgoing, deadline).await.map(drop)
    }
}
