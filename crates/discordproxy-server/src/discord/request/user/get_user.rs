//! Get User: `GET /users/{user.id}` ([`Route::User`]).
//! <https://discord.com/developers/docs/resources/user#get-user>

use crate::{
    discord::{client::DiscordClient, route::Route},
    error::Result,
};
use tokio::time::Instant;
use twilight_model::user::User;

impl DiscordClient {
    /// `GET /users/{user.id}`.
    /// <https://discord.com/developers/docs/resources/user#get-user>
    ///
    /// # Errors
    /// 404/10013 Unknown User (`NOT_FOUND`); otherwise see [`DiscordClient`].
    pub async fn user(&self, user_id: u64, deadline: Instant) -> Result<User> {
        self.json(Route::User { user_id }, None, deadline).await
    }
}
