//! Get Guild Roles: `GET /guilds/{guild.id}/roles` ([`Route::GuildRoles`]).
//! <https://discord.com/developers/docs/resources/guild#get-guild-roles>

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
    /// `GET /guilds/{guild.id}/roles`: every role of the guild as Discord's JSON array. Retried after 5xx and network failures.
    /// <https://discord.com/developers/docs/resources/guild#get-guild-roles>
    ///
    /// # Errors
    /// 404/10004 Unknown Guild (`NOT_FOUND`), 403/50001 Missing Access (`PERMISSION_DENIED`); otherwise see [`DiscordClient`].
    pub async fn guild_roles(&self, guild_id: u64, deadline: Instant) -> Result<JsonAnswer> {
        let outgoing = Outgoing::new(Route::GuildRoles { guild_id });
        self.json_answer(&outgoing, deadline).await
    }
}
