//! `BulkOverwriteGuildApplicationCommands`: `PUT /applications/{application.id}/guilds/{guild.id}/commands`.
//! <https://discord.com/developers/docs/interactions/application-commands#bulk-overwrite-guild-application-commands>

use crate::discord::request::command::limits;
use crate::rpc::fields::required_id;
use crate::{convert, error::Result, state::ProxyState};
use discordproxy_proto::{
    BulkOverwriteGuildApplicationCommandsRequest, BulkOverwriteGuildApplicationCommandsResponse,
};
use std::sync::Arc;
use tokio::time::Instant;

/// Handles one call: one REST call, with the application id the server learned.
///
/// # Errors
/// - `INVALID_ARGUMENT`, plain text, no request: `guild_id` 0; `default_member_permissions` that is no decimal number (naming `commands[i]`).
/// - `INVALID_ARGUMENT` with Discord's 400/50035 JSON, no request: the limits of Create for each entry, under its index (`In 2.name: …`).
/// - `UNAVAILABLE`, plain text, no request: the application id is not known yet.
/// - Discord's errors by the status table: 400/30032 Maximum number of application commands and 400/50035 (e.g. two commands of the same name and type; `INVALID_ARGUMENT`), 404/10004 Unknown Guild (`NOT_FOUND`); `UNAVAILABLE` when Discord is unreachable.
pub(crate) async fn handle(
    state: Arc<ProxyState>,
    request: BulkOverwriteGuildApplicationCommandsRequest,
    deadline: Instant,
) -> Result<BulkOverwriteGuildApplicationCommandsResponse> {
    let guild_id = required_id(request.guild_id, "guild_id")?;
    tracing::info!(
        rpc = "BulkOverwriteGuildApplicationCommands",
        guild_id,
        commands = request.commands.len(),
        "received request"
    );
    let list = request
        .commands
        .iter()
        .enumerate()
        .map(|(index, params)| {
            convert::command::params_json(params, &format!("commands[{index}]"), false)
        })
        .collect::<Result<Vec<_>>>()?;
    limits::check_commands(&list)?;
    let body = serde_json::Value::Array(list);
    let application_id = super::application_id(&state, deadline).await?;
    let answer = state
        .rest
        .bulk_overwrite_guild_application_commands(
            application_id,
            guild_id,
            &body,
            &request.audit_log_reason,
            deadline,
        )
        .await?;
    Ok(BulkOverwriteGuildApplicationCommandsResponse {
        commands: convert::command::list_from_json(&answer.value),
        json: answer.text,
    })
}
