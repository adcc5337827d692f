//! Bulk Delete Messages: `POST /channels/{channel.id}/messages/bulk-delete`
//! ([`Route::BulkDeleteMessages`]) with `{"messages": [ids]}`; Discord answers 204 No Content.
//! <https://discord.com/developers/docs/resources/message#bulk-delete-messages>
//!
//! Limits: [`check_bulk_delete`](super::limits::check_bulk_delete) (2–100 distinct ids, none
//! 14 days old or older), which the RPC calls before the request.

use crate::{
    discord::{client::DiscordClient, outgoing::Outgoing, route::Route},
    error::Result,
};
use serde_json::json;
use tokio::time::Instant;

impl DiscordClient {
    /// `POST /channels/{channel.id}/messages/bulk-delete` with the message ids (as strings)
    /// and an optional audit-log reason. Retried after 5xx and network failures: Discord counts
    /// ids of messages that no longer exist without error.
    /// <https://discord.com/developers/docs/resources/message#bulk-delete-messages>
    ///
    /// # Errors
    /// 400/50034 You can only bulk delete messages that are under 14 days old and 400/50035
    /// Invalid Form Body (`INVALID_ARGUMENT`), 403/50013 Missing Permissions
    /// (`PERMISSION_DENIED`), 404/10003 Unknown Channel (`NOT_FOUND`); otherwise see
    /// [`DiscordClient`].
    pub async fn bulk_delete_messages(
        &self,
        channel_id: u64,
        messages: &[u64],
        audit_log_reason: &str,
        deadline: Instant,
    ) -> Result<()> {
        let ids: Vec<String> = messages.iter().map(u64::to_string).collect();
        let body = json!({ "messages": ids });
        let outgoing = Outgoing::new(Route::BulkDeleteMessages { channel_id })
            .json(&body)
            .audit_log_reason(audit_log_reason);
        self.execute(&outgoing, deadline).await.map(drop)
    }
}
