//! `ListPrivateArchivedThreads`: `GET /channels/{channel_id}/threads/archived/private`.
//! <https://discord.com/developers/docs/resources/channel#list-private-archived-threads>

use super::archived_listing;
use crate::discord::request::thread::list_archived_threads::ArchivedThreads;
use crate::rpc::fields::required_id;
use crate::{error::Result, state::ProxyState};
use discordproxy_proto::{ListPrivateArchivedThreadsRequest, ListPrivateArchivedThreadsResponse};
use std::sync::Arc;
use tokio::time::Instant;

/// Handles one call: one REST call; `before` (ISO-8601) when non-empty and `limit` when set are sent.
///
/// # Errors
/// - `INVALID_ARGUMENT`, plain text, no request: `channel_id` 0.
/// - `INVALID_ARGUMENT` with Discord's 400/50035 JSON, no request: a `limit` outside 2–100.
/// - Discord's errors by the status table: 404/10003 Unknown Channel (`NOT_FOUND`), 403/50001
///   Missing Access and 403/50013 Missing Permissions (`PERMISSION_DENIED`), 400/50035 for a
///   bad `before` and 400/50024 (`INVALID_ARGUMENT`); `UNAVAILABLE` when Discord is
///   unreachable.
pub(crate) async fn handle(
    state: Arc<ProxyState>,
    request: ListPrivateArchivedThreadsRequest,
    deadline: Instant,
) -> Result<ListPrivateArchivedThreadsResponse> {
    let channel_id = required_id(request.channel_id, "channel_id")?;
    tracing::info!(
        rpc = "ListPrivateArchivedThreads",
        channel_id,
        "received request"
    );
    let before = Some(request.before.as_str()).filter(|before| !before.is_empty());
    let listing = archived_listing::list(
        &state,
        ArchivedThreads::Private,
        channel_id,
        before,
        request.limit,
        deadline,
    )
    .await?;
    Ok(ListPrivateArchivedThreadsResponse {
        threads: listing.threads,
        members: listing.members,
        has_more: listing.has_more,
        json: listing.json,
    })
}
