//! `ModifyChannel`: `PATCH /channels/{channel_id}` with only the settings the caller set (and
//! `null` for `clear_fields`).
//! <https://discord.com/developers/docs/resources/channel#modify-channel>

use crate::discord::{negative_cache::Target, request::channel::limits};
use crate::rpc::{fields::required_id, unreachable::guarded};
use crate::{convert, error::Result, state::ProxyState};
use discordproxy_proto::{ModifyChannelRequest, ModifyChannelResponse};
use std::sync::Arc;
use tokio::time::Instant;

/// Handles one call: one REST call.
///
/// # Errors
/// - `INVALID_ARGUMENT`, plain text, no request: `channel_id` 0 or `parent_id` 0; a
///   `clear_fields` entry that is not clearable or is also set (naming `clear_fields[i]`); a
///   change of nothing; a malformed permission overwrite.
/// - `INVALID_ARGUMENT` with Discord's 400/50035 JSON, no request: settings over Discord's
///   limits (name 1–100 characters, topic, slowmode 0–21600, …).
/// - Discord's errors by the status table: 404/10003 Unknown Channel (`NOT_FOUND`), 403/50001
///   Missing Access and 403/50013 Missing Permissions (`PERMISSION_DENIED`), 400/50035
///   (`INVALID_ARGUMENT`); `UNAVAILABLE` when Discord is unreachable.
pub(crate) async fn handle(
    state: Arc<ProxyState>,
    request: ModifyChannelRequest,
    deadline: Instant,
) -> Result<ModifyChannelResponse> {
    let channel_id = required_id(request.channel_id, "channel_id")?;
    tracing::info!(rpc = "ModifyChannel", channel_id, "received request");
    let body = convert::channel_body::modify_channel(&request)?;
    limits::check_channel_settings(&body)?;
    let target = Target::Channel(channel_id);
    let answer = guarded(
        &state,
        target,
        state
            .rest
            .modify_channel(channel_id, &body, &request.audit_log_reason, deadline),
    )
    .await?;
    Ok(ModifyChannelResponse {
        channel: Some(convert::channel::from_json(&answer.value)),
        json: answer.text,
    })
}
