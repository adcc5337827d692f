//! `GetGuildApplicationCommands`: `GET /applications/{application.id}/guilds/{guild.id}/commands`.
//! <https://discord.com/developers/docs/interactions/application-commands#get-guild-application-commands>

use crate::rpc::fields::required_id;
use crate::{convert, error::Result, state::ProxyState};
use discordproxy_proto::{GetGuildApplicationCommandsRequest, GetGuildApplicationCommandsResponse};
use std::sync::Arc;
use tokio::time::Instant;

/// Handles one call: one REST call, with the application id the server learned.
///
/// # Errors
/// - `INVALID_ARGUMENT`, plain text, no request: `guild_id` 0;.
/// - `UNAVAILABLE`, plain text, no request: the application id is not known yet (no READY before the deadline, or `GET /applications/@me` failed).
/// - Discord's errors by the status table, 404/10004 Unknown Guild (`NOT_FOUND`); `UNAVAILABLE` when Discord is unreachable.
pub(crate) async fn handle(
    state: Arc<ProxyState>,
    request: GetGuildApplicationCommandsRequest,
    deadline: Instant,
) -> Result<GetGuildApplicationCommandsResponse> {
    let guild_id = required_id(request.guild_id, "guild_id")?;
    tracing::info!(
        rpc = "GetGuildApplicationCommands",
        guild_id,
        "received request"
    );
    let application_id = super::application_id(&state, deadline).await?;
    let answer = state
        .rest
        .guild_application_commands(
            application_id,
            guild_id,
            request.with_localizations,
            deadline,
        )
        .await?;
    Ok(GetGuildApplicationCommandsResponse {
        commands: convert::command::list_from_json(&answer.value),
        json: answer.text,
    })
}
