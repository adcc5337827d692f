//! Create DM: `POST /users/@me/channels` ([`Route::CreateDm`]) with `recipient_id`.
//! <https://discord.com/developers/docs/resources/user#create-dm>

use crate::{
    convert::json::snowflake,
    discord::{
        client::{DiscordClient, JsonAnswer},
        outgoing::Outgoing,
        route::Route,
    },
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

    /// `POST /users/@me/channels` with `{"recipient_id"}` for `CreateDM`: the DM channel as
    /// Discord's JSON with its text. Retried after 5xx and network failures (Discord returns
    /// the existing channel).
    /// <https://discord.com/developers/docs/resources/user#create-dm>
    ///
    /// # Errors
    /// 400/50033 Invalid Recipient(s) (`INVALID_ARGUMENT`); otherwise see [`DiscordClient`].
    pub async fn create_dm_answer(&self, user_id: u64, deadline: Instant) -> Result<JsonAnswer> {
        let body = serde_json::json!({ "recipient_id": user_id.to_string() });
        self.json_answer(&Outgoing::new(Route::CreateDm).json(&body), deadline)
            .await
    }
}
