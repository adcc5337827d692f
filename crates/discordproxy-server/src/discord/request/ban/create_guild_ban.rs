//! Create Guild Ban: `PUT /guilds/{guild.id}/bans/{user.id}` ([`Route::CreateGuildBan`]);
//! Discord answers 204 No Content.
//! <https://discord.com/developers/docs/resources/guild#create-guild-ban>
//!
//! Limits: [`check_ban`](super::limits::check_ban), which the RPC calls before the request.

use crate::{
    discord::{client::DiscordClient, outgoing::Outgoing, route::Route},
    error::Result,
};
use serde_json::Value;
use tokio::time::Instant;

impl DiscordClient {
    /// `PUT /guilds/{guild.id}/bans/{user.id}` with `body` (`delete_message_seconds` when set;
    /// else no body) and an optional audit-log reason (Discord keeps it as the ban's reason).
    /// Retried after 5xx and network failures (a repeated ban changes nothing more).
    /// <https://discord.com/developers/docs/resources/guild#create-guild-ban>
    ///
    /// # Errors
    /// 404/10013 Unknown User and 404/10004 Unknown Guild (`NOT_FOUND`), 403/50013 Missing
    /// Permissions (BAN_MEMBERS, the hierarchy, the owner; `PERMISSION_DENIED`), 400/50035
    /// (`INVALID_ARGUMENT`); otherwise see [`DiscordClient`].
    pub async fn create_guild_ban(
        &self,
        guild_id: u64,
        user_id: u64,
        body: Option<&Value>,
        audit_log_reason: &str,
        deadline: Instant,
    ) -> Result<()> {
        let mut outgoing = Outgoing::new(Route::CreateGuildBan { guild_id, user_id })
            .audit_log_reason(audit_log_reason);
        outgoing.body = body;
        self.execute(&outgoing, deadline).await.map(drop)
    }
}
