//! Bulk Guild Ban: `POST /guilds/{guild.id}/bulk-ban` ([`Route::BulkGuildBan`]).
//! <https://discord.com/developers/docs/resources/guild#bulk-guild-ban>
//!
//! Limits: [`check_ban`](super::limits::check_ban), which the RPC calls before the request.

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
    /// `POST /guilds/{guild.id}/bulk-ban` with `body` (`user_ids`, `delete_message_seconds`)
    /// and an optional audit-log reason: Discord's `{"banned_users", "failed_users"}`. Sent
    /// once (never retried: a repeat would report the users of the first attempt as failed).
    /// <https://discord.com/developers/docs/resources/guild#bulk-guild-ban>
    ///
    /// # Errors
    /// 404/10004 Unknown Guild (`NOT_FOUND`), 403/50013 Missing Permissions (BAN_MEMBERS and
    /// MANAGE_GUILD; `PERMISSION_DENIED`), 400/500000 Failed to ban users and 400/50035
    /// (`INVALID_ARGUMENT`); otherwise see [`DiscordClient`].
    pub async fn bulk_guild_ban(
        &self,
        guild_id: u64,
        body: &Value,
        audit_log_reason: &str,
        deadline: Instant,
    ) -> Result<JsonAnswer> {
        let outgoing = Outgoing::new(Route::BulkGuildBan { guild_id })
            .json(body)
            .audit_log_reason(audit_log_reason)
            .retry(Retry::Never);
        self.json_answer(&outgoing, deadline).await
    }
}
