//! Edit Message: `PATCH /channels/{channel.id}/messages/{message.id}` ([`Route::EditMessage`]).
//! <https://discord.com/developers/docs/resources/message#edit-message>
//!
//! Limits: [`check_create_message`](super::limits::check_create_message) (the same content
//! and embed limits), which the RPC calls before the request.

use crate::{
    convert::file::FilePart,
    discord::{
        client::{DiscordClient, JsonAnswer},
        outgoing::Outgoing,
        route::Route,
    },
    error::Result,
};
use serde_json::Value;
use tokio::time::Instant;

impl DiscordClient {
    /// `PATCH /channels/{channel.id}/messages/{message.id}` with `body` (only the fields to
    /// change; `null` clears one) and an optional audit-log reason. Returns Discord's message
    /// JSON. With `files`, sent as `multipart/form-data` (`body` as `payload_json`). Retried
    /// after 5xx and network failures: the same edit twice has the effect of one (a repeated
    /// upload replaces the first one's new attachments, which the repeat does not list).
    /// <https://discord.com/developers/docs/resources/message#edit-message>
    ///
    /// # Errors
    /// 404/10008 Unknown Message (`NOT_FOUND`), 403/50005 Cannot edit a message authored by
    /// another user and 403/50013 Missing Permissions (`PERMISSION_DENIED`), 400/50035 Invalid
    /// Form Body (`INVALID_ARGUMENT`); otherwise see [`DiscordClient`].
    pub async fn edit_message(
        &self,
        channel_id: u64,
        message_id: u64,
        body: &Value,
        files: &[FilePart],
        audit_log_reason: &str,
        deadline: Instant,
    ) -> Result<JsonAnswer> {
        let route = Route::EditMessage {
            channel_id,
            message_id,
        };
        let outgoing = Outgoing::new(route)
            .json(body)
            .files(files)
            .audit_log_reason(audit_log_reason);
        self.json_answer(&outgoing, deadline).await
    }
}
