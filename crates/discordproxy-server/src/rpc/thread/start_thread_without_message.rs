//! `StartThreadWithoutMessage`: `POST /channels/{channel_id}/threads`.
//! <https://discord.com/developers/docs/resources/channel#start-thread-without-message>

use crate::discord::negative_cache::Target;
use crate::discord::request::thread::limits;
use crate::rpc::{fields::required_id, unreachable::guarded};
use crate::{convert, error::Result, state::ProxyState};
use discordproxy_proto::{StartThreadWithoutMessageRequest, StartThreadWithoutMessageResponse};
use std::sync::Arc;
use tokio::time::Instant;

/// Handles one call: one REST call, sent once (never retried: a repeat could start a second
/// thread).
///
/// # Errors
/// - `INVALID_ARGUMENT`, plain text, no request: `channel_id` 0.
/// - `INVALID_ARGUMENT` with Discord's 400/50035 JSON, no request: a `name` of 0 or over 100
///   characters, an `auto_archive_duration` other than 60, 1440, 4320, 10080, a
///   `rate_limit_per_user` outside 0–21600, a `type` other than 10, 11, 12.
/// - Discord's errors by the status table: 404/10003 Unknown Channel (`NOT_FOUND`), 403/50001
///   and 403/50013 (`PERMISSION_DENIED`), 400/50024 Cannot execute action on this channel type
///   (`INVALID_ARGUMENT`); `UNAVAILABLE` when Discord is unreachable.
pub(crate) async fn handle(
    state: Arc<ProxyState>,
    request: StartThreadWithoutMessageRequest,
    deadline: Instant,
) -> Result<StartThreadWithoutMessageResponse> {
    let channel_id = required_id(request.channel_id, "channel_id")?;
    tracing::info!(
        rpc = "StartThreadWithoutMessage",
        channel_id,
        "received request"
    );
    let body = convert::thread::start_thread_without_message(&request);
    limits::check_thread_settings(&body)?;
    let answer = guarded(
        &state,
        Target::Channel(channel_id),
        state
            .rest
            .start_thread(channel_id, &body, &[], &request.audit_log_reason, deadline),
    )
    .await?;
    Ok(StartThreadWithoutMessageResponse {
        channel: Some(convert::channel::from_json(&answer.value)),
        json: answer.text,
    })
}
