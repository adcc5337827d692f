//! `GetGuildRole`: `GET /guilds/{guild_id}/roles/{role_id}`.
//! <https://discord.com/developers/docs/resources/guild#get-guild-role>

use crate::rpc::fields::required_id;
use crate::{convert, error::Result, state::ProxyState};
use discordproxy_proto::{GetGuildRoleRequest, GetGuildRoleResponse};
use std::sync::Arc;
use tokio::time::Instant;

/// Handles one call: one REST call.
///
/// # Errors
/// - `INVALID_ARGUMENT`, plain text, no request: `guild_id` 0, `role_id` 0.
/// - Discord's errors by the status table: 404/10004 Unknown Guild and 404/10011 Unknown Role (`NOT_FOUND`); `UNAVAILABLE` when Discord is unreachable.
pub(crate) async fn handle(
    state: Arc<ProxyState>,
    request: GetGuildRoleRequest,
    deadline: Instant,
) -> Result<GetGuildRoleResponse> {
    let guild_id = required_id(request.guild_id, "guild_id")?;
    let role_id = required_id(request.role_id, "role_id")?;
    tracing::info!(rpc = "GetGuildRole", guild_id, role_id, "received request");
    let answer = state.rest.guild_role(guild_id, role_id, deadline).await?;
    Ok(GetGuildRoleResponse {
        role: Some(convert::role::from_json(&answer.value)),
        json: answer.text,
    })
}
