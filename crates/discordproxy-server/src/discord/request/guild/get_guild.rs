//! Get Guild: `GET /guilds/{guild.id}` ([`Route::Guild`]), used as an existence check.
//! <https://discord.com/developers/docs/resources/guild#get-guild>

use crate::{
    discord::{client::DiscordClient, route::Route},
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
}
