//! Get Channel Webhooks: `GET /channels/{channel.id}/webhooks` ([`Route::ChannelWebhooks`]).
//! <https://discord.com/developers/docs/resources/webhook#get-channel-webhooks>

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
    /// `GET /channels/{channel.id}/webhooks`: Discord's answer. Retried after 5xx and network failures.
    /// <https://discord.com/developers/docs/resources/webhook#get-channel-webhooks>
    ///
    /// # Errors
    /// 404/10003 Unknown Channel (`NOT_FOUND`), 403/50013 Missing Permissions (`PERMISSION_DENIED`); otherwise see [`DiscordClient`].
    pub async fn channel_webhooks(&self, channel_id: u64, deadline: Instant) -> Result<JsonAnswer> {
        let outgoing = Outgoing::new(Route::ChannelWebhooks { channel_id });
        self.json_answer(&outgoing, deadline).await
    }
}
