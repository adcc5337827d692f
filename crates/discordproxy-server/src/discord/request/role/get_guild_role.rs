//! Get Guild Role: `GET /guilds/{guild.id}/roles/{role.id}` ([`Route::GuildRole`]).
//! <https://discord.com/developers/docs/resources/guild#get-guild-role>

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
    /// `GET /guilds/{guild.id}/roles/{role.id}`: the role's JSON. Retried after 5xx and network failures.
    /// <https://discord.com/developers/docs/resources/guild#get-guild-role>
    ///
    /// # Errors
    /// 404/10004 Unknown Guild and 404/10011 Unknown Role (`NOT_FOUND`); otherwise see [`DiscordClient`].
    pub async fn guild_role(
        &self,
        guild_id: u64,
        role_id: u64,
        deadline: Instant,
    ) -> Result<JsonAnswer> {
        let outgoing = Outgoing::new(Route::GuildRole { guild_id, role_id });
        self.json_answer(&outgoing, deadline).await
    }
}
