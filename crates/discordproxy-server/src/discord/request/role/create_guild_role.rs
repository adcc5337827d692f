//! Create Guild Role: `POST /guilds/{guild.id}/roles` ([`Route::CreateGuildRole`]).
//! <https://discord.com/developers/docs/resources/guild#create-guild-role>

use crate::{
    discord::{
        client::{DiscordClient, JsonAnswer},
        outgoing::{Outgoing, Retry},
        route::Route,
    },
    error::Result,
};
use serde_json::Value;
use tokio::time::Instant;

impl DiscordClient {
    /// `POST /guilds/{guild.id}/roles` with `body` (only the fields to send) and an optional audit-log reason:
    /// the new role's JSON. Sent once (never retried: a repeat could create a second role).
    /// <https://discord.com/developers/docs/resources/guild#create-guild-role>
    ///
    /// # Errors
    /// 404/10004 Unknown Guild (`NOT_FOUND`), 403/50013 Missing Permissions (`PERMISSION_DENIED`), 400/30005 Maximum number of guild roles and 400/50035 (`INVALID_ARGUMENT`); otherwise see [`DiscordClient`].
    pub async fn create_guild_role(
        &self,
        guild_id: u64,
        body: &Value,
        audit_log_reason: &str,
        deadline: Instant,
    ) -> Result<JsonAnswer> {
        let outgoing = Outgoing::new(Route::CreateGuildRole { guild_id })
            .json(body)
            .audit_log_reason(audit_log_reason)
            .retry(Retry::Never);
        self.json_answer(&outgoing, deadline).await
    }
}
