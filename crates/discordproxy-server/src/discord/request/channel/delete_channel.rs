//! Delete/Close Channel: `DELETE /channels/{channel.id}` ([`Route::DeleteChannel`]); Discord
//! answers the deleted (or closed DM) channel.
//! <https://discord.com/developers/docs/resources/channel#deleteclose-channel>

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
    /// `DELETE /channels/{channel.id}` with an optional audit-log reason. Returns Discord's
    /// channel JSON. Retried after 5xx and network failures (a repeat whose first attempt took
    /// effect answers 404/10003: the channel is gone either way).
    /// <https://discord.com/developers/docs/resources/channel#deleteclose-channel>
    ///
    /// # Errors
    /// 404/10003 Unknown Channel (`NOT_FOUND`), 403/50001 Missing Access and 403/50013 Missing
    /// Permissions (`PERMISSION_DENIED`); otherwise see [`DiscordClient`].
    pub async fn delete_channel(
        &self,
        channel_id: u64,
        audit_log_reason: &str,
        deadline: Instant,
    ) -> Result<JsonAnswer> {
        let outgoing =
            Outgoing::new(Route::DeleteChannel { channel_id }).audit_log_reason(audit_log_reason);
        self.json_answer(&outgoing, deadline).await
    }
}
