//! Get Guild Application Commands: `GET /applications/{application.id}/guilds/{guild.id}/commands` ([`Route::GuildApplicationCommands`]).
//! <https://discord.com/developers/docs/interactions/application-commands#get-guild-application-commands>

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
    /// `GET /applications/{application.id}/guilds/{guild.id}/commands` (`with_localizations=true` when asked): the commands as Discord's JSON array. Retried after 5xx and network failures.
    /// <https://discord.com/developers/docs/interactions/application-commands#get-guild-application-commands>
    ///
    /// # Errors
    /// 403/50001 Missing Access (another application), 404/10004 Unknown Guild (`NOT_FOUND`); otherwise see [`DiscordClient`].
    pub async fn guild_application_commands(
        &self,
        application_id: u64,
        guild_id: u64,
        with_localizations: bool,
        deadline: Instant,
    ) -> Result<JsonAnswer> {
        let outgoing = Outgoing::new(Route::GuildApplicationCommands {
            application_id,
            guild_id,
        })
        .query(&[(
            "with_localizations",
            with_localizations.then(|| "true".to_owned()),
        )]);
        self.json_answer(&outgoing, deadline).await
    }
}
