//! Get Guild Ban: `GET /guilds/{guild.id}/bans/{user.id}` ([`Route::GuildBan`]).
//! <https://discord.com/developers/docs/resources/guild#get-guild-ban>

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
    /// `GET /guilds/{guild.id}/bans/{user.id}`: the ban's JSON. Retried after 5xx and network
    /// failures.
    /// <https://discord.com/developers/docs/resources/guild#get-guild-ban>
    ///
    /// # Errors
    /// 404/10026 Unknown Ban and 404/10004 Unknown Guild (`NOT_FOUND`), 403/50013 Missing
    /// Permissions (`PERMISSION_DENIED`); otherwise see [`DiscordClient`].
    pub async fn guild_ban(
        &self,
        guild_id: u64,
        user_id: u64,
        deadline: Instant,
    ) -> Result<JsonAnswer> {
        let outgoing = Outgoing::new(Route::GuildBan { guild_id, user_id });
        self.json_answer(&outgoing, deadline).await
    }
}
