//! Delete Channel Permission: `DELETE /channels/{channel.id}/permissions/{overwrite.id}`
//! ([`Route::DeleteChannelPermission`]); Discord answers 204 No Content.
//! <https://discord.com/developers/docs/resources/channel#delete-channel-permission>

use crate::{
    discord::{client::DiscordClient, outgoing::Outgoing, route::Route},
    error::Result,
};
use tokio::time::Instant;

impl DiscordClient {
    /// `DELETE /channels/{channel.id}/permissions/{overwrite.id}` with an optional audit-log
    /// reason. Retried after 5xx and network failures.
    /// <https://discord.com/developers/docs/resources/channel#delete-channel-permission>
    ///
    /// # Errors
    /// 404/10009 Unknown Overwrite and 404/10003 Unknown Channel (`NOT_FOUND`), 403/50001
    /// Missing Access and 403/50013 Missing Permissions (`PERMISSION_DENIED`); otherwise see
    /// [`DiscordClient`].
    pub async fn delete_channel_permission(
        &self,
        channel_id: u64,
        overwrite_id: u64,
        audit_log_reason: &str,
        deadline: Instant,
    ) -> Result<()> {
        let route = Route::DeleteChannelPermission {
            channel_id,
            overwrite_id,
        };
        let outgoing = Outgoing::new(route).audit_log_reason(audit_log_reason);
        self.execute(&outgoing, deadline).await.map(drop)
    }
}
