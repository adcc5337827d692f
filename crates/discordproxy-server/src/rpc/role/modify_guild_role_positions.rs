//! `ModifyGuildRolePositions`: `PATCH /guilds/{guild_id}/roles`.
//! <https://discord.com/developers/docs/resources/guild#modify-guild-role-positions>

use crate::rpc::fields::required_id;
use crate::{convert, error::Result, state::ProxyState};
use discordproxy_proto::{ModifyGuildRolePositionsRequest, ModifyGuildRolePositionsResponse};
use std::sync::Arc;
use tokio::time::Instant;

/// Handles one call: one REST call.
///
/// # Errors
/// - `INVALID_ARGUMENT`, plain text, no request: `guild_id` 0; a `clear_fields` entry that is not clearable or is also set; a change of nothing; no positions, or an entry with `id` 0.
/// - Discord's errors by the status table: 404/10004 Unknown Guild and 404/10011 Unknown Role (`NOT_FOUND`), 403/50013 Missing Permissions (`PERMISSION_DENIED`); `UNAVAILABLE` when Discord is unreachable.
pub(crate) async fn handle(
    state: Arc<ProxyState>,
    request: ModifyGuildRolePositionsRequest,
    deadline: Instant,
) -> Result<ModifyGuildRolePositionsResponse> {
    let guild_id = required_id(request.guild_id, "guild_id")?;
    tracing::info!(
        rpc = "ModifyGuildRolePositions",
        guild_id,
        "received request"
    );
    let body = convert::role::modify_guild_role_positions(&request)?;
    let answer = state
        .rest
        .modify_guild_role_positions(guild_id, &body, &request.audit_log_reason, deadline)
        .await?;
    Ok(ModifyGuildRolePositionsResponse {
        roles: convert::role::list_from_json(&answer.value),
        json: answer.text,
    })
}
