//! Get Channel: `GET /channels/{channel.id}` ([`Route::Channel`]).
//! <https://discord.com/developers/docs/resources/channel#get-channel>

use crate::{
    discord::{
        client::{DiscordClient, JsonAnswer},
        outgoing::Outgoing,
        route::Route,
    },
    error::Result,
};
use serde_json::Value;
use tokio::time::Instant;

impl DiscordClient {
    /// `GET /channels/{channel.id}`: the channel as Discord's JSON, read tolerantly by the
    /// caller.
    /// <https://discord.com/developers/docs/resources/channel#get-channel>
    ///
    /// # Errors
    /// 404/10003 Unknown Channel (`NOT_FOUND`), 403/50001 Missing Access
    /// (`PERMISSION_DENIED`); otherwise see [`DiscordClient`].
    pub async fn channel(&self, channel_id: u64, deadline: Instant) -> Result<Value> {
        self.json(Route::Channel { channel_id }, None, deadline)
            .await
    }

    /// [`channel`](Self::channel) with the answer's text as Discord sent it (the `json` of
    /// `GetChannelResponse`).
    ///
    /// # Errors
    /// As [`channel`](Self::channel).
    pub async fn channel_answer(&self, channel_id: u64, deadline: Instant) -> Result<JsonAnswer> {
        let outgoing = Outgoing::new(Route::Channel { channel_id });
        self.json_answer(&outgoing, deadline).await
    }
}
