//! `GetGuildApplicationCommand`: `GET /applications/{application.id}/guilds/{guild.id}/commands/{command.id}`.
//! <https://discord.com/developers/docs/interactions/application-commands#get-guild-application-command>

use crate::rpc::fields::required_id;
use crate::{convert, error::Result, state::ProxyState};
use discordproxy_proto::{GetGuildApplicationCommandRequest, GetGuildApplicationCommandResponse};
use std::sync::Arc;
use tokio::time::Instant;

/// Handles one call: one REST call, with the application id the server learned.
///
/// # Errors
/// - `INVALID_ARGUMENT`, plain text, no request: `guild_id` 0; `command_id` 0.
/// - `UNAVAILABLE`, plain text, no request: the application id is not known yet.
/// - Discord's errors by the status table: 404/10063 Unknown application command (`NOT_FOUND`), 404/10004 Unknown Guild (`NOT_FOUND`); `UNAVAILABLE` when Discord is unreachable.
pub(crate) async fn handle(
    state: Arc<ProxyState>,
    request: GetGuildApplicationCommandRequest,
    deadline: Instant,
) -> Result<GetGuildApplicationCommandResponse> {
    let guild_id = required_id(request.guild_id, "guild_id")?;
    let command_id = required_id(request.command_id, "command_id")?;
    tracing::info!(
        rpc = "GetGuildApplicationCommand",
        guild_id,
        command_id,
        "received request"
    );
    let application_id = super::application_id(&state, deadline).await?;
    let answer = state
        .rest
        .guild_application_command(application_id, guild_id, command_id, deadline)
        .await?;
    Ok(GetGuildApplicationCommandResponse {
        command: Some(convert::command::from_json(&answer.value)),
        json: answer.text,
    })
}
