//! `ListThreadMembers`: `GET /channels/{channel_id}/thread-members`.
//! <https://discord.com/developers/docs/resources/channel#list-thread-members>

use crate::discord::negative_cache::Target;
use crate::discord::request::thread::limits;
use crate::rpc::{
    fields::{optional_id, required_id},
    unreachable::guarded,
};
use crate::{convert, error::Result, state::ProxyState};
use discordproxy_proto::{ListThreadMembersRequest, ListThreadMembersResponse};
use serde_json::Value;
use std::sync::Arc;
use tokio::time::Instant;

/// Handles one call: one REST call; `with_member` is sent when true, `after` when non-zero,
/// `limit` when set.
///
/// # Errors
/// - `INVALID_ARGUMENT`, plain text, no request: `channel_id` 0.
/// - `INVALID_ARGUMENT` with Discord's 400/50035 JSON, no request: a `limit` outside 1–100.
/// - Discord's errors by the status table: 404/10003 Unknown Channel (`NOT_FOUND`), 403/50001
///   Missing Access (`PERMISSION_DENIED`), 400/50024 not a thread (`INVALID_ARGUMENT`);
///   `UNAVAILABLE` when Discord is unreachable.
pub(crate) async fn handle(
    state: Arc<ProxyState>,
    request: ListThreadMembersRequest,
    deadline: Instant,
) -> Result<ListThreadMembersResponse> {
    let channel_id = required_id(request.channel_id, "channel_id")?;
    tracing::info!(rpc = "ListThreadMembers", channel_id, "received request");
    limits::check_members_page(request.limit)?;
    let answer = guarded(
        &state,
        Target::Channel(channel_id),
        state.rest.thread_members(
            channel_id,
            request.with_member,
            optional_id(request.after),
            request.limit,
            deadline,
        ),
    )
    .await?;
    let members = answer
        .value
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default()
        .iter()
        .filter(|member| member.is_object())
        .map(|member: &Value| convert::thread::member_from_json(member))
        .collect();
    Ok(ListThreadMembersResponse {
        members,
        json: answer.text,
    })
}
