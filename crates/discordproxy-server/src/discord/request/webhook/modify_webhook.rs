//! Modify Webhook: `PATCH /webhooks/{webhook.id}` ([`Route::ModifyWebhook`]).
//! <https://discord.com/developers/docs/resources/webhook#modify-webhook>

use crate::{
    discord::{
        client::{DiscordClient, JsonAnswer},
        outgoing::Outgoing,
        route::Route,
    },
    error::Result,
};
use serde_json::Value;
use tokio::time::Instant;

impl DiscordClient {
    /// `PATCH /webhooks/{webhook.id}` with `body` (only the fields to send) and an optional
    /// audit-log reason: the changed webhook's JSON. Retried after 5xx and network failures.
    /// <https://discord.com/developers/docs/resources/webhook#modify-webhook>
    ///
    /// # Errors
    /// 404/10015 Unknown Webhook (`NOT_FOUND`), 403/50013 Missing Permissions
    /// (`PERMISSION_DENIED`), 400/50035 (`INVALID_ARGUMENT`); otherwise see [`DiscordClient`].
    pub async fn modify_webhook(
        &self,
        webhook_id: u64,
        body: &Value,
        audit_log_reason: &str,
        deadline: Instant,
    ) -> Result<JsonAnswer> {
        let outgoing = Outgoing::new(Route::ModifyWebhook { webhook_id })
            .json(body)
            .audit_log_reason(audit_log_reason);
        self.json_answer(&outgoing, deadline).await
    }
}
