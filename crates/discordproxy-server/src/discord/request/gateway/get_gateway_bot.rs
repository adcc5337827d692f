//! Get Gateway Bot: `GET /gateway/bot` ([`Route::GatewayBot`]).
//! <https://discord.com/developers/docs/events/gateway#get-gateway-bot>

use crate::{
    discord::{client::DiscordClient, route::Route},
    error::Result,
};
use tokio::time::Instant;
use twilight_model::gateway::connection_info::BotConnectionInfo;

impl DiscordClient {
    /// `GET /gateway/bot`: gateway URL, recommended shard count and identify limits.
    /// <https://discord.com/developers/docs/events/gateway#get-gateway-bot>
    ///
    /// # Errors
    /// 401 (`UNAUTHENTICATED`) for an invalid token; otherwise see [`DiscordClient`].
    pub async fn gateway_bot(&self, deadline: Instant) -> Result<BotConnectionInfo> {
        self.json(Route::GatewayBot, None, deadline).await
    }
}
