//! `GetGlobalApplicationCommands`: `GET /applications/{application.id}/commands`.
//! <https://discord.com/developers/docs/interactions/application-commands#get-global-application-commands>

use crate::{convert, error::Result, state::ProxyState};
use discordproxy_proto::{
    GetGlobalApplicationCommandsRequest, GetGlobalApplicationCommandsResponse,
};
use std::sync::Arc;
use tokio::time::Instant;

/// Handles one call: one REST call, with the application id the server learned.
///
/// # Errors
/// - `INVALID_ARGUMENT`, plain text, no request: none.
/// - `UNAVAILABLE`, plain text, no request: the application id is not known yet (no READY before the deadline, or `GET /applications/@me` failed).
/// - Discord's errors by the status table; `UNAVAILABLE` when Discord is unreachable.
pub(crate) async fn handle(
    state: Arc<ProxyState>,
    request: GetGlobalApplicationCommandsRequest,
    deadline: Instant,
) -> Result<GetGlobalApplicationCommandsResponse> {
    tracing::info!(rpc = "GetGlobalApplicationCommands", "received request");
    let application_id = super::application_id(&state, deadline).await?;
    let answer = state
        .rest
        .global_application_commands(application_id, request.with_localizations, deadline)
        .await?;
    Ok(GetGlobalApplicationCommandsResponse {
        commands: convert::command::list_from_json(&answer.value),
        json: answer.text,
    })
}
