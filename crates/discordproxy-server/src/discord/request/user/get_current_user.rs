//! Get Current User: `GET /users/@me` ([`Route::CurrentUser`]).
//! <https://discord.com/developers/docs/resources/user#get-current-user>

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
    /// `GET /users/@me`: the bot's own user (Discord's JSON, read tolerantly by the caller);
    /// used to check the token at start-up.
    /// <https://discord.com/developers/docs/resources/user#get-current-user>
    ///
    /// # Errors
    /// 401 (`UNAUTHENTICATED`) for an invalid token; otherwise see [`DiscordClient`].
    pub async fn current_user(&self, deadline: Instant) -> Result<Value> {
        self.json(Route::CurrentUser, None, deadline).await
    }

    /// `GET /users/@me` for `GetCurrentUser`: Discord's JSON with its text.
    /// <https://discord.com/developers/docs/resources/user#get-current-user>
    ///
    /// # Errors
    /// 401 (`UNAUTHENTICATED`) for an invalid token; otherwise see [`DiscordClient`].
    pub async fn current_user_answer(&self, deadline: Instant) -> Result<JsonAnswer> {
        self.json_answer(&Outgoing::new(Route::CurrentUser), deadline)
            .await
    }
}
