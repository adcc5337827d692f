//! What the three archived-thread list RPCs share: the page check, the one REST call behind the
//! negative cache, and the answer's `threads`, `members` and `has_more`.
//! <https://discord.com/developers/docs/resources/channel#list-public-archived-threads>

use crate::discord::negative_cache::Target;
use crate::discord::request::thread::{limits, list_archived_threads::ArchivedThreads};
use crate::rpc::unreachable::guarded;
use crate::{convert, error::Result, state::ProxyState};
use discordproxy_proto::{Channel, ThreadMember};
use std::sync::Arc;
use tokio::time::Instant;

/// One page of archived threads.
pub(super) struct Listing {
    pub(super) threads: Vec<Channel>,
    pub(super) members: Vec<ThreadMember>,
    pub(super) has_more: bool,
    /// Discord's answer body as Discord sent it.
    pub(super) json: String,
}

/// Checks `limit` (2–100, before any request), then lists `list` of `channel_id` with
/// `before` and `limit` when given.
///
/// # Errors
/// `INVALID_ARGUMENT` with Discord's 400/50035 JSON for a `limit` outside 2–100; Discord's
/// errors by the status table; `UNAVAILABLE` when Discord is unreachable.
pub(super) async fn list(
    state: &Arc<ProxyState>,
    list: ArchivedThreads,
    channel_id: u64,
    before: Option<&str>,
    limit: Option<i32>,
    deadline: Instant,
) -> Result<Listing> {
    limits::check_archived_page(limit)?;
    let answer = guarded(
        state,
        Target::Channel(channel_id),
        state
            .rest
            .archived_threads(list, channel_id, before, limit, deadline),
    )
    .await?;
    let (threads, members, has_more) = convert::thread::listing(&answer.value);
    Ok(Listing {
        threads,
        members,
        has_more,
        json: answer.text,
    })
}
