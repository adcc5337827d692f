//! `StartThreadInForumOrMediaChannel`: `POST /channels/{channel_id}/threads` with the post's
//! first `message`.
//! <https://discord.com/developers/docs/resources/channel#start-thread-in-forum-or-media-channel>

use crate::discord::negative_cache::Target;
use crate::discord::request::{message::limits as message_limits, thread::limits};
use crate::rpc::{fields::required_id, unreachable::guarded};
use crate::{convert, error::Result, state::ProxyState};
use discordproxy_proto::{
    StartThreadInForumOrMediaChannelRequest, StartThreadInForumOrMediaChannelResponse,
};
use serde_json::Value;
use std::sync::Arc;
use tokio::time::Instant;

/// Handles one call: one REST call, sent once (never retried: a repeat could post twice). The
/// response has the thread and, typed, its first message (Discord's nested `message`).
///
/// # Errors
/// - `INVALID_ARGUMENT`, plain text, no request: `channel_id` 0, no `message`, an id of 0 in
///   `applied_tags`, `message.sticker_ids` or `message.allowed_mentions`.
/// - `INVALID_ARGUMENT` with Discord's 400/50035 JSON, no request: the thread settings as
///   `StartThreadWithoutMessage`, more than 5 `applied_tags`, and the message's limits under
///   `message.…` (`In message.content: Must be 2000 or fewer in length.`), the files' limits
///   of `SendChannelMessage` (10 files, 10 MiB each, 25 MiB in all; naming `files[i]`) and
///   the components' (naming `message.components.…`).
/// - Discord's errors by the status table: 404/10003 Unknown Channel (`NOT_FOUND`), 403/50001
///   and 403/50013 (`PERMISSION_DENIED`), 400/50024 (not a forum or media channel), 400/50006
///   Cannot send an empty message and 400/50035 (`INVALID_ARGUMENT`); `UNAVAILABLE` when
///   Discord is unreachable.
pub(crate) async fn handle(
    state: Arc<ProxyState>,
    request: StartThreadInForumOrMediaChannelRequest,
    deadline: Instant,
) -> Result<StartThreadInForumOrMediaChannelResponse> {
    let channel_id = required_id(request.channel_id, "channel_id")?;
    tracing::info!(
        rpc = "StartThreadInForumOrMediaChannel",
        channel_id,
        "received request"
    );
    let body = convert::thread::start_thread_in_forum(&request)?;
    limits::check_forum_thread(&body)?;
    message_limits::check_components_at(&["message"], &body["message"])?;
    let files = request
        .message
        .as_ref()
        .map(|message| message.files.as_slice())
        .unwrap_or_default();
    message_limits::check_files(files)?;
    let files = convert::file::parts(files);
    message_limits::check_upload(Some(&body), &files)?;
    let answer = guarded(
        &state,
        Target::Channel(channel_id),
        state.rest.start_thread(
            channel_id,
            &body,
            &files,
            &request.audit_log_reason,
            deadline,
        ),
    )
    .await?;
    let channel = convert::channel::from_json(&answer.value);
    let guild = Some(channel.guild_id).filter(|id| *id != 0);
    let message = answer
        .value
        .get("message")
        .filter(|message| message.is_object())
        .map(|message: &Value| convert::message::from_json(message, guild));
    Ok(StartThreadInForumOrMediaChannelResponse {
        channel: Some(channel),
        message,
        json: answer.text,
    })
}
