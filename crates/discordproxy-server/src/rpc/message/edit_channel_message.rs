//! `EditChannelMessage`: `PATCH /channels/{channel_id}/messages/{message_id}` with only the
//! fields the caller set (and `null` for `clear_fields`).
//! <https://discord.com/developers/docs/resources/message#edit-message>

use crate::discord::{negative_cache::Target, request::message::limits};
use crate::rpc::{fields::required_id, unreachable::guarded};
use crate::{convert, error::Result, state::ProxyState};
use discordproxy_proto::{EditChannelMessageRequest, EditChannelMessageResponse};
use std::sync::Arc;
use tokio::time::Instant;

/// Handles one call: one REST call. The answer's `guild_id` comes from Discord's message or
/// the gateway cache (0 when neither has it).
///
/// # Errors
/// - `INVALID_ARGUMENT`, plain text, no request: `channel_id` or `message_id` 0; a
///   `clear_fields` entry that is not clearable or is also set (naming `clear_fields[i]`); an
///   edit that sets and clears nothing; `suppress_mentions` with `allowed_mentions`.
/// - `INVALID_ARGUMENT` with Discord's 400/50035 JSON, no request: content, embeds,
///   components or files over Discord's limits.
/// - Discord's errors by the status table: 404/10008 Unknown Message and 404/10003 Unknown
///   Channel (`NOT_FOUND`), 403/50005 (another user's message), 403/50001, 403/50013
///   (`PERMISSION_DENIED`), 400/50035 (`INVALID_ARGUMENT`); `UNAVAILABLE` when Discord is
///   unreachable.
pub(crate) async fn handle(
    state: Arc<ProxyState>,
    request: EditChannelMessageRequest,
    deadline: Instant,
) -> Result<EditChannelMessageResponse> {
    let channel_id = required_id(request.channel_id, "channel_id")?;
    let message_id = required_id(request.message_id, "message_id")?;
    tracing::info!(
        rpc = "EditChannelMessage",
        channel_id,
        message_id,
        "received request"
    );
    tracing::debug!(content = ?request.content, embeds = ?request.embeds, "request content");
    let body = convert::message_edit::edit_message(&request)?;
    limits::check_create_message(&body)?;
    limits::check_edit_components(&body)?;
    limits::check_files(&request.files)?;
    let files = convert::file::parts(&request.files);
    limits::check_upload(Some(&body), &files)?;
    let target = Target::Channel(channel_id);
    let edited = guarded(
        &state,
        target,
        state.rest.edit_message(
            channel_id,
            message_id,
            &body,
            &files,
            &request.audit_log_reason,
            deadline,
        ),
    )
    .await?;
    let guild_id = state.cache.channel_guild(channel_id).filter(|id| *id != 0);
    Ok(EditChannelMessageResponse {
        message: Some(convert::message::from_json(&edited.value, guild_id)),
        json: edited.text,
    })
}
