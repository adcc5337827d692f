//! `GetGuildRoles`: `GET /guilds/{guild_id}/roles`.
//! <https://discord.com/developers/docs/resources/guild#get-guild-roles>

use crate::rpc::fields::required_id;
use crate::{convert, error::Result, state::ProxyState};
use discordproxy_proto::{GetGuildRolesRequest, GetGuildRolesResponse};
use std::sync::Arc;
use tokio::time::Instant;

/// Handles one call: one REST call.
///
/// # Errors
/// - `INVALID_ARGUMENT`, plain text, no request: `guild_id` 0.
/// - Discord's errors by the status table: 404/10004 Unknown Guild (`NOT_FOUND`); `UNAVAILABLE` when Discord is unreachable.
pub(crate) async fn handle(
    state: Arc<ProxyState>,
    request: GetGuildRolesRequest,
    deadline: Instant,
) -> Result<GetGuildRolesResponse> {
    let guild_id = required_id(request.guild_id, "guild_id")?;
    tracing::info!(rpc = "GetGuildRoles", guild_id, "received request");
    let answer = state.rest.guild_roles(guild_id, deadline).await?;
    Ok(GetGuildRolesResponse {
        roles: convert::role::list_from_json(&answer.value),
        json: answer.text,
    })
}
