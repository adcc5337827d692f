//! `CreateFollowupMessage`, `GetFollowupMessage`, `EditFollowupMessage` and
//! `DeleteFollowupMessage`: `POST /webhooks/{application.id}/{interaction.token}` and
//! `GET`/`PATCH`/`DELETE …/messages/{message.id}` (Discord's webhook message routes with the
//! application id and the interaction token), without the bot token and outside the bot's
//! global rate limit (no negative cache: the application id is not a webhook to forget).
//! <https://discord.com/developers/docs/interactions/receiving-and-responding#create-followup-message>

use super::required_token;
use crate::convert::interaction::EditFields;
use crate::discord::request::message::limits;
use crate::rpc::command::application_id;
use crate::rpc::fields::required_id;
use crate::{convert, error::Result, state::ProxyState};
use discordproxy_proto::{
    CreateFollowupMessageRequest, CreateFollowupMessageResponse, DeleteFollowupMessageRequest,
    DeleteFollowupMessageResponse, EditFollowupMessageRequest, EditFollowupMessageResponse,
    GetFollowupMessageRequest, GetFollowupMessageResponse,
};
use std::sync::Arc;
use tokio::time::Instant;

/// `CreateFollowupMessage`: one REST call (`wait=true`: Discord answers the message), never
/// retried (a repeat could post twice).
///
/// # Errors
/// `INVALID_ARGUMENT` (no request) for an empty `interaction_token` or the message limits;
/// `UNAVAILABLE` while the application id is unknown; Discord's 401/50027 (`UNAUTHENTICATED`,
/// an expired token), 400/50035.
pub(crate) async fn create(
    state: Arc<ProxyState>,
    request: CreateFollowupMessageRequest,
    deadline: Instant,
) -> Result<CreateFollowupMessageResponse> {
    required_token(&request.interaction_token)?;
    tracing::info!(rpc = "CreateFollowupMessage", "received request");
    tracing::debug!(content = %request.content, "request content");
    let body = convert::interaction::create_followup_message(&request)?;
    limits::check_create_message(&body)?;
    limits::check_components(&body)?;
    limits::check_files(&request.files)?;
    let files = convert::file::parts(&request.files);
    limits::check_upload(Some(&body), &files)?;
    let application_id = application_id(&state, deadline).await?;
    let answer = state
        .rest
        .execute_webhook(
            application_id,
            &request.interaction_token,
            true,
            0,
            &body,
            &files,
            deadline,
        )
        .await?;
    // With wait=true Discord answers the message; a 204 would leave the response empty.
    Ok(
        answer.map_or_else(CreateFollowupMessageResponse::default, |answer| {
            CreateFollowupMessageResponse {
                message: Some(convert::message::from_json(&answer.value, None)),
                json: answer.text,
            }
        }),
    )
}

/// `GetFollowupMessage`: one REST call.
///
/// # Errors
/// As [`create`] (for `message_id` 0 too), and Discord's 404/10008 (`NOT_FOUND`).
pub(crate) async fn get(
    state: Arc<ProxyState>,
    request: GetFollowupMessageRequest,
    deadline: Instant,
) -> Result<GetFollowupMessageResponse> {
    required_token(&request.interaction_token)?;
    let message_id = required_id(request.message_id, "message_id")?;
    tracing::info!(rpc = "GetFollowupMessage", message_id, "received request");
    let application_id = application_id(&state, deadline).await?;
    let answer = state
        .rest
        .webhook_message(
            application_id,
            &request.interaction_token,
            message_id,
            0,
            deadline,
        )
        .await?;
    Ok(GetFollowupMessageResponse {
        message: Some(convert::message::from_json(&answer.value, None)),
        json: answer.text,
    })
}

/// `EditFollowupMessage`: one REST call with only the fields set.
///
/// # Errors
/// As [`get`], and `INVALID_ARGUMENT` (no request) for a bad `clear_fields` entry, nothing to
/// change, or the message limits.
pub(crate) async fn edit(
    state: Arc<ProxyState>,
    request: EditFollowupMessageRequest,
    deadline: Instant,
) -> Result<EditFollowupMessageResponse> {
    required_token(&request.interaction_token)?;
    let message_id = required_id(request.message_id, "message_id")?;
    tracing::info!(rpc = "EditFollowupMessage", message_id, "received request");
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
        .edit_webhook_message(
            application_id,
            &request.interaction_token,
            message_id,
            0,
            &body,
            &files,
            deadline,
        )
        .await?;
    Ok(EditFollowupMessageResponse {
        message: Some(convert::message::from_json(&answer.value, None)),
        json: answer.text,
    })
}

/// `DeleteFollowupMessage`: one REST call (Discord answers 204).
///
/// # Errors
/// As [`get`].
pub(crate) async fn delete(
    state: Arc<ProxyState>,
    request: DeleteFollowupMessageRequest,
    deadline: Instant,
) -> Result<DeleteFollowupMessageResponse> {
    required_token(&request.interaction_token)?;
    let message_id = required_id(request.message_id, "message_id")?;
    tracing::info!(
        rpc = "DeleteFollowupMessage",
        message_id,
        "received request"
    );
    let application_id = application_id(&state, deadline).await?;
    state
        .rest
        .delete_webhook_message(
            application_id,
            &request.interaction_token,
            message_id,
            0,
            deadline,
        )
        .await?;
    Ok(DeleteFollowupMessageResponse {})
}
