//! `GetGuildChannels`: from the gateway cache when the guild is cached (no REST call), else
//! `GET /guilds/{id}` (existence), then `GET /guilds/{id}/channels`.
//! <https://discord.com/developers/docs/resources/guild#get-guild-channels>

use crate::rpc::fields::required_id;
use crate::{convert, error::Result, state::ProxyState};
use discordproxy_proto::{GetGuildChannelsRequest, GetGuildChannelsResponse};
use std::sync::Arc;
use tokio::time::Instant;

/// Handles one call. Every channel comes back in Discord's order; channel types the proto does
/// not name come back as `UNDEFINED`.
///
/// # Errors
/// `INVALID_ARGUMENT` for `guild_id` 0; Discord's errors by the status table (e.g. 404/10004
/// Unknown Guild); `UNAVAILABLE` when Discord is unreachable.
pub(crate) async fn handle(
    state: Arc<ProxyState>,
    request: GetGuildChannelsRequest,
    deadline: Instant,
) -> Result<GetGuildChannelsResponse> {
    let guild_id = required_id(request.guild_id, "guild_id")?;
    tracing::info!(rpc = "GetGuildChannels", guild_id, "received request");
    if let Some(channels) = state.cache.guild_channels(guild_id) {
        tracing::debug!(guild_id, "answered from the gateway cache");
        return Ok(GetGuildChannelsResponse { channels });
    }
    state.rest.check_guild(guild_id, deadline).await?;
    let channels = state.rest.guild_channels(guild_id, deadline).await?;
    Ok(GetGuildChannelsResponse {
        channels: channels.iter().map(convert::channel::from_json).collect(),
    })
}
