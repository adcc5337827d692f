//! Delete Message: `DELETE /channels/{channel.id}/messages/{message.id}`
//! ([`Route::DeleteMessage`]); Discord answers 204 No Content.
//! <https://discord.com/developers/docs/resources/message#delete-message>

use crate::{
    discord::{client::DiscordClient, outgoing::Outgoing, route::Route},
    error::Result,
};
use tokio::time::Instant;

impl DiscordClient {
    /// `DELETE /channels/{channel.id}/messages/{message.id}` with an optional audit-log
    /// reason. Retried after 5xx and network failures (a repeat whose first attempt took
    /// effect answers 404/10008: the message is gone either way).
    /// <https://discord.com/developers/docs/resources/message#delete-message>
    ///
    /// # Errors
    /// 404/10008 Unknown Message (`NOT_FOUND`), 403/50013 Missing Permissions
    /// (`PERMISSION_DENIED`); otherwise see [`DiscordClient`].
    pub async fn delete_message(
        &self,
        channel_id: u64,
        message_id: u64,
        audit_log_reason: &str,
        deadline: Instant,
    ) -> Result<()> {
        let route = Route::DeleteMessage {
            channel_id,
            message_id,
        };
        let outgoing = Outgoing::new(route).audit_log_reason(audit_log_reason);
        self.execute(&outgoing, deadline).await.map(drop)
    }
}
