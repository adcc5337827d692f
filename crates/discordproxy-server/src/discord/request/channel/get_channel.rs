//! Get Channel: `GET /channels/{channel.id}` ([`Route::Channel`]).
//! <https://discord.com/developers/docs/resources/channel#get-channel>

use crate::{
    discord::{client::DiscordClient, route::Route},
    error::Result,
};
use tokio::time::Instant;
use twilight_model::channel::Channel;

impl DiscordClient {
    /// `GET /channels/{channel.id}`.
    /// <https://discord.com/developers/docs/resources/channel#get-channel>
    ///
    /// # Errors
    /// 404/10003 Unknown Channel (`NOT_FOUND`), 403/50001 Missing Access
    /// (`PERMISSION_DENIED`); otherwise see [`DiscordClient`].
    pub async fn channel(&self, channel_id: u64, deadline: Instant) -> Result<Channel> {
        self.json(Route::Channel { channel_id }, None, deadline)
            .await
    }
}
