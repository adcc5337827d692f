//! Create DM: `POST /users/@me/channels` ([`Route::CreateDm`]) with `recipient_id`.
//! <https://discord.com/developers/docs/resources/user#create-dm>

use crate::{
    convert::json::snowflake,
    discord::{client::DiscordClient, route::Route},
    error::{Error, Result},
};
use tokio::time::Instant;

impl DiscordClient {
    /// `POST /users/@me/channels`: opens (or returns the existing) DM channel with a user and
    /// returns its id (the only field read from the answer).
    /// <https://discord.com/developers/docs/resources/user#create-dm>
    ///
    /// # Errors
    /// [`Error::Internal`] when the answer has no channel id; otherwise see [`DiscordClient`].
    pub async fn create_dm(&self, user_id: u64, deadline: Instant) -> Result<u64> {
        let body = serde_json::json!({ "recipient_id": user_id.to_string() });
        let channel = self.json(Route::CreateDm, Some(&body), deadline).await?;
        match channel.get("id").and_then(snowflake) {
            Some(id) if id != 0 => Ok(id),
            _ => Err(Error::Internal(format!(
                "Discord's answer to {} has no channel id",
                Route::CreateDm.template()
            ))),
        }
    }
}
