//! Get Guild Channels: `GET /guilds/{guild.id}/channels` ([`Route::GuildChannels`]).
//! <https://discord.com/developers/docs/resources/guild#get-guild-channels>

use crate::{
    discord::{client::DiscordClient, route::Route},
    error::Result,
};
use tokio::time::Instant;
use twilight_model::channel::Channel;

impl DiscordClient {
    /// `GET /guilds/{guild.id}/channels`, in Discord's order.
    /// <https://discord.com/developers/docs/resources/guild#get-guild-channels>
    ///
    /// # Errors
    /// 404/10004 Unknown Guild (`NOT_FOUND`), 403/50001 Missing Access
    /// (`PERMISSION_DENIED`); otherwise see [`DiscordClient`].
    pub async fn guild_channels(&self, guild_id: u64, deadline: Instant) -> Result<Vec<Channel>> {
        self.json(Route::GuildChannels { guild_id }, None, deadline)
            .await
    }
}
