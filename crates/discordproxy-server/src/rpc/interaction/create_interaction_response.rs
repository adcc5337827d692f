//! `CreateInteractionResponse`: `POST /interactions/{interaction_id}/{interaction_token}/callback`,
//! without the bot token and outside the bot's global rate limit; sent at once, never retried
//! and never later than 3 s after the interaction's creation.
//! <https://discord.com/developers/docs/interactions/receiving-and-responding#create-interaction-response>

use super::required_token;
use crate::convert::interaction::{CHANNEL_MESSAGE_WITH_SOURCE, UPDATE_MESSAGE};
use crate::discord::request::message::limits::{self, now_ms, snowflake_time_ms};
use crate::rpc::fields::required_id;
use crate::{
    convert,
    error::{Error, Result},
    state::ProxyState,
};
use discordproxy_proto::{CreateInteractionResponseRequest, CreateInteractionResponseResponse};
use std::sync::Arc;
use std::time::Duration;
use tokio::time::Instant;

/// How long after its creation Discord takes an interaction's initial response.
pub(crate) const RESPONSE_WINDOW_MS: u64 = 3_000;

/// Handles one call: one REST call, or none when the interaction (by its snowflake's
/// timestamp) is 3 s old or older. The request's deadline is cut to the end of the 3 s, so a
/// response never waits past it (behind its route's bucket) and is never retried.
///
/// # Errors
/// - `INVALID_ARGUMENT`, plain text, no request: `interaction_id` 0, an empty
///   `interaction_token`, a `type` outside 1 and 4–9, fields the type does not take,
///   `suppress_mentions` with `allowed_mentions`.
/// - `INVALID_ARGUMENT` with Discord's 400/50035 (or 413/40005) JSON, no request: the message
///   limits of Create Message (content, embeds, components, files) for types 4 and 7.
/// - `DEADLINE_EXCEEDED`, no request: the interaction is 3 s old or older.
/// - Discord's errors by the status table: 404/10062 Unknown interaction (`NOT_FOUND`),
///   400/40060 Interaction has already been acknowledged; `UNAVAILABLE` when Discord is
///   unreachable.
pub(crate) async fn handle(
    state: Arc<ProxyState>,
    request: CreateInteractionResponseRequest,
    deadline: Instant,
) -> Result<CreateInteractionResponseResponse> {
    let interaction_id = required_id(request.interaction_id, "interaction_id")?;
    required_token(&request.interaction_token)?;
    tracing::info!(
        rpc = "CreateInteractionResponse",
        interaction_id,
        callback_type = request.r#type,
        with_response = request.with_response,
        "received request"
    );
    let body = convert::interaction::create_interaction_response(&request)?;
    if matches!(request.r#type, CHANNEL_MESSAGE_WITH_SOURCE | UPDATE_MESSAGE)
        && let Some(data) = body.get("data")
    {
        limits::check_create_message(data)?;
        limits::check_components(data)?;
    }
    limits::check_files(&request.files)?;
    let files = convert::file::parts(&request.files);
    limits::check_upload(Some(&body), &files)?;
    let age_ms = now_ms().saturating_sub(snowflake_time_ms(interaction_id));
    if age_ms >= RESPONSE_WINDOW_MS {
        return Err(Error::DeadlineExceeded(format!(
            "interaction {interaction_id} was created {age_ms} ms ago: Discord takes its \
             initial response only within 3 s of its creation, so none was sent"
        )));
    }
    let left = Duration::from_millis(RESPONSE_WINDOW_MS - age_ms);
    let deadline = deadline.min(Instant::now() + left);
    let answer = state
        .rest
        .create_interaction_response(
            interaction_id,
            &request.interaction_token,
            request.with_response,
            &body,
            &files,
            deadline,
        )
        .await?;
    Ok(match answer {
        Some(answer) => {
            let resource = answer.value.get("resource");
            let message = resource
                .and_then(|resource| resource.get("message"))
                .filter(|message| message.is_object());
            let response_message_id = answer
                .value
                .get("interaction")
                .and_then(|interaction| interaction.get("response_message_id"))
                .and_then(convert::json::snowflake)
                .unwrap_or(0);
            CreateInteractionResponseResponse {
                answered: true,
                response_message_id,
                message: message.map(|message| convert::message::from_json(message, None)),
                json: answer.text,
            }
        }
        None => CreateInteractionResponseResponse::default(),
    })
}
