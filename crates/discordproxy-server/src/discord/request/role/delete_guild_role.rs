//! Delete Guild Role: `DELETE /guilds/{guild.id}/roles/{role.id}` ([`Route::DeleteGuildRole`]).
//! <https://discord.com/developers/docs/resources/guild#delete-guild-role>

use crate::{
    discord::{client::DiscordClient, outgoing::Outgoing, route::Route},
    error::Result,
};
use tokio::time::Instant;

impl DiscordClient {
    /// `DELETE /guilds/{guild.id}/roles/{role.id}` with an optional audit-log reason; Discord answers 204 No Content.
    /// Retried after 5xx and network failures (repeating it has no further effect).
    /// <https://discord.com/developers/docs/resources/guild#delete-guild-role>
    ///
    /// # Errors
    /// 404/10004 Unknown Guild and 404/10011 Unknown Role (`NOT_FOUND`), 403/50013 Missing Permissions (`PERMISSION_DENIED`), 400/50035 (`INVALID_ARGUMENT`); otherwise see [`DiscordClient`].
    pub async fn delete_guild_role(
        &self,
        guild_id: u64,
        role_id: u64,
        audit_log_reason: &str,
        deadline: Instant,
    ) -> Result<()> {
        let outgoing = Outgoing::new(Route::DeleteGuildRole { guild_id, role_id })
            .audit_log_reason(audit_log_reason);
        self.execute(&outgoing, deadline).await.map(drop)
    }
}
