//! Add Guild Member: `PUT /guilds/{guild.id}/members/{user.id}` ([`Route::AddGuildMember`]),
//! with the user's OAuth2 access token (scope `guilds.join`) in the body.
//! <https://discord.com/developers/docs/resources/guild#add-guild-member>
//!
//! The access token is a secret: it travels only in the request body, which the request loop
//! never logs; errors name the route template only.

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

/// What Discord answered an Add Guild Member with.
#[derive(Debug, Clone)]
pub enum Added {
    /// 201 Created: the user joined; Discord's member JSON.
    Joined(JsonAnswer),
    /// 204 No Content: the user was a member already (Discord changed nothing).
    AlreadyMember,
}

impl DiscordClient {
    /// `PUT /guilds/{guild.id}/members/{user.id}` with `body` (`access_token` and the optional
    /// `nick`, `roles`, `mute`, `deaf`) and an optional audit-log reason. Retried after 5xx
    /// and network failures: a repeat of a join that took effect answers 204.
    /// <https://discord.com/developers/docs/resources/guild#add-guild-member>
    ///
    /// # Errors
    /// 404/10004 Unknown Guild and 404/10013 Unknown User (`NOT_FOUND`), 403/50025 Invalid
    /// OAuth2 access token and 403/50013 Missing Permissions (`PERMISSION_DENIED`), 400/50035
    /// (`INVALID_ARGUMENT`); [`Error::Internal`] for a 2xx answer that is neither a member nor
    /// empty; otherwise see [`DiscordClient`].
    pub async fn add_guild_member(
        &self,
        guild_id: u64,
        user_id: u64,
        body: &Value,
        audit_log_reason: &str,
        deadline: Instant,
    ) -> Result<Added> {
        let route = Route::AddGuildMember { guild_id, user_id };
        let outgoing = Outgoing::new(route.clone())
            .json(body)
            .audit_log_reason(audit_log_reason);
        let (status, bytes) = self.execute_with_status(&outgoing, deadline).await?;
        if status == 204 || bytes.iter().all(u8::is_ascii_whitespace) {
            return Ok(Added::AlreadyMember);
        }
        let value = serde_json::from_slice(&bytes).map_err(|error| {
            Error::Internal(format!(
                "unexpected response body from Discord for {}: {error}",
                route.template()
            ))
        })?;
        Ok(Added::Joined(JsonAnswer {
            value,
            text: String::from_utf8_lossy(&bytes).into_owned(),
        }))
    }
}
