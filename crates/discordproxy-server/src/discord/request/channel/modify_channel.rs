//! Modify Channel: `PATCH /channels/{channel.id}` ([`Route::ModifyChannel`]).
//! <https://discord.com/developers/docs/resources/channel#modify-channel>
//!
//! Limits: [`check_channel_settings`](super::limits::check_channel_settings), which the RPC
//! calls before the request.

use crate::{
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
    /// `PATCH /channels/{channel.id}` with `body` (only the settings to change; `null` clears
    /// one) and an optional audit-log reason. Returns Discord's channel JSON. Retried after 5xx
    /// and network failures: the same change twice has the effect of one.
    /// <https://discord.com/developers/docs/resources/channel#modify-channel>
    ///
    /// # Errors
    /// 404/10003 Unknown Channel (`NOT_FOUND`), 403/50001 Missing Access and 403/50013 Missing
    /// Permissions (`PERMISSION_DENIED`), 400/50035 Invalid Form Body (`INVALID_ARGUMENT`);
    /// otherwise see [`DiscordClient`].
    pub async fn modify_channel(
        &self,
        channel_id: u64,
        body: &Value,
        audit_log_reason: &str,
        deadline: Instant,
    ) -> Result<JsonAnswer> {
        let outgoing = Outgoing::new(Route::ModifyChannel { channel_id })
            .json(body)
            .audit_log_reason(audit_log_reason);
        self.json_answer(&outgoing, deadline).await
    }
}
