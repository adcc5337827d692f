//! `SearchGuildMembers`: `GET /guilds/{guild_id}/members/search`.
//! <https://discord.com/developers/docs/resources/guild#search-guild-members>

use crate::discord::request::member::limits;
use crate::rpc::fields::required_id;
use crate::{
    convert,
    error::{Error, Result},
    state::ProxyState,
};
use discordproxy_proto::{SearchGuildMembersRequest, SearchGuildMembersResponse};
use std::sync::Arc;
use tokio::time::Instant;

/// Handles one call: one REST call.
///
/// # Errors
/// - `INVALID_ARGUMENT`, plain text, no request: `guild_id` 0; an empty `query`.
/// - `INVALID_ARGUMENT` with Discord's 400/50035 JSON, no request: `limit` outside 1–1000.
/// - Discord's errors by the status table: 404/10004 Unknown Guild (`NOT_FOUND`); `UNAVAILABLE` when Discord is unreachable.
pub(crate) async fn handle(
    state: Arc<ProxyState>,
    request: SearchGuildMembersRequest,
    deadline: Instant,
) -> Result<SearchGuildMembersResponse> {
    let guild_id = required_id(request.guild_id, "guild_id")?;
    tracing::info!(rpc = "SearchGuildMembers", guild_id, "received request");
    if request.query.is_empty() {
        return Err(Error::InvalidArgument(
            "query must be a username or nickname prefix (got \"\")".into(),
        ));
    }
    limits::check_member_page(request.limit)?;
    let answer = state
        .rest
        .search_guild_members(guild_id, &request.query, request.limit, deadline)
        .await?;
    Ok(SearchGuildMembersResponse {
        members: convert::member::list_from_json(&answer.value),
        json: answer.text,
    })
}
