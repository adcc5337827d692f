//! `GetCurrentUserGuilds`: `GET /users/@me/guilds`.
//! <https://discord.com/developers/docs/resources/user#get-current-user-guilds>

use crate::discord::request::user::{GuildPage, limits};
use crate::rpc::fields::{at_most_one, optional_id};
use crate::{convert, error::Result, state::ProxyState};
use discordproxy_proto::{GetCurrentUserGuildsRequest, GetCurrentUserGuildsResponse};
use std::sync::Arc;
use tokio::time::Instant;

/// Handles one call: one REST call.
///
/// # Errors
/// - `INVALID_ARGUMENT`, plain text, no request: both `before` and `after`.
/// - `INVALID_ARGUMENT` with Discord's 400/50035 JSON, no request: `limit` outside 1–200.
/// - Discord's errors by the status table; `UNAVAILABLE` when Discord is unreachable.
pub(crate) async fn handle(
    state: Arc<ProxyState>,
    request: GetCurrentUserGuildsRequest,
    deadline: Instant,
) -> Result<GetCurrentUserGuildsResponse> {
    tracing::info!(rpc = "GetCurrentUserGuilds", "received request");
    at_most_one(&[("before", request.before), ("after", request.after)])?;
    limits::check_guild_page(request.limit)?;
    let page = GuildPage {
        before: optional_id(request.before),
        after: optional_id(request.after),
        limit: request.limit,
        with_counts: request.with_counts,
    };
    let answer = state.rest.current_user_guilds(page, deadline).await?;
    Ok(GetCurrentUserGuildsResponse {
        guilds: convert::user::guilds_from_json(&answer.value),
        json: answer.text,
    })
}
