//! `BulkOverwriteGlobalApplicationCommands`: `PUT /applications/{application.id}/commands`.
//! <https://discord.com/developers/docs/interactions/application-commands#bulk-overwrite-global-application-commands>

use crate::discord::request::command::limits;
use crate::{convert, error::Result, state::ProxyState};
use discordproxy_proto::{
    BulkOverwriteGlobalApplicationCommandsRequest, BulkOverwriteGlobalApplicationCommandsResponse,
};
use std::sync::Arc;
use tokio::time::Instant;

/// Handles one call: one REST call, with the application id the server learned.
///
/// # Errors
/// - `INVALID_ARGUMENT`, plain text, no request: `default_member_permissions` that is no decimal number (naming `commands[i]`).
/// - `INVALID_ARGUMENT` with Discord's 400/50035 JSON, no request: the limits of Create for each entry, under its index (`In 2.name: …`).
/// - `UNAVAILABLE`, plain text, no request: the application id is not known yet.
/// - Discord's errors by the status table: 400/30032 Maximum number of application commands and 400/50035 (e.g. two commands of the same name and type; `INVALID_ARGUMENT`); `UNAVAILABLE` when Discord is unreachable.
pub(crate) async fn handle(
    state: Arc<ProxyState>,
    request: BulkOverwriteGlobalApplicationCommandsRequest,
    deadline: Instant,
) -> Result<BulkOverwriteGlobalApplicationCommandsResponse> {
    tracing::info!(
        rpc = "BulkOverwriteGlobalApplicationCommands",
        commands = request.commands.len(),
        "received request"
    );
    let list = request
        .commands
        .iter()
        .enumerate()
        .map(|(index, params)| {
            convert::command::params_json(params, &format!("commands[{index}]"), true)
        })
        .collect::<Result<Vec<_>>>()?;
    limits::check_commands(&list)?;
    let body = serde_json::Value::Array(list);
    let application_id = super::application_id(&state, deadline).await?;
    let answer = state
        .rest
        .bulk_overwrite_global_application_commands(
            application_id,
            &body,
            &request.audit_log_reason,
            deadline,
        )
        .await?;
    Ok(BulkOverwriteGlobalApplicationCommandsResponse {
        commands: convert::command::list_from_json(&answer.value),
        json: answer.text,
    })
}
