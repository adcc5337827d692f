//! Modify Guild Member: `PATCH /guilds/{guild.id}/members/{user.id}`
//! ([`Route::ModifyGuildMember`]).
//! <https://discord.com/developers/docs/resources/guild#modify-guild-member>
//!
//! Limits: [`check_member`](super::limits::check_member), which the RPC calls before the
//! request.

use crate::{
    discord::{
        client::{DiscordClient, JsonAnswer},
        outgoing::Outgoing,
        route::Route,
    },
    error::{Error, Result},
};
use serde_json::Value;
use tokio::time::Instant;

impl DiscordClient {
    /// `PATCH /guilds/{guild.id}/members/{user.id}` with `body` (only the fields to change;
    /// `null` clears one) and an optional audit-log reason. Returns Discord's member JSON, or
    /// `None` when Discord answers 204 No Content (its OpenAPI allows both). Retried after 5xx
    /// and network failures: the same change twice has the effect of one.
    /// <https://discord.com/developers/docs/resources/guild#modify-guild-member>
    ///
    /// # Errors
    /// 404/10007 Unknown Member, 404/10013 Unknown User, 404/10011 Unknown Role (`NOT_FOUND`),
    /// 403/50013 Missing Permissions (`PERMISSION_DENIED`), 400/40032 not in voice and
    /// 400/50035 (`INVALID_ARGUMENT`); otherwise see [`DiscordClient`].
    pub async fn modify_guild_member(
        &self,
        guild_id: u64,
        user_id: u64,
        body: &Value,
        audit_log_reason: &str,
        deadline: Instant,
    ) -> Result<Option<JsonAnswer>> {
        let route = Route::ModifyGuildMember { guild_id, user_id };
        let outgoing = Outgoing::new(route.clone())
            .json(body)
            .audit_log_reason(audit_log_reason);
        let (status, bytes) = self.execute_with_status(&outgoing, deadline).await?;
        if status == 204 || bytes.iter().all(u8::is_ascii_whitespace) {
            return Ok(None);
        }
        let value = serde_json::from_slice(&bytes).map_err(|error| {
            Error::Internal(format!(
                "unexpected response body from Discord for {}: {error}",
                route.template()
            ))
        })?;
        Ok(Some(JsonAnswer {
            value,
            text: String::from_utf8_lossy(&bytes).into_owned(),
        }))
    }
}
