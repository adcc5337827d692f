//! `AddGuildMemberRole`: `PUT /guilds/{guild_id}/members/{user_id}/roles/{role_id}`.
//! <https://discord.com/developers/docs/resources/guild#add-guild-member-role>

use crate::rpc::fields::required_id;
use crate::{error::Result, state::ProxyState};
use discordproxy_proto::{AddGuildMemberRoleRequest, AddGuildMemberRoleResponse};
use std::sync::Arc;
use tokio::time::Instant;

/// Handles one call: one REST call.
///
/// # Errors
/// - `INVALID_ARGUMENT`, plain text, no request: `guild_id` 0, `user_id` 0, `role_id` 0.
/// - Discord's errors by the status table: 404/10007 Unknown Member, 404/10011 Unknown Role (`NOT_FOUND`), 403/50013 Missing Permissions (MANAGE_ROLES, a role not below the bot's highest, a managed role; `PERMISSION_DENIED`); `UNAVAILABLE` when Discord is unreachable.
pub(crate) async fn handle(
    state: Arc<ProxyState>,
    request: AddGuildMemberRoleRequest,
    deadline: Instant,
) -> Result<AddGuildMemberRoleResponse> {
    let guild_id = required_id(request.guild_id, "guild_id")?;
    let user_id = required_id(request.user_id, "user_id")?;
    let role_id = required_id(request.role_id, "role_id")?;
    tracing::info!(
        rpc = "AddGuildMemberRole",
        guild_id,
        user_id,
        role_id,
        "received request"
    );
    state
        .rest
        .add_guild_member_role(
            guild_id,
            user_id,
            role_id,
            &request.audit_log_reason,
            deadline,
        )
        .await?;
    Ok(AddGuildMemberRoleResponse {})
}
