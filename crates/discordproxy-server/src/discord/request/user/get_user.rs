//! Get User: `GET /users/{user.id}` ([`Route::User`]).
//! <https://discord.com/developers/docs/resources/user#get-user>

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
    /// `GET /users/{user.id}`: the user as Discord's JSON (`SendDirectMessage` only needs to
    /// know the user exists, so nothing is decoded).
    /// <https://discord.com/developers/docs/resources/user#get-user>
    ///
    /// # Errors
    /// 404/10013 Unknown User (`NOT_FOUND`); otherwise see [`DiscordClient`].
    pub async fn user(&self, user_id: u64, deadline: Instant) -> Result<Value> {
        self.json(Route::User { user_id }, None, deadline).await
    }

    /// `GET /users/{user.id}` for `GetUser`: Discord's JSON with its text.
    /// <https://discord.com/developers/docs/resources/user#get-user>
    ///
    /// # Errors
    /// 404/10013 Unknown User (`NOT_FOUND`); otherwise see [`DiscordClient`].
    pub async fn user_answer(&self, user_id: u64, deadline: Instant) -> Result<JsonAnswer> {
        self.json_answer(&Outgoing::new(Route::User { user_id }), deadline)
            .await
    }
}
