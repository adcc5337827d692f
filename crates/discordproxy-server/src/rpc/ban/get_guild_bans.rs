//! `GetGuildBans`: `GET /guilds/{guild_id}/bans`.
//! <https://discord.com/developers/docs/resources/guild#get-guild-bans>

use crate::discord::request::ban::limits;
use crate::rpc::fields::{at_most_one, optional_id, required_id};
use crate::{convert, error::Result, state::ProxyState};
use discordproxy_proto::{GetGuildBansRequest, GetGuildBansResponse};
use std::sync::Arc;
use tokio::time::Instant;

/// Handles one call: one REST call.
///
/// # Errors
/// - `INVALID_ARGUMENT`, plain text, no request: `guild_id` 0; both `before` and `after`.
/// - `INVALID_ARGUMENT` with Discord's 400/50035 JSON, no request: `limit` outside 1–1000.
/// - Discord's errors by the status table: 404/10004 Unknown Guild (`NOT_FOUND`), 403/50013
///   Missing Permissions (BAN_MEMBERS; `PERMISSION_DENIED`); `UNAVAILABLE` when Discord is
///   unreachable.
pub(crate) async fn handle(
    state: Arc<ProxyState>,
    request: GetGuildBansRequest,
    deadline: Instant,
) -> Result<GetGuildBansResponse> {
    let guild_id = required_id(request.guild_id, "guild_id")?;
    tracing::info!(rpc = "GetGuildBans", guild_id, "received request");
    at_most_one(&[("before", request.before), ("after", request.after)])?;
    limits::check_ban_page(request.limit)?;
    let answer = state
        .rest
        .guild_bans(
            guild_id,
            request.limit,
            optional_id(request.before),
            optional_id(request.after),
            deadline,
        )
        .await?;
    Ok(GetGuildBansResponse {
        bans: convert::ban::list_from_json(&answer.value),
        json: answer.text,
    })
}
