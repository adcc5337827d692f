//! Pin Message: `PUT /channels/{channel.id}/messages/pins/{message.id}`
//! ([`Route::PinMessage`]); Discord answers 204 No Content.
//! <https://discord.com/developers/docs/resources/message#pin-message>

use crate::{
    discord::{client::DiscordClient, outgoing::Outgoing, route::Route},
    error::Result,
};
use tokio::time::Instant;

impl DiscordClient {
    /// `PUT /channels/{channel.id}/messages/pins/{message.id}` with an optional audit-log
    /// reason: pins the message (pinned
    /// already: no change). Retried after 5xx and network failures (repeating it has no
    /// further effect).
    /// <https://discord.com/developers/docs/resources/message#pin-message>
    ///
    /// # Errors
    /// 404/10008 Unknown Message and 404/10003 Unknown Channel (`NOT_FOUND`), 400/30003
    /// Maximum number of pins (`INVALID_ARGUMENT`), 403/50013 Missing Permissions
    /// (`PERMISSION_DENIED`); otherwise see [`DiscordClient`].
    pub async fn pin_message(
        &self,
        channel_id: u64,
        message_id: u64,
        audit_log_reason: &str,
        deadline: Instant,
    ) -> Result<()> {
        let route = Route::PinMessage {
            channel_id,
            message_id,
        };
        let outgoing = Outgoing::new(route).audit_log_reason(audit_log_reason);
        self.execute(&outgoing, deadline).await.map(drop)
    }
}
