//! The archived-thread lists: List Public Archived Threads
//! (`GET /channels/{channel.id}/threads/archived/public`), List Private Archived Threads
//! (`…/threads/archived/private`) and List Joined Private Archived Threads
//! (`GET /channels/{channel.id}/users/@me/threads/archived/private`), each with `before` and
//! `limit` in the query.
//! <https://discord.com/developers/docs/resources/channel#list-public-archived-threads>
//!
//! Limits: [`check_archived_page`](super::limits::check_archived_page), which the RPCs call
//! before the request.

use crate::{
    discord::{
        client::{DiscordClient, JsonAnswer},
        outgoing::{Outgoing, percent_encode},
        route::Route,
    },
    error::{Error, Result},
};
use tokio::time::Instant;

/// Which archived-thread list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArchivedThreads {
    /// List Public Archived Threads.
    Public,
    /// List Private Archived Threads.
    Private,
    /// List Joined Private Archived Threads (`before` is a thread snowflake).
    JoinedPrivate,
}

impl DiscordClient {
    /// `GET` one archived-thread list of `channel_id`: `{"threads", "members", "has_more"}`.
    /// `before` (an ISO-8601 timestamp for the public and private lists, sent percent-encoded;
    /// a thread snowflake for the joined list) and `limit` are sent when `Some`.
    /// <https://discord.com/developers/docs/resources/channel#list-public-archived-threads>
    /// <https://discord.com/developers/docs/resources/channel#list-private-archived-threads>
    /// <https://discord.com/developers/docs/resources/channel#list-joined-private-archived-threads>
    ///
    /// # Errors
    /// 404/10003 Unknown Channel (`NOT_FOUND`), 403/50001 and 403/50013
    /// (`PERMISSION_DENIED`), 400/50024 and 400/50035 for a bad query (`INVALID_ARGUMENT`);
    /// [`Error::Internal`] when the answer is no JSON object; otherwise see [`DiscordClient`].
    pub async fn archived_threads(
        &self,
        list: ArchivedThreads,
        channel_id: u64,
        before: Option<&str>,
        limit: Option<i32>,
        deadline: Instant,
    ) -> Result<JsonAnswer> {
        let route = match list {
            ArchivedThreads::Public => Route::PublicArchivedThreads { channel_id },
            ArchivedThreads::Private => Route::PrivateArchivedThreads { channel_id },
            ArchivedThreads::JoinedPrivate => Route::JoinedPrivateArchivedThreads { channel_id },
        };
        let template = route.template();
        let outgoing = Outgoing::new(route).query(&[
            ("before", before.map(percent_encode)),
            ("limit", limit.map(|limit| limit.to_string())),
        ]);
        let answer = self.json_answer(&outgoing, deadline).await?;
        if !answer.value.is_object() {
            return Err(Error::Internal(format!(
                "Discord's answer to {template} is no JSON object"
            )));
        }
        Ok(answer)
    }
}
