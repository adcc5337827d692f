//! Create DM: `POST /users/@me/channels` ([`Route::CreateDm`]) with `recipient_id`.
//! <https://discord.com/developers/docs/resources/user#create-dm>

use crate::{
    discord::{client::DiscordClient, route::Route},
    error::Result,
};
use tokio::time::Instant;
use twilight_model::channel::Channel;

impl DiscordClient {
    /// `POST /users/@me/channels`: opens (or returns the existing) DM channel with a user.
    /// <https://discord.com/developers/docs/resources/user#create-dm>
    ///
    /// # Errors
    /// See [`DiscordClient`].
    pub async fn create_dm(&self, user_id: u64, deadline: Instant) -> Result<Channel> {
        let body = serde_json::json!({ "recipient_id": user_id.to_string() });
        self.json(Route::CreateDm, Some(&body), deadline).await
    }
}
