//! Get Guild Application Command: `GET /applications/{application.id}/guilds/{guild.id}/commands/{command.id}` ([`Route::GuildApplicationCommand`]).
//! <https://discord.com/developers/docs/interactions/application-commands#get-guild-application-command>

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
    /// `GET /applications/{application.id}/guilds/{guild.id}/commands/{command.id}`: the command's JSON. Retried after 5xx and network failures.
    /// <https://discord.com/developers/docs/interactions/application-commands#get-guild-application-command>
    ///
    /// # Errors
    /// 404/10063 Unknown application command and 404/10004 Unknown Guild (`NOT_FOUND`), 403/50001 Missing Access (`PERMISSION_DENIED`); otherwise see [`DiscordClient`].
    pub async fn guild_application_command(
        &self,
        application_id: u64,
        guild_id: u64,
        command_id: u64,
        deadline: Instant,
    ) -> Result<JsonAnswer> {
        let outgoing = Outgoing::new(Route::GuildApplicationCommand {
            application_id,
            guild_id,
            command_id,
        });
        self.json_answer(&outgoing, deadline).await
    }
}
