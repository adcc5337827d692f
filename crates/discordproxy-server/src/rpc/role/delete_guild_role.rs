//! `DeleteGuildRole`: `DELETE /guilds/{guild_id}/roles/{role_id}`.
//! <https://discord.com/developers/docs/resources/guild#delete-guild-role>

use crate::rpc::fields::required_id;
use crate::{error::Result, state::ProxyState};
use discordproxy_proto::{DeleteGuildRoleRequest, DeleteGuildRoleResponse};
use std::sync::Arc;
use tokio::time::Instant;

/// Handles one call: one REST call.
///
/// # Errors
/// - `INVALID_ARGUMENT`, plain text, no request: `guild_id` 0, `role_id` 0.
/// - Discord's errors by the status table: 404/10004 Unknown Guild and 404/10011 Unknown Role (`NOT_FOUND`), 403/50013 Missing Permissions (`PERMISSION_DENIED`), 400/50028 Invalid Role (`@everyone`, a managed role; `INVALID_ARGUMENT`); `UNAVAILABLE` when Discord is unreachable.
pub(crate) async fn handle(
    state: Arc<ProxyState>,
    request: DeleteGuildRoleRequest,
    deadline: Instant,
) -> Result<DeleteGuildRoleResponse> {
    let guild_id = required_id(request.guild_id, "guild_id")?;
    let role_id = required_id(request.role_id, "role_id")?;
    tracing::info!(
        rpc = "DeleteGuildRole",
        guild_id,
        role_id,
        "received request"
    );
    state
        .rest
        .delete_guild_role(guild_id, role_id, &request.audit_log_reason, deadline)
        .await?;
    Ok(DeleteGuildRoleResponse {})
}
