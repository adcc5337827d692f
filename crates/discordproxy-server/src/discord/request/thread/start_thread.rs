//! Start Thread without Message and Start Thread in Forum or Media Channel: both
//! `POST /channels/{channel.id}/threads` ([`Route::StartThread`]); Discord answers 201 with the
//! thread (a forum or media post also with its first `message`).
//! <https://discord.com/developers/docs/resources/channel#start-thread-without-message>
//! <https://discord.com/developers/docs/resources/channel#start-thread-in-forum-or-media-channel>
//!
//! Limits: [`check_thread_settings`](super::limits::check_thread_settings) and
//! [`check_forum_thread`](super::limits::check_forum_thread), which the RPCs call before the
//! request.

use crate::{
    convert::file::FilePart,
    discord::{
        client::{DiscordClient, JsonAnswer},
        outgoing::{Outgoing, Retry},
        route::Route,
    },
    error::Result,
};
use serde_json::Value;
use tokio::time::Instant;

impl DiscordClient {
    /// `POST /channels/{channel.id}/threads` with `body` and an optional audit-log reason:
    /// Start Thread without Message (`name`, `auto_archive_duration`, `type`, `invitable`,
    /// `rate_limit_per_user`) or, in a forum or media channel, Start Thread in Forum or Media
    /// Channel (also `message`, `applied_tags`, and `files`: then as `multipart/form-data`
    /// with `body` as `payload_json`). Returns Discord's thread JSON. Sent once,
    /// never retried after a 5xx or network failure: a repeat could start a second thread.
    /// <https://discord.com/developers/docs/resources/channel#start-thread-without-message>
    ///
    /// # Errors
    /// 404/10003 Unknown Channel (`NOT_FOUND`), 403/50001 and 403/50013
    /// (`PERMISSION_DENIED`), 400/50024 Cannot execute action on this channel type, 400/50006
    /// Cannot send an empty message and 400/50035 (`INVALID_ARGUMENT`); otherwise see
    /// [`DiscordClient`].
    pub async fn start_thread(
        &self,
        channel_id: u64,
        body: &Value,
        files: &[FilePart],
        audit_log_reason: &str,
        deadline: Instant,
    ) -> Result<JsonAnswer> {
        let outgoing = Outgoing::new(Route::StartThread { channel_id })
            .json(body)
            .files(files)
            .audit_log_reason(audit_log_reason)
            .retry(Retry::Never);
        self.json_answer(&outgoing, deadline).await
    }
}
