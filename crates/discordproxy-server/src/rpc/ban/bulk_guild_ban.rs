//! `BulkGuildBan`: `POST /guilds/{guild_id}/bulk-ban`.
//! <https://discord.com/developers/docs/resources/guild#bulk-guild-ban>

use crate::discord::request::ban::limits;
use crate::rpc::fields::required_id;
use crate::{convert, error::Result, state::ProxyState};
use discordproxy_proto::{BulkGuildBanRequest, BulkGuildBanResponse};
use std::sync::Arc;
use tokio::time::Instant;

/// Handles one call: one REST call, sent once (never retried).
///
/// # Errors
/// - `INVALID_ARGUMENT`, plain text, no request: `guild_id` 0, a user id of 0 or repeated.
/// - `INVALID_ARGUMENT` with Discord's 400/50035 JSON, no request: no `user_ids` or over 200,
///   `delete_message_seconds` outside 0–604800.
/// - Discord's errors by the status table: 403/50013 Missing Permissions (BAN_MEMBERS and
///   MANAGE_GUILD; `PERMISSION_DENIED`), 400/500000 Failed to ban users (nobody banned;
///   `INVALID_ARGUMENT`); `UNAVAILABLE` when Discord is unreachable.
pub(crate) async fn handle(
    state: Arc<ProxyState>,
    request: BulkGuildBanRequest,
    deadline: Instant,
) -> Result<BulkGuildBanResponse> {
    let guild_id = required_id(request.guild_id, "guild_id")?;
    tracing::info!(
        rpc = "BulkGuildBan",
        guild_id,
        users = request.user_ids.len(),
        "received request"
    );
    let body = convert::ban::bulk_guild_ban(&request)?;
    limits::check_ban(&body)?;
    let answer = state
        .rest
        .bulk_guild_ban(guild_id, &body, &request.audit_log_reason, deadline)
        .await?;
    Ok(BulkGuildBanResponse {
        banned_users: convert::ban::user_ids(&answer.value, "banned_users"),
        failed_users: convert::ban::user_ids(&answer.value, "failed_users"),
        json: answer.text,
    })
}
