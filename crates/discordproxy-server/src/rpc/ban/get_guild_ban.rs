//! `GetGuildBan`: `GET /guilds/{guild_id}/bans/{user_id}`.
//! <https://discord.com/developers/docs/resources/guild#get-guild-ban>

use crate::rpc::fields::required_id;
use crate::{convert, error::Result, state::ProxyState};
use discordproxy_proto::{GetGuildBanRequest, GetGuildBanResponse};
use std::sync::Arc;
use tokio::time::Instant;

/// Handles one call: one REST call.
///
/// # Errors
/// - `INVALID_ARGUMENT`, plain text, no request: `guild_id` or `user_id` 0.
/// - Discord's errors by the status table: 404/10026 Unknown Ban (`NOT_FOUND`), 403/50013
///   Missing Permissions (`PERMISSION_DENIED`); `UNAVAILABLE` when Discord is unreachable.
pub(crate) async fn handle(
    state: Arc<ProxyState>,
    request: GetGuildBanRequest,
    deadline: Instant,
) -> Result<GetGuildBanResponse> {
    let guild_id = required_id(request.guild_id, "guild_id")?;
    let user_id = required_id(request.user_id, "user_id")?;
    tracing::info!(rpc = "GetGuildBan", guild_id, user_id, "received request");
    let answer = state.rest.guild_ban(guild_id, user_id, deadline).await?;
    Ok(GetGuildBanResponse {
        ban: Some(convert::ban::from_json(&answer.value)),
        json: answer.text,
    })
}
