//! `ListGuildMembers`: `GET /guilds/{guild_id}/members`.
//! <https://discord.com/developers/docs/resources/guild#list-guild-members>

use crate::discord::request::member::limits;
use crate::rpc::fields::{optional_id, required_id};
use crate::{convert, error::Result, state::ProxyState};
use discordproxy_proto::{ListGuildMembersRequest, ListGuildMembersResponse};
use std::sync::Arc;
use tokio::time::Instant;

/// Handles one call: one REST call.
///
/// # Errors
/// - `INVALID_ARGUMENT`, plain text, no request: `guild_id` 0.
/// - `INVALID_ARGUMENT` with Discord's 400/50035 JSON, no request: `limit` outside 1–1000.
/// - Discord's errors by the status table: 404/10004 Unknown Guild (`NOT_FOUND`), 403/50001 Missing Access without the GUILD_MEMBERS intent (`PERMISSION_DENIED`); `UNAVAILABLE` when Discord is unreachable.
pub(crate) async fn handle(
    state: Arc<ProxyState>,
    request: ListGuildMembersRequest,
    deadline: Instant,
) -> Result<ListGuildMembersResponse> {
    let guild_id = required_id(request.guild_id, "guild_id")?;
    tracing::info!(rpc = "ListGuildMembers", guild_id, "received request");
    limits::check_member_page(request.limit)?;
    let answer = state
        .rest
        .guild_members(
            guild_id,
            request.limit,
            optional_id(request.after),
            deadline,
        )
        .await?;
    Ok(ListGuildMembersResponse {
        members: convert::member::list_from_json(&answer.value),
        json: answer.text,
    })
}
