//! Get Gateway Bot: `GET /gateway/bot` ([`Route::GatewayBot`]).
//! <https://discord.com/developers/docs/events/gateway#get-gateway-bot>

use crate::{
    convert::gateway::{GatewayBot, gateway_bot},
    discord::{client::DiscordClient, route::Route},
    error::{Error, Result},
};
use tokio::time::Instant;

impl DiscordClient {
    /// `GET /gateway/bot`: gateway URL, recommended shard count and identify limits.
    /// <https://discord.com/developers/docs/events/gateway#get-gateway-bot>
    ///
    /// # Errors
    /// 401 (`UNAUTHENTICATED`) for an invalid token; [`Error::Internal`] when the answer has
    /// no gateway URL; otherwise see [`DiscordClient`].
    pub async fn gateway_bot(&self, deadline: Instant) -> Result<GatewayBot> {
        let info = gateway_bot(&self.json(Route::GatewayBot, None, deadline).await?);
        if info.url.is_empty() {
            return Err(Error::Internal(format!(
                "Discord's answer to {} has no gateway url",
                Route::GatewayBot.template()
            )));
        }
        Ok(info)
    }
}
