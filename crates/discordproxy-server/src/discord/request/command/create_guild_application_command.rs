//! Create Guild Application Command: `POST /applications/{application.id}/guilds/{guild.id}/commands` ([`Route::CreateGuildApplicationCommand`]).
//! <https://discord.com/developers/docs/interactions/application-commands#create-guild-application-command>

use crate::error::Error;
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
    /// `POST /applications/{application.id}/guilds/{guild.id}/commands` with `body` and an optional audit-log reason: whether Discord created a command (201) rather than replacing the one of the same name and type (200), with its JSON. Retried after 5xx and network failures (a repeat replaces the same command).
    /// <https://discord.com/developers/docs/interactions/application-commands#create-guild-application-command>
    ///
    /// # Errors
    /// 400/50035 and 400/30032 Maximum number of application commands (`INVALID_ARGUMENT`), 404/10004 Unknown Guild (`NOT_FOUND`), 403/50001 Missing Access (`PERMISSION_DENIED`); otherwise see [`DiscordClient`].
    pub async fn create_guild_application_command(
        &self,
        application_id: u64,
        guild_id: u64,
        body: &Value,
        audit_log_reason: &str,
        deadline: Instant,
    ) -> Result<(bool, JsonAnswer)> {
        let route = Route::CreateGuildApplicationCommand {
            application_id,
            guild_id,
        };
        let outgoing = Outgoing::new(route.clone())
            .json(body)
            .audit_log_reason(audit_log_reason);
        let (status, bytes) = self.execute_with_status(&outgoing, deadline).await?;
        let value = serde_json::from_slice(&bytes).map_err(|error| {
            Error::Internal(format!(
                "unexpected response body from Discord for {}: {error}",
                route.template()
            ))
        })?;
        let answer = JsonAnswer {
            value,
            text: String::from_utf8_lossy(&bytes).into_owned(),
        };
        Ok((status == 201, answer))
    }
}
