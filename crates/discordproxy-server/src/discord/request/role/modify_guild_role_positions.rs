//! Modify Guild Role Positions: `PATCH /guilds/{guild.id}/roles` ([`Route::ModifyGuildRolePositions`]).
//! <https://discord.com/developers/docs/resources/guild#modify-guild-role-positions>

use crate::{
    discord::{
        client::{DiscordClient, JsonAnswer},
        outgoing::Outgoing,
        route::Route,
    },
    error::Result,
};
use serde_json::Value;
use tokio::time::Instant;

impl DiscordClient {
    /// `PATCH /guilds/{guild.id}/roles` with `body` (only the fields to send) and an optional audit-log reason:
    /// every role of the guild afterwards as Discord's JSON array. Retried after 5xx and network failures.
    /// <https://discord.com/developers/docs/resources/guild#modify-guild-role-positions>
    ///
    /// # Errors
    /// 404/10004 Unknown Guild and 404/10011 Unknown Role (`NOT_FOUND`), 403/50013 Missing Permissions (`PERMISSION_DENIED`), 400/50035 (`INVALID_ARGUMENT`); otherwise see [`DiscordClient`].
    pub async fn modify_guild_role_positions(
        &self,
        guild_id: u64,
        body: &Value,
        audit_log_reason: &str,
        deadline: Instant,
    ) -> Result<JsonAnswer> {
        let outgoing = Outgoing::new(Route::ModifyGuildRolePositions { guild_id })
            .json(body)
            .audit_log_reason(audit_log_reason);
        self.json_answer(&outgoing, deadline).await
    }
}
