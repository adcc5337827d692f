//! `ListActiveGuildThreads`: `GET /guilds/{guild_id}/threads/active`.
//! <https://discord.com/developers/docs/resources/guild#list-active-guild-threads>

use crate::rpc::fields::required_id;
use crate::{convert, error::Result, state::ProxyState};
use discordproxy_proto::{ListActiveGuildThreadsRequest, ListActiveGuildThreadsResponse};
use std::sync::Arc;
use tokio::time::Instant;

/// Handles one call: one REST call.
///
/// # Errors
/// - `INVALID_ARGUMENT`, plain text, no request: `guild_id` 0.
/// - Discord's errors by the status table: 404/10004 Unknown Guild (`NOT_FOUND`), 403/50001
///   Missing Access (`PERMISSION_DENIED`); `UNAVAILABLE` when Discord is unreachable.
pub(crate) async fn handle(
    state: Arc<ProxyState>,
    request: ListActiveGuildThreadsRequest,
    deadline: Instant,
) -> Result<ListActiveGuildThreadsResponse> {
    let guild_id = required_id(request.guild_id, "guild_id")?;
    tracing::info!(rpc = "ListActiveGuildThreads", guild_id, "received request");
    let answer = state.rest.active_guild_threads(guild_id, deadline).await?;
    let (threads, members, has_more) = convert::thread::listing(&answer.value);
    Ok(ListActiveGuildThreadsResponse {
        threads,
        members,
        has_more,
        json: answer.text,
    })
}
