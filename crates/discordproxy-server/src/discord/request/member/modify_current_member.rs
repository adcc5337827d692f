//! Modify Current Member: `PATCH /guilds/{guild.id}/members/@me` ([`Route::ModifyCurrentMember`]).
//! <https://discord.com/developers/docs/resources/guild#modify-current-member>

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
    /// `PATCH /guilds/{guild.id}/members/@me` with `body` (only the fields to send) and an optional audit-log reason:
    /// the bot's member JSON. Retried after 5xx and network failures.
    /// <https://discord.com/developers/docs/resources/guild#modify-current-member>
    ///
    /// # Errors
    /// 404/10004 Unknown Guild (`NOT_FOUND`), 403/50013 Missing Permissions (`PERMISSION_DENIED`), 400/50035 (`INVALID_ARGUMENT`); otherwise see [`DiscordClient`].
    pub async fn modify_current_member(
        &self,
        guild_id: u64,
        body: &Value,
        audit_log_reason: &str,
        deadline: Instant,
    ) -> Result<JsonAnswer> {
        let outgoing = Outgoing::new(Route::ModifyCurrentMember { guild_id })
            .json(body)
            .audit_log_reason(audit_log_reason);
        self.json_answer(&outgoing, deadline).await
    }
}
