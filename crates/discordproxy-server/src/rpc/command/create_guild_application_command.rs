//! `CreateGuildApplicationCommand`: `POST /applications/{application.id}/guilds/{guild.id}/commands`.
//! <https://discord.com/developers/docs/interactions/application-commands#create-guild-application-command>

use crate::discord::request::command::limits;
use crate::rpc::fields::required_id;
use crate::{
    convert,
    error::{Error, Result},
    state::ProxyState,
};
use discordproxy_proto::{
    CreateGuildApplicationCommandRequest, CreateGuildApplicationCommandResponse,
};
use std::sync::Arc;
use tokio::time::Instant;

/// Handles one call: one REST call, with the application id the server learned.
///
/// # Errors
/// - `INVALID_ARGUMENT`, plain text, no request: `guild_id` 0; no `command`; `default_member_permissions` that is no decimal number; `dm_permission` (global commands only).
/// - `INVALID_ARGUMENT` with Discord's 400/50035 JSON, no request: a name of 0 or over 32 characters, or (CHAT_INPUT) not matching Discord's name rule or not lower case; a CHAT_INPUT description of 0 or over 100 characters; over 25 options or choices; a required option after an optional one.
/// - `UNAVAILABLE`, plain text, no request: the application id is not known yet.
/// - Discord's errors by the status table: 400/30032 Maximum number of application commands (`INVALID_ARGUMENT`), 403/50001 Missing Access (`PERMISSION_DENIED`), 404/10004 Unknown Guild (`NOT_FOUND`); `UNAVAILABLE` when Discord is unreachable.
pub(crate) async fn handle(
    state: Arc<ProxyState>,
    request: CreateGuildApplicationCommandRequest,
    deadline: Instant,
) -> Result<CreateGuildApplicationCommandResponse> {
    let guild_id = required_id(request.guild_id, "guild_id")?;
    tracing::info!(
        rpc = "CreateGuildApplicationCommand",
        guild_id,
        "received request"
    );
    let params = request.command.as_ref().ok_or_else(|| {
        Error::InvalidArgument("command must be set: the command to create".into())
    })?;
    let body = convert::command::params_json(params, "command", false)?;
    limits::check_command(&body, limits::CHAT_INPUT)?;
    let application_id = super::application_id(&state, deadline).await?;
    let (created, answer) = state
        .rest
        .create_guild_application_command(
            application_id,
            guild_id,
            &body,
            &request.audit_log_reason,
            deadline,
        )
        .await?;
    Ok(CreateGuildApplicationCommandResponse {
        command: Some(convert::command::from_json(&answer.value)),
        json: answer.text,
        created,
    })
}
