//! Get Guild Channels: `GET /guilds/{guild.id}/channels` ([`Route::GuildChannels`]).
//! <https://discord.com/developers/docs/resources/guild#get-guild-channels>

use crate::{
    discord::{client::DiscordClient, route::Route},
    error::{Error, Result},
};
use serde_json::Value;
use tokio::time::Instant;

impl DiscordClient {
    /// `GET /guilds/{guild.id}/channels`, in Discord's order, each channel as Discord's JSON
    /// (converted tolerantly by `convert::channel`).
    /// <https://discord.com/developers/docs/resources/guild#get-guild-channels>
    ///
    /// # Errors
    /// 404/10004 Unknown Guild (`NOT_FOUND`), 403/50001 Missing Access
    /// (`PERMISSION_DENIED`); [`Error::Internal`] when the answer is no JSON array; otherwise
    /// see [`DiscordClient`].
    pub async fn guild_channels(&self, guild_id: u64, deadline: Instant) -> Result<Vec<Value>> {
        let route = Route::GuildChannels { guild_id };
        match self.json(route.clone(), None, deadline).await? {
            Value::Array(channels) => Ok(channels),
            _ => Err(Error::Internal(format!(
                "Discord's answer to {} is no JSON array",
                route.template()
            ))),
        }
    }
}
