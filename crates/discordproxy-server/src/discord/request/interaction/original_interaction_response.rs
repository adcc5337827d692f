//! Get, Edit and Delete Original Interaction Response:
//! `GET`/`PATCH`/`DELETE /webhooks/{application.id}/{interaction.token}/messages/@original`
//! ([`Route::OriginalInteractionResponse`] and the two after it), without the bot's
//! `Authorization`; the path (with the token) is never logged. The follow-up endpoints are
//! the webhook message routes with the application id and interaction token (see
//! [`DiscordClient::execute_webhook`]).
//! <https://discord.com/developers/docs/interactions/receiving-and-responding#get-original-interaction-response>

use crate::{
    convert::file::FilePart,
    discord::{
        client::{DiscordClient, JsonAnswer},
        outgoing::Outgoing,
        route::{Route, WebhookToken},
    },
    error::Result,
};
use serde_json::Value;
use tokio::time::Instant;

impl DiscordClient {
    /// `GET /webhooks/{application.id}/{interaction.token}/messages/@original`: the message.
    /// <https://discord.com/developers/docs/interactions/receiving-and-responding#get-original-interaction-response>
    ///
    /// # Errors
    /// 404/10008 Unknown Message, 401/50027 Invalid Webhook Token (an expired token);
    /// otherwise see [`DiscordClient`].
    pub async fn original_interaction_response(
        &self,
        application_id: u64,
        interaction_token: &str,
        deadline: Instant,
    ) -> Result<JsonAnswer> {
        let outgoing = Outgoing::new(Route::OriginalInteractionResponse {
            webhook_id: application_id,
            webhook_token: WebhookToken::new(interaction_token),
        });
        self.json_answer(&outgoing, deadline).await
    }

    /// `PATCH /webhooks/{application.id}/{interaction.token}/messages/@original` with `body`
    /// and `files`: the edited message. Retried after 5xx and network failures (an edit sets
    /// the same fields again).
    /// <https://discord.com/developers/docs/interactions/receiving-and-responding#edit-original-interaction-response>
    ///
    /// # Errors
    /// As [`DiscordClient::original_interaction_response`], and 400/50035.
    pub async fn edit_original_interaction_response(
        &self,
        application_id: u64,
        interaction_token: &str,
        body: &Value,
        files: &[FilePart],
        deadline: Instant,
    ) -> Result<JsonAnswer> {
        let outgoing = Outgoing::new(Route::EditOriginalInteractionResponse {
            webhook_id: application_id,
            webhook_token: WebhookToken::new(interaction_token),
        })
        .json(body)
        .files(files);
        self.json_answer(&outgoing, deadline).await
    }

    /// `DELETE /webhooks/{application.id}/{interaction.token}/messages/@original` (Discord
    /// answers 204).
    /// <https://discord.com/developers/docs/interactions/receiving-and-responding#delete-original-interaction-response>
    ///
    /// # Errors
    /// As [`DiscordClient::original_interaction_response`].
    pub async fn delete_original_interaction_response(
        &self,
        application_id: u64,
        interaction_token: &str,
        deadline: Instant,
    ) -> Result<()> {
        let outgoing = Outgoing::new(Route::DeleteOriginalInteractionResponse {
            webhook_id: application_id,
            webhook_token: WebhookToken::new(interaction_token),
        });
        self.execute(&outgoing, deadline).await.map(drop)
    }
}
