//! `EditGlobalApplicationCommand`: `PATCH /applications/{application.id}/commands/{command.id}`.
//! <https://discord.com/developers/docs/interactions/application-commands#edit-global-application-command>

use crate::discord::request::command::limits;
use crate::rpc::fields::required_id;
use crate::{convert, error::Result, state::ProxyState};
use discordproxy_proto::{
    EditGlobalApplicationCommandRequest, EditGlobalApplicationCommandResponse,
};
use std::sync::Arc;
use tokio::time::Instant;

/// Handles one call: one REST call, with the application id the server learned.
///
/// # Errors
/// - `INVALID_ARGUMENT`, plain text, no request: `command_id` 0; no `edit` or a change of nothing; a `clear_fields` entry that is not clearable or is also set; `default_member_permissions` that is no decimal number.
/// - `INVALID_ARGUMENT` with Discord's 400/50035 JSON, no request: a name of 0 or over 32 characters, a description over 100 characters, over 25 options or choices, a required option after an optional one.
/// - `UNAVAILABLE`, plain text, no request: the application id is not known yet.
/// - Discord's errors by the status table: 404/10063 Unknown application command (`NOT_FOUND`), 400/50035 (e.g. a CHAT_INPUT name Discord refuses; `INVALID_ARGUMENT`); `UNAVAILABLE` when Discord is unreachable.
pub(crate) async fn handle(
    state: Arc<ProxyState>,
    request: EditGlobalApplicationCommandRequest,
    deadline: Instant,
) -> Result<EditGlobalApplicationCommandResponse> {
    let command_id = required_id(request.command_id, "command_id")?;
    tracing::info!(
        rpc = "EditGlobalApplicationCommand",
        command_id,
        "received request"
    );
    let body =
        convert::command::edit_json(request.edit.as_ref(), "EditGlobalApplicationCommand", true)?;
    limits::check_command(&body, 0)?;
    let application_id = super::application_id(&state, deadline).await?;
    let answer = state
        .rest
        .edit_global_application_command(
            application_id,
            command_id,
            &body,
            &request.audit_log_reason,
            deadline,
        )
        .await?;
    Ok(EditGlobalApplicationCommandResponse {
        command: Some(convert::command::from_json(&answer.value)),
        json: answer.text,
    })
}
