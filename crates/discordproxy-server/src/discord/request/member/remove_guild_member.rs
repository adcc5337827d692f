//! Remove Guild Member: `DELETE /guilds/{guild.id}/members/{user.id}` ([`Route::RemoveGuildMember`]).
//! <https://discord.com/developers/docs/resources/guild#remove-guild-member>

use crate::{
    discord::{client::DiscordClient, outgoing::Outgoing, route::Route},
    error::Result,
};
use tokio::time::Instant;

impl DiscordClient {
    /// `DELETE /guilds/{guild.id}/members/{user.id}` with an optional audit-log reason; Discord answers 204 No Content.
    /// Retried after 5xx and network failures (repeating it has no further effect).
    /// <https://discord.com/developers/docs/resources/guild#remove-guild-member>
    ///
    /// # Errors
    /// 404/10004 Unknown Guild, 404/10007 Unknown Member and 404/10013 Unknown User (`NOT_FOUND`), 403/50013 Missing Permissions (`PERMISSION_DENIED`), 400/50035 (`INVALID_ARGUMENT`); otherwise see [`DiscordClient`].
    pub async fn remove_guild_member(
        &self,
        guild_id: u64,
        user_id: u64,
        audit_log_reason: &str,
        deadline: Instant,
    ) -> Result<()> {
        let outgoing = Outgoing::new(Route::RemoveGuildMember { guild_id, user_id })
            .audit_log_reason(audit_log_reason);
        self.execute(&outgoing, deadline).await.map(drop)
    }
}
