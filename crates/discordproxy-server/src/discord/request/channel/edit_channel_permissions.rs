//! Edit Channel Permissions: `PUT /channels/{channel.id}/permissions/{overwrite.id}`
//! ([`Route::EditChannelPermissions`]); Discord answers 204 No Content.
//! <https://discord.com/developers/docs/resources/channel#edit-channel-permissions>

use crate::{
    discord::{client::DiscordClient, outgoing::Outgoing, route::Route},
    error::Result,
};
use serde_json::Value;
use tokio::time::Instant;

impl DiscordClient {
    /// `PUT /channels/{channel.id}/permissions/{overwrite.id}` with `body` (`type`, `allow`,
    /// `deny`) and an optional audit-log reason. Retried after 5xx and network failures: a PUT
    /// twice has the effect of one.
    /// <https://discord.com/developers/docs/resources/channel#edit-channel-permissions>
    ///
    /// # Errors
    /// 404/10003 Unknown Channel (`NOT_FOUND`), 403/50001 Missing Access and 403/50013 Missing
    /// Permissions (`PERMISSION_DENIED`), 400/50035 Invalid Form Body (`INVALID_ARGUMENT`);
    /// otherwise see [`DiscordClient`].
    pub async fn edit_channel_permissions(
        &self,
        channel_id: u64,
        overwrite_id: u64,
        body: &Value,
        audit_log_reason: &str,
        deadline: Instant,
    ) -> Result<()> {
        let route = Route::EditChannelPermissions {
            channel_id,
            overwrite_id,
        };
        let outgoing = Outgoing::new(route)
            .json(body)
            .audit_log_reason(audit_log_reason);
        self.execute(&outgoing, deadline).await.map(drop)
    }
}
