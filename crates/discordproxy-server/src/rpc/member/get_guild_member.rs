//! `GetGuildMember`: `GET /guilds/{guild_id}/members/{user_id}`.
//! <https://discord.com/developers/docs/resources/guild#get-guild-member>

use crate::rpc::fields::required_id;
use crate::{convert, error::Result, state::ProxyState};
use discordproxy_proto::{GetGuildMemberRequest, GetGuildMemberResponse};
use std::sync::Arc;
use tokio::time::Instant;

/// Handles one call: one REST call.
///
/// # Errors
/// - `INVALID_ARGUMENT`, plain text, no request: `guild_id` 0, `user_id` 0.
/// - Discord's errors by the status table: 404/10007 Unknown Member, 404/10013 Unknown User and 404/10004 Unknown Guild (`NOT_FOUND`); `UNAVAILABLE` when Discord is unreachable.
pub(crate) async fn handle(
    state: Arc<ProxyState>,
    request: GetGuildMemberRequest,
    deadline: Instant,
) -> Result<GetGuildMemberResponse> {
    let guild_id = required_id(request.guild_id, "guild_id")?;
    let user_id = required_id(request.user_id, "user_id")?;
    tracing::info!(
        rpc = "GetGuildMember",
        guild_id,
        user_id,
        "received request"
    );
    let answer = state.rest.guild_member(guild_id, user_id, deadline).await?;
    Ok(GetGuildMemberResponse {
        member: Some(convert::member::from_json(&answer.value)),
        json: answer.text,
    })
}
