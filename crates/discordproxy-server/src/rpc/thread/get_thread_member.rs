//! `GetThreadMember`: `GET /channels/{channel_id}/thread-members/{user_id}`.
//! <https://discord.com/developers/docs/resources/channel#get-thread-member>

use crate::discord::negative_cache::Target;
use crate::rpc::{fields::required_id, unreachable::guarded};
use crate::{convert, error::Result, state::ProxyState};
use discordproxy_proto::{GetThreadMemberRequest, GetThreadMemberResponse};
use std::sync::Arc;
use tokio::time::Instant;

/// Handles one call: one REST call (`with_member=true` when asked).
///
/// # Errors
/// - `INVALID_ARGUMENT`, plain text, no request: `channel_id` or `user_id` 0.
/// - Discord's errors by the status table: 404/10007 Unknown Member (not a member of the
///   thread) and 404/10003 Unknown Channel (`NOT_FOUND`), 403/50001 Missing Access
///   (`PERMISSION_DENIED`); `UNAVAILABLE` when Discord is unreachable.
pub(crate) async fn handle(
    state: Arc<ProxyState>,
    request: GetThreadMemberRequest,
    deadline: Instant,
) -> Result<GetThreadMemberResponse> {
    let channel_id = required_id(request.channel_id, "channel_id")?;
    let user_id = required_id(request.user_id, "user_id")?;
    tracing::info!(
        rpc = "GetThreadMember",
        channel_id,
        user_id,
        "received request"
    );
    let answer = guarded(
        &state,
        Target::Channel(channel_id),
        state
            .rest
            .thread_member(channel_id, user_id, request.with_member, deadline),
    )
    .await?;
    Ok(GetThreadMemberResponse {
        member: Some(convert::thread::member_from_json(&answer.value)),
        json: answer.text,
    })
}
