//! Execute Webhook: `POST /webhooks/{webhook.id}/{webhook.token}?wait&thread_id`
//! ([`Route::ExecuteWebhook`]), sent without the bot's `Authorization` and outside its global
//! rate limit; the path (with the token) is never logged.
//! <https://discord.com/developers/docs/resources/webhook#execute-webhook>
//!
//! Limits: the message limits of [`super::super::message::limits`] and
//! [`check_name`](super::limits::check_name) for `username`, checked by the RPC.

use crate::{
    convert::file::FilePart,
    discord::{
        client::{DiscordClient, JsonAnswer},
        outgoing::{Outgoing, Retry},
        route::{Route, WebhookToken},
    },
    error::Result,
};
use serde_json::Value;
use tokio::time::Instant;

impl DiscordClient {
    /// `POST /webhooks/{webhook.id}/{webhook.token}` with `body` and `files`
    /// (`multipart/form-data` when any); `wait` adds `wait=true` (Discord answers the message),
    /// `thread_id` (non-zero) posts into that thread. `None` for Discord's 204 (no `wait`).
    /// Never retried after a failure (a repeat could post twice).
    /// <https://discord.com/developers/docs/resources/webhook#execute-webhook>
    ///
    /// # Errors
    /// 404/10015 Unknown Webhook (`NOT_FOUND`), 401/50027 Invalid Webhook Token
    /// (`UNAUTHENTICATED`; the bot token stays in use), 400/50035 (`INVALID_ARGUMENT`);
    /// otherwise see [`DiscordClient`].
    #[allow(clippy::too_many_arguments)]
    pub async fn execute_webhook(
        &self,
        webhook_id: u64,
        webhook_token: &str,
        wait: bool,
        thread_id: u64,
        body: &Value,
        files: &[FilePart],
        deadline: Instant,
    ) -> Result<Option<JsonAnswer>> {
        let outgoing = Outgoing::new(Route::ExecuteWebhook {
            webhook_id,
            webhook_token: WebhookToken::new(webhook_token),
        })
        .query(&[
            ("wait", wait.then(|| "true".to_owned())),
            ("thread_id", (thread_id != 0).then(|| thread_id.to_string())),
        ])
        .json(body)
        .files(files)
        .retry(Retry::Never);
        if !wait {
            self.execute(&outgoing, deadline).await?;
            return Ok(None);
        }
        self.json_answer(&outgoing, deadline).await.map(Some)
    }
}
