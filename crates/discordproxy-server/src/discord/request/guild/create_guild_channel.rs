//! Create Guild Channel: `POST /guilds/{guild.id}/channels` ([`Route::CreateGuildChannel`]);
//! Discord answers 201 with the new channel.
//! <https://discord.com/developers/docs/resources/guild#create-guild-channel>
//!
//! Limits: [`check_channel_settings`](crate::discord::request::channel::limits::check_channel_settings),
//! which the RPC calls before the request.

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
    /// `POST /guilds/{guild.id}/channels` with `body` and an optional audit-log reason.
    /// Returns Discord's channel JSON. Sent once, never retried after a 5xx or network failure:
    /// a repeat could create a second channel.
    /// <https://discord.com/developers/docs/resources/guild#create-guild-channel>
    ///
    /// # Errors
    /// 404/10004 Unknown Guild (`NOT_FOUND`), 403/50013 Missing Permissions
    /// (`PERMISSION_DENIED`), 400/50035 Invalid Form Body and 400/30013 Maximum number of
    /// guild channels reached (`INVALID_ARGUMENT`); otherwise see [`DiscordClient`].
    pub async fn create_guild_channel(
        &self,
        guild_id: u64,
        body: &Value,
        audit_log_reason: &str,
        deadline: Instant,
    ) -> Result<JsonAnswer> {
        let outgoing = Outgoing::new(Route::CreateGuildChannel { guild_id })
            .json(body)
            .audit_log_reason(audit_log_reason)
            .retry(Retry::Never);
        self.json_answer(&outgoing, deadline).await
    }
}
