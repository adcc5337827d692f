//! Get Guild: `GET /guilds/{guild.id}` ([`Route::Guild`]): the guild (`GetGuild`), and an
//! existence check.
//! <https://discord.com/developers/docs/resources/guild#get-guild>

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
    /// `GET /guilds/{guild.id}`: only checks that the guild exists and is visible (the answer
    /// is not decoded).
    /// <https://discord.com/developers/docs/resources/guild#get-guild>
    ///
    /// # Errors
    /// 404/10004 Unknown Guild (`NOT_FOUND`), 403/50001 Missing Access
    /// (`PERMISSION_DENIED`); otherwise see [`DiscordClient`].
    pub async fn check_guild(&self, guild_id: u64, deadline: Instant) -> Result<()> {
        self.send(Route::Guild { guild_id }, None, deadline)
            .await
            .map(drop)
    }

    /// `GET /guilds/{guild.id}[?with_counts=true]`: the guild's JSON (with its roles;
    /// `with_counts` adds `approximate_member_count` and `approximate_presence_count`).
    /// Retried after 5xx and network failures.
    /// <https://discord.com/developers/docs/resources/guild#get-guild>
    ///
    /// # Errors
    /// 404/10004 Unknown Guild (`NOT_FOUND`), 403/50001 Missing Access
    /// (`PERMISSION_DENIED`); otherwise see [`DiscordClient`].
    pub async fn guild(
        &self,
        guild_id: u64,
        with_counts: bool,
        deadline: Instant,
    ) -> Result<JsonAnswer> {
        let outgoing = Outgoing::new(Route::Guild { guild_id })
            .query(&[("with_counts", with_counts.then(|| "true".to_owned()))]);
        self.json_answer(&outgoing, deadline).await
    }
}
