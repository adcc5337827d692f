//! `RemoveGuildBan`: `DELETE /guilds/{guild_id}/bans/{user_id}`.
//! <https://discord.com/developers/docs/resources/guild#remove-guild-ban>

use crate::rpc::fields::required_id;
use crate::{error::Result, state::ProxyState};
use discordproxy_proto::{RemoveGuildBanRequest, RemoveGuildBanResponse};
use std::sync::Arc;
use tokio::time::Instant;

/// Handles one call: one REST call; Discord's 204 becomes the empty response.
///
/// # Errors
/// - `INVALID_ARGUMENT`, plain text, no request: `guild_id` or `user_id` 0.
/// - Discord's errors by the status table: 404/10026 Unknown Ban (`NOT_FOUND`), 403/50013
///   Missing Permissions (`PERMISSION_DENIED`); `UNAVAILABLE` when Discord is unreachable.
pub(crate) async fn handle(
    state: Arc<ProxyState>,
    request: RemoveGuildBanRequest,
    deadline: Instant,
) -> Result<RemoveGuildBanResponse> {
    let guild_id = required_id(request.guild_id, "guild_id")?;
    let user_id = required_id(request.user_id, "user_id")?;
    tracing::info!(
        rpc = "RemoveGuildBan",
        guild_id,
        user_id,
        "received request"
    );
    state
        .rest
        .remove_guild_ban(guild_id, user_id, &request.audit_log_reason, deadline)
        .await?;
    Ok(RemoveGuildBanResponse {})
}
