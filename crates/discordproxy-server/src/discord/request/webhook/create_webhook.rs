//! Create Webhook: `POST /channels/{channel.id}/webhooks` ([`Route::CreateWebhook`]).
//! <https://discord.com/developers/docs/resources/webhook#create-webhook>
//!
//! Limits: [`check_name`](super::limits::check_name), checked by the RPC before the request.

use crate::{
    discord::{
        client::{DiscordClient, JsonAnswer},
        outgoing::{Outgoing, Retry},
        route::Route,
    },
    error::Result,
};
use serde_json::Value;
use tokio::time::Instant;

impl DiscordClient {
    /// `POST /channels/{channel.id}/webhooks` with `body` (`name`, `avatar`) and an optional
    /// audit-log reason: the new webhook's JSON (with its token). Never retried after a
    /// failure (a repeat could create a second webhook).
    /// <https://discord.com/developers/docs/resources/webhook#create-webhook>
    ///
    /// # Errors
    /// 404/10003 Unknown Channel (`NOT_FOUND`), 403/50013 Missing Permissions
    /// (`PERMISSION_DENIED`), 400/30007 Maximum number of webhooks and 400/50035
    /// (`INVALID_ARGUMENT`); otherwise see [`DiscordClient`].
    pub async fn create_webhook(
        &self,
        channel_id: u64,
        body: &Value,
        audit_log_reason: &str,
        deadline: Instant,
    ) -> Result<JsonAnswer> {
        let outgoing = Outgoing::new(Route::CreateWebhook { channel_id })
            .json(body)
            .audit_log_reason(audit_log_reason)
            .retry(Retry::Never);
        self.json_answer(&outgoing, deadline).await
    }
}
