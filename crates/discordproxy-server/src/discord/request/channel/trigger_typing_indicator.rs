//! Trigger Typing Indicator: `POST /channels/{channel.id}/typing` ([`Route::TriggerTyping`]),
//! no body; Discord answers 204 No Content.
//! <https://discord.com/developers/docs/resources/channel#trigger-typing-indicator>

use crate::{
    discord::{client::DiscordClient, outgoing::Outgoing, route::Route},
    error::Result,
};
use tokio::time::Instant;

impl DiscordClient {
    /// `POST /channels/{channel.id}/typing`. Retried after 5xx and network failures: typing
    /// twice shows the same indicator.
    /// <https://discord.com/developers/docs/resources/channel#trigger-typing-indicator>
    ///
    /// # Errors
    /// 404/10003 Unknown Channel (`NOT_FOUND`), 403/50001 Missing Access and 403/50013 Missing
    /// Permissions (`PERMISSION_DENIED`); otherwise see [`DiscordClient`].
    pub async fn trigger_typing(&self, channel_id: u64, deadline: Instant) -> Result<()> {
        let outgoing = Outgoing::new(Route::TriggerTyping { channel_id });
        self.execute(&outgoing, deadline).await.map(drop)
    }
}
