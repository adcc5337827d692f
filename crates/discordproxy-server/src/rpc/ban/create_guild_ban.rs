//! `CreateGuildBan`: `PUT /guilds/{guild_id}/bans/{user_id}`.
//! <https://discord.com/developers/docs/resources/guild#create-guild-ban>

use crate::discord::request::ban::limits;
use crate::rpc::fields::required_id;
use crate::{convert, error::Result, state::ProxyState};
use discordproxy_proto::{CreateGuildBanRequest, CreateGuildBanResponse};
use std::sync::Arc;
use tokio::time::Instant;

/// Handles one call: one REST call; Discord's 204 becomes the empty response.
///
/// # Errors
/// - `INVALID_ARGUMENT`, plain text, no request: `guild_id` or `user_id` 0.
/// - `INVALID_ARGUMENT` with Discord's 400/50035 JSON, no request: `delete_message_seconds`
///   outside 0–604800.
/// - Discord's errors by the status table: 404/10013 Unknown User (`NOT_FOUND`), 403/50013
///   Missing Permissions (BAN_MEMBERS, a member not below the bot, the owner;
///   `PERMISSION_DENIED`); `UNAVAILABLE` when Discord is unreachable.
pub(crate) async fn handle(
    state: Arc<ProxyState>,
    request: CreateGuildBanRequest,
    deadline: Instant,
) -> Result<CreateGuildBanResponse> {
    let guild_id = required_id(request.guild_id, "guild_id")?;
    let user_id = required_id(request.user_id, "user_id")?;
    tracing::info!(
        rpc = "CreateGuildBan",
        guild_id,
        user_id,
        "received request"
    );
    let body = convert::ban::create_guild_ban(&request);
    if let Some(body) = &body {
        limits::check_ban(body)?;
    }
    state
        .rest
        .create_guild_ban(
            guild_id,
            user_id,
            body.as_ref(),
            &request.audit_log_reason,
            deadline,
        )
        .await?;
    Ok(CreateGuildBanResponse {})
}
