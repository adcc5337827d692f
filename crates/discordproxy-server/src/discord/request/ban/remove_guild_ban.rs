//! Remove Guild Ban: `DELETE /guilds/{guild.id}/bans/{user.id}` ([`Route::RemoveGuildBan`]);
//! Discord answers 204 No Content.
//! <https://discord.com/developers/docs/resources/guild#remove-guild-ban>

use crate::{
    discord::{client::DiscordClient, outgoing::Outgoing, route::Route},
    error::Result,
};
use tokio::time::Instant;

impl DiscordClient {
    /// `DELETE /guilds/{guild.id}/bans/{user.id}` with an optional audit-log reason. Retried
    /// after 5xx and network failures (a repeat whose first attempt took effect answers
    /// 404/10026).
    /// <https://discord.com/developers/docs/resources/guild#remove-guild-ban>
    ///
    /// # Errors
    /// 404/10026 Unknown Ban (`NOT_FOUND`), 403/50013 Missing Permissions
    /// (`PERMISSION_DENIED`); otherwise see [`DiscordClient`].
    pub async fn remove_guild_ban(
        &self,
        guild_id: u64,
        user_id: u64,
        audit_log_reason: &str,
        deadline: Instant,
    ) -> Result<()> {
        let outgoing = Outgoing::new(Route::RemoveGuildBan { guild_id, user_id })
            .audit_log_reason(audit_log_reason);
        self.execute(&outgoing, deadline).await.map(drop)
    }
}
