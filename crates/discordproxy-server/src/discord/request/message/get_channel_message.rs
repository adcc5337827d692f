//! Get Channel Message: `GET /channels/{channel.id}/messages/{message.id}`
//! ([`Route::ChannelMessage`]).
//! <https://discord.com/developers/docs/resources/message#get-channel-message>

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
    /// `GET /channels/{channel.id}/messages/{message.id}`: the message as Discord's JSON.
    /// <https://discord.com/developers/docs/resources/message#get-channel-message>
    ///
    /// # Errors
    /// 404/10008 Unknown Message and 404/10003 Unknown Channel (`NOT_FOUND`), 403/50001
    /// Missing Access and 403/50013 Missing Permissions (`PERMISSION_DENIED`); otherwise see
    /// [`DiscordClient`].
    pub async fn channel_message(
        &self,
        channel_id: u64,
        message_id: u64,
        deadline: Instant,
    ) -> Result<JsonAnswer> {
        let route = Route::ChannelMessage {
            channel_id,
            message_id,
        };
        self.json_answer(&Outgoing::new(route), deadline).await
    }
}
