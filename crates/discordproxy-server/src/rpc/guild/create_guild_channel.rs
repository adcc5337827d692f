//! `CreateGuildChannel`: `POST /guilds/{guild_id}/channels`.
//! <https://discord.com/developers/docs/resources/guild#create-guild-channel>

use crate::discord::request::channel::limits;
use crate::rpc::fields::required_id;
use crate::{convert, error::Result, state::ProxyState};
use discordproxy_proto::{CreateGuildChannelRequest, CreateGuildChannelResponse};
use std::sync::Arc;
use tokio::time::Instant;

/// Handles one call: one REST call, sent once (never retried: a repeat could create a second
/// channel).
///
/// # Errors
/// - `INVALID_ARGUMENT`, plain text, no request: `guild_id` 0, a malformed permission
///   overwrite.
/// - `INVALID_ARGUMENT` with Discord's 400/50035 JSON, no request: a name of 0 or over 100
///   characters, other settings over Discord's limits.
/// - Discord's errors by the status table: 404/10004 Unknown Guild (`NOT_FOUND`), 403/50013
///   Missing Permissions (`PERMISSION_DENIED`), 400/50035 and 400/30013 Maximum number of
///   guild channels reached (`INVALID_ARGUMENT`); `UNAVAILABLE` when Discord is unreachable.
pub(crate) async fn handle(
    state: Arc<ProxyState>,
    request: CreateGuildChannelRequest,
    deadline: Instant,
) -> Result<CreateGuildChannelResponse> {
    let guild_id = required_id(request.guild_id, "guild_id")?;
    tracing::info!(rpc = "CreateGuildChannel", guild_id, "received request");
    let body = convert::channel_body::create_guild_channel(&request)?;
    limits::check_channel_settings(&body)?;
    let answer = state
        .rest
        .create_guild_channel(guild_id, &body, &request.audit_log_reason, deadline)
        .await?;
    Ok(CreateGuildChannelResponse {
        channel: Some(convert::channel::from_json(&answer.value)),
        json: answer.text,
    })
}
