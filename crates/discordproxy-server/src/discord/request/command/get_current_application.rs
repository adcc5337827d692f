//! Get Current Application: `GET /applications/@me` ([`Route::CurrentApplication`]).
//! <https://discord.com/developers/docs/resources/application#get-current-application>

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
    /// `GET /applications/@me`: the bot's application (its `id` is the application id the
    /// command routes need); asked at start-up with `--no-gateway`. Retried after 5xx and
    /// network failures.
    /// <https://discord.com/developers/docs/resources/application#get-current-application>
    ///
    /// # Errors
    /// 401 (`UNAUTHENTICATED`) for an invalid token; otherwise see [`DiscordClient`].
    pub async fn current_application(&self, deadline: Instant) -> Result<JsonAnswer> {
        self.json_answer(&Outgoing::new(Route::CurrentApplication), deadline)
            .await
    }
}
