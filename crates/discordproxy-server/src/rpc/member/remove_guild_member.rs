//! `RemoveGuildMember`: `DELETE /guilds/{guild_id}/members/{user_id}`.
//! <https://discord.com/developers/docs/resources/guild#remove-guild-member>

use crate::rpc::fields::required_id;
use crate::{error::Result, state::ProxyState};
use discordproxy_proto::{RemoveGuildMemberRequest, RemoveGuildMemberResponse};
use std::sync::Arc;
use tokio::time::Instant;

/// Handles one call: one REST call.
///
/// # Errors
/// - `INVALID_ARGUMENT`, plain text, no request: `guild_id` 0, `user_id` 0.
/// - Discord's errors by the status table: 404/10007 Unknown Member (`NOT_FOUND`), 403/50013 Missing Permissions (KICK_MEMBERS, a member not below the bot, the owner; `PERMISSION_DENIED`); `UNAVAILABLE` when Discord is unreachable.
pub(crate) async fn handle(
    state: Arc<ProxyState>,
    request: RemoveGuildMemberRequest,
    deadline: Instant,
) -> Result<RemoveGuildMemberResponse> {
    let guild_id = required_id(request.guild_id, "guild_id")?;
    let user_id = required_id(request.user_id, "user_id")?;
    tracing::info!(
        rpc = "RemoveGuildMember",
        guild_id,
        user_id,
        "received request"
    );
    state
        .rest
        .remove_guild_member(guild_id, user_id, &request.audit_log_reason, deadline)
        .await?;
    Ok(RemoveGuildMemberResponse {})
}
