//! Crosspost Message: `POST /channels/{channel.id}/messages/{message.id}/crosspost`
//! ([`Route::CrosspostMessage`]), for messages in announcement channels.
//! <https://discord.com/developers/docs/resources/message#crosspost-message>

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
    /// `POST /channels/{channel.id}/messages/{message.id}/crosspost` (no body) with an
    /// optional audit-log reason. Returns Discord's message JSON. Retried after 5xx and network
    /// failures: Discord refuses a second crosspost of a message (40033), so nothing is posted
    /// twice.
    /// <https://discord.com/developers/docs/resources/message#crosspost-message>
    ///
    /// # Errors
    /// 404/10008 Unknown Message (`NOT_FOUND`), 400/40033 This message has already been
    /// crossposted and 400/50068 Invalid message type (`INVALID_ARGUMENT`), 403/50013 Missing
    /// Permissions (`PERMISSION_DENIED`); otherwise see [`DiscordClient`].
    pub async fn crosspost_message(
        &self,
        channel_id: u64,
        message_id: u64,
        audit_log_reason: &str,
        deadline: Instant,
    ) -> Result<JsonAnswer> {
        let route = Route::CrosspostMessage {
            channel_id,
            message_id,
        };
        let outgoing = Outgoing::new(route).audit_log_reason(audit_log_reason);
        self.json_answer(&outgoing, deadline).await
    }
}
