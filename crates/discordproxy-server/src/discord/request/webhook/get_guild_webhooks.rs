//! Get Guild Webhooks: `GET /guilds/{guild.id}/webhooks` ([`Route::GuildWebhooks`]).
//! <https://discord.com/developers/docs/resources/webhook#get-guild-webhooks>

use crate::{
    discord::{
        client::{DiscordClient, JsonAnswer},
        outgoing::Outgoing,
        route::Route,
    },
    error::Result,
};
use tokio::time::Instant;

impl DiscordClient {
    /// `GET /guilds/{guild.id}/webhooks`: Discord's answer. Retried after 5xx and network failures.
    /// <https://discord.com/developers/docs/resources/webhook#get-guild-webhooks>
    ///
    /// # Errors
    /// 404/10004 Unknown Guild (`NOT_FOUND`), 403/50013 Missing Permissions (`PERMISSION_DENIED`); otherwise see [`DiscordClient`].
    pub async fn guild_webhooks(&self, guild_id: u64, deadline: Instant) -> Result<JsonAnswer> {
        let outgoing = Outgoing::new(Route::GuildWebhooks { guild_id });
        self.json_answer(&outgoing, deadline).await
    }
}
