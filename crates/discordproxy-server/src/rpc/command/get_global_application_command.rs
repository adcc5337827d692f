//! `GetGlobalApplicationCommand`: `GET /applications/{application.id}/commands/{command.id}`.
//! <https://discord.com/developers/docs/interactions/application-commands#get-global-application-command>

use crate::rpc::fields::required_id;
use crate::{convert, error::Result, state::ProxyState};
use discordproxy_proto::{GetGlobalApplicationCommandRequest, GetGlobalApplicationCommandResponse};
use std::sync::Arc;
use tokio::time::Instant;

/// Handles one call: one REST call, with the application id the server learned.
///
/// # Errors
/// - `INVALID_ARGUMENT`, plain text, no request: `command_id` 0.
/// - `UNAVAILABLE`, plain text, no request: the application id is not known yet.
/// - Discord's errors by the status table: 404/10063 Unknown application command (`NOT_FOUND`); `UNAVAILABLE` when Discord is unreachable.
pub(crate) async fn handle(
    state: Arc<ProxyState>,
    request: GetGlobalApplicationCommandRequest,
    deadline: Instant,
) -> Result<GetGlobalApplicationCommandResponse> {
    let command_id = required_id(request.command_id, "command_id")?;
    tracing::info!(
        rpc = "GetGlobalApplicationCommand",
        command_id,
        "received request"
    );
    let application_id = super::application_id(&state, deadline).await?;
    let answer = state
        .rest
        .global_application_command(application_id, command_id, deadline)
        .await?;
    Ok(GetGlobalApplicationCommandResponse {
        command: Some(convert::command::from_json(&answer.value)),
        json: answer.text,
    })
}
