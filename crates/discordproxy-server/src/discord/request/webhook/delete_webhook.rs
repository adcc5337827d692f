//! Delete Webhook: `DELETE /webhooks/{webhook.id}` ([`Route::DeleteWebhook`]); Discord
//! answers 204 No Content.
//! <https://discord.com/developers/docs/resources/webhook#delete-webhook>

use crate::{
    discord::{client::DiscordClient, outgoing::Outgoing, route::Route},
    error::Result,
};
use tokio::time::Instant;

impl DiscordClient {
    /// `DELETE /webhooks/{webhook.id}` with an optional audit-log reason. Retried after 5xx
    /// and network failures (a repeat whose first attempt took effect answers 404/10015).
    /// <https://discord.com/developers/docs/resources/webhook#delete-webhook>
    ///
    /// # Errors
    /// 404/10015 Unknown Webhook (`NOT_FOUND`), 403/50013 Missing Permissions
    /// (`PERMISSION_DENIED`); otherwise see [`DiscordClient`].
    pub async fn delete_webhook(
        &self,
        webhook_id: u64,
        audit_log_reason: &str,
        deadline: Instant,
    ) -> Result<()> {
        let outgoing =
            Outgoing::new(Route::DeleteWebhook { webhook_id }).audit_log_reason(audit_log_reason);
        self.execute(&outgoing, deadline).await.map(drop)
    }
}
