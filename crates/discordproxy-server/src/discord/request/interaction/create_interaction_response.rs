//! Create Interaction Response: `POST /interactions/{interaction.id}/{interaction.token}/callback`
//! ([`Route::CreateInteractionResponse`]), sent without the bot's `Authorization` and outside
//! its global rate limit; the path (with the token) is never logged.
//! <https://discord.com/developers/docs/interactions/receiving-and-responding#create-interaction-response>

use crate::{
    convert::file::FilePart,
    discord::{
        client::{DiscordClient, JsonAnswer},
        outgoing::{Outgoing, Retry},
        route::{Route, WebhookToken},
    },
    error::Result,
};
use serde_json::Value;
use tokio::time::Instant;

impl DiscordClient {
    /// `POST /interactions/{interaction.id}/{interaction.token}/callback` with `body` and
    /// `files` (`multipart/form-data` when any); `with_response` adds `with_response=true`
    /// (Discord answers the callback). `None` for Discord's 204. Never retried: a response
    /// that fails is not sent again (Discord takes it only within 3 s, and only once).
    /// <https://discord.com/developers/docs/interactions/receiving-and-responding#create-interaction-response>
    ///
    /// # Errors
    /// 404/10062 Unknown interaction (`NOT_FOUND`), 400/40060 Interaction has already been
    /// acknowledged (`INVALID_ARGUMENT`... by the status table), 400/50035; otherwise see
    /// [`DiscordClient`].
    pub async fn create_interaction_response(
        &self,
        interaction_id: u64,
        interaction_token: &str,
        with_response: bool,
        body: &Value,
        files: &[FilePart],
        deadline: Instant,
    ) -> Result<Option<JsonAnswer>> {
        let outgoing = Outgoing::new(Route::CreateInteractionResponse {
            interaction_id,
            interaction_token: WebhookToken::new(interaction_token),
        })
        .query(&[("with_response", with_response.then(|| "true".to_owned()))])
        .json(body)
        .files(files)
        .retry(Retry::Never);
        if !with_response {
            self.execute(&outgoing, deadline).await?;
            return Ok(None);
        }
        self.json_answer(&outgoing, deadline).await.map(Some)
    }
}
