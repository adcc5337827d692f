//! Get Webhook: `GET /webhooks/{webhook.id}` ([`Route::Webhook`]).
//! <https://discord.com/developers/docs/resources/webhook#get-webhook>

use crate::{
    discord::{
        client::{DiscordClient, JsonAnswer},
        outgoing::Outgoing,
        route::Route,
    },
    error::Result,
};
use tokio::time::Instant;

impl DiscordClient {
    /// `GET /webhooks/{webhook.id}`: Discord's answer. Retried after 5xx and network failures.
    /// <https://discord.com/developers/docs/resources/webhook#get-webhook>
    ///
    /// # Errors
    /// 404/10015 Unknown Webhook (`NOT_FOUND`), 403/50013 Missing Permissions (`PERMISSION_DENIED`); otherwise see [`DiscordClient`].
    pub async fn webhook(&self, webhook_id: u64, deadline: Instant) -> Result<JsonAnswer> {
        let outgoing = Outgoing::new(Route::Webhook { webhook_id });
        self.json_answer(&outgoing, deadline).await
    }
}
