//! `GetOriginalInteractionResponse`, `EditOriginalInteractionResponse` and
//! `DeleteOriginalInteractionResponse`: `GET`/`PATCH`/`DELETE
//! /webhooks/{application.id}/{interaction.token}/messages/@original`, without the bot token
//! and outside the bot's global rate limit (no negative cache: a 404 is about one message).
//! <https://discord.com/developers/docs/interactions/receiving-and-responding#get-original-interaction-response>

use super::required_token;
use crate::convert::interaction::EditFields;
use crate::discord::request::message::limits;
use crate::rpc::command::application_id;
use crate::{convert, error::Result, state::ProxyState};
use discordproxy_proto::{
    DeleteOriginalInteractionResponseRequest, DeleteOriginalInteractionResponseResponse,
    EditOriginalInteractionResponseRequest, EditOriginalInteractionResponseResponse,
    GetOriginalInteractionResponseRequest, GetOriginalInteractionResponseResponse,
};
use std::sync::Arc;
use tokio::time::Instant;

/// `GetOriginalInteractionResponse`: one REST call.
///
/// # Errors
/// `INVALID_ARGUMENT` (no request) for an empty `interaction_token`; `UNAVAILABLE` while the
/// application id is unknown; Discord's 404/10008 (`NOT_FOUND`), 401/50027 (`UNAUTHENTICATED`).
pub(crate) async fn get(
    state: Arc<ProxyState>,
    request: GetOriginalInteractionResponseRequest,
    deadline: Instant,
) -> Result<GetOriginalInteractionResponseResponse> {
    required_token(&request.interaction_token)?;
    tracing::info!(rpc = "GetOriginalInteractionResponse", "received request");
    let application_id = application_id(&state, deadline).await?;
    let answer = state
        .rest
        .original_interaction_response(application_id, &request.interaction_token, deadline)
        .await?;
    Ok(GetOriginalInteractionResponseResponse {
        message: Some(convert::message::from_json(&answer.value, None)),
        json: answer.text,
    })
}

/// `EditOriginalInteractionResponse`: one REST call with only the fields set.
///
/// # Errors
/// As [`get`], and `INVALID_ARGUMENT` (no request) for a bad `clear_fields` entry, nothing to
/// change, or the message limits (Discord's 400/50035 JSON).
pub(crate) async fn edit(
    state: Arc<ProxyState>,
    request: EditOriginalInteractionResponseRequest,
    deadline: Instant,
) -> Result<EditOriginalInteractionResponseResponse> {
    required_token(&request.interaction_token)?;
    tracing::info!(rpc = "EditOriginalInteractionResponse", "received request");
    let body = convert::interaction::edit_message(&EditFields {
        content: request.content.as_ref(),
        embeds: &request.embeds,
        suppress_mentions: request.suppress_mentions,
        allowed_mentions: request.allowed_mentions.as_ref(),
        components: &request.components,
        files: &request.files,
        attachment_ids: &request.attachment_ids,
        clear_fields: &request.clear_fields,
    })?;
    limits::check_create_message(&body)?;
    limits::check_components(&body)?;
    limits::check_files(&request.files)?;
    let files = convert::file::parts(&request.files);
    limits::check_upload(Some(&body), &files)?;
    let application_id = application_id(&state, deadline).await?;
    let answer = state
        .rest
        .edit_original_interaction_response(
            application_id,
            &request.interaction_token,
            &body,
            &files,
            deadline,
        )
        .await?;
    Ok(EditOriginalInteractionResponseResponse {
        message: Some(convert::message::from_json(&answer.value, None)),
        json: answer.text,
    })
}

/// `DeleteOriginalInteractionResponse`: one REST call (Discord answers 204).
///
/// # Errors
/// As [`get`].
pub(crate) async fn delete(
    state: Arc<ProxyState>,
    request: DeleteOriginalInteractionResponseRequest,
    deadline: Instant,
) -> Result<DeleteOriginalInteractionResponseResponse> {
    required_token(&request.interaction_token)?;
    tracing::info!(
        rpc = "DeleteOriginalInteractionResponse",
        "received request"
    );
    let application_id = application_id(&state, deadline).await?;
    state
        .rest
        .delete_original_interaction_response(application_id, &request.interaction_token, deadline)
        .await?;
    Ok(DeleteOriginalInteractionResponseResponse {})
}
