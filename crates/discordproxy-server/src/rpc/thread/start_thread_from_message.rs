//! `StartThreadFromMessage`: `POST /channels/{channel_id}/messages/{message_id}/threads`.
//! <https://discord.com/developers/docs/resources/channel#start-thread-from-message>

use crate::discord::negative_cache::Target;
use crate::discord::request::thread::limits;
use crate::rpc::{fields::required_id, unreachable::guarded};
use crate::{convert, error::Result, state::ProxyState};
use discordproxy_proto::{StartThreadFromMessageRequest, StartThreadFromMessageResponse};
use std::sync::Arc;
use tokio::time::Instant;

/// Handles one call: one REST call, sent once (never retried).
///
/// # Errors
/// - `INVALID_ARGUMENT`, plain text, no request: `channel_id` or `message_id` 0.
/// - `INVALID_ARGUMENT` with Discord's 400/50035 JSON, no request: a `name` of 0 or over 100
///   characters, an `auto_archive_duration` other than 60, 1440, 4320, 10080, a
///   `rate_limit_per_user` outside 0–21600.
/// - Discord's errors by the status table: 404/10003 Unknown Channel and 404/10008 Unknown
///   Message (`NOT_FOUND`), 403/50001 and 403/50013 (`PERMISSION_DENIED`), 400/50024 Cannot
///   execute action on this channel type and 400/160004 A thread has already been created for
///   this message (`INVALID_ARGUMENT`); `UNAVAILABLE` when Discord is unreachable.
pub(crate) async fn handle(
    state: Arc<ProxyState>,
    request: StartThreadFromMessageRequest,
    deadline: Instant,
) -> Result<StartThreadFromMessageResponse> {
    let channel_id = required_id(request.channel_id, "channel_id")?;
    let message_id = required_id(request.message_id, "message_id")?;
    tracing::info!(
        rpc = "StartThreadFromMessage",
        channel_id,
        message_id,
        "received request"
    );
    let body = convert::thread::start_thread_from_message(&request);
    limits::check_thread_settings(&body)?;
    let answer = guarded(
        &state,
        Target::Channel(channel_id),
        state.rest.start_thread_from_message(
            channel_id,
            message_id,
            &body,
            &request.audit_log_reason,
            deadline,
        ),
    )
    .await?;
    Ok(StartThreadFromMessageResponse {
        channel: Some(convert::channel::from_json(&answer.value)),
        json: answer.text,
    })
}
