//! `GetGuild`: `GET /guilds/{guild_id}`.
//! <https://discord.com/developers/docs/resources/guild#get-guild>

use crate::rpc::fields::required_id;
use crate::{convert, error::Result, state::ProxyState};
use discordproxy_proto::{GetGuildRequest, GetGuildResponse};
use std::sync::Arc;
use tokio::time::Instant;

/// Handles one call: one REST call.
///
/// # Errors
/// - `INVALID_ARGUMENT`, plain text, no request: `guild_id` 0.
/// - Discord's errors by the status table: 404/10004 Unknown Guild (`NOT_FOUND`), 403/50001 Missing Access (`PERMISSION_DENIED`); `UNAVAILABLE` when Discord is unreachable.
pub(crate) async fn handle(
    state: Arc<ProxyState>,
    request: GetGuildRequest,
    deadline: Instant,
) -> Result<GetGuildResponse> {
    let guild_id = required_id(request.guild_id, "guild_id")?;
    tracing::info!(rpc = "GetGuild", guild_id, "received request");
    let answer = state
        .rest
        .guild(guild_id, request.with_counts, deadline)
        .await?;
    Ok(GetGuildResponse {
        guild: Some(convert::guild::from_json(&answer.value)),
        json: answer.text,
    })
}
