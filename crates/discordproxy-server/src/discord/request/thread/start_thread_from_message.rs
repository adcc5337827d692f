//! Start Thread from Message: `POST /channels/{channel.id}/messages/{message.id}/threads`
//! ([`Route::StartThreadFromMessage`]); Discord answers 201 with the thread.
//! <https://discord.com/developers/docs/resources/channel#start-thread-from-message>
//!
//! Limits: [`check_thread_settings`](super::limits::check_thread_settings), which the RPC calls
//! before the request.

use crate::{
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
    /// `POST /channels/{channel.id}/messages/{message.id}/threads` with `body` (`name`,
    /// `auto_archive_duration`, `rate_limit_per_user`) and an optional audit-log reason.
    /// Returns Discord's thread JSON. Sent once, never retried after a 5xx or network failure
    /// (a repeat would answer 160004 for a thread that was made).
    /// <https://discord.com/developers/docs/resources/channel#start-thread-from-message>
    ///
    /// # Errors
    /// 404/10003 Unknown Channel and 404/10008 Unknown Message (`NOT_FOUND`), 403/50001 and
    /// 403/50013 (`PERMISSION_DENIED`), 400/50024 Cannot execute action on this channel type,
    /// 400/160004 A thread has already been created for this message and 400/50035
    /// (`INVALID_ARGUMENT`); otherwise see [`DiscordClient`].
    pub async fn start_thread_from_message(
        &self,
        channel_id: u64,
        message_id: u64,
        body: &Value,
        audit_log_reason: &str,
        deadline: Instant,
    ) -> Result<JsonAnswer> {
        let route = Route::StartThreadFromMessage {
            channel_id,
            message_id,
        };
        let outgoing = Outgoing::new(route)
            .json(body)
            .audit_log_reason(audit_log_reason)
            .retry(Retry::Never);
        self.json_answer(&outgoing, deadline).await
    }
}
