//! Bulk Overwrite Global Application Commands: `PUT /applications/{application.id}/commands` ([`Route::BulkOverwriteGlobalApplicationCommands`]).
//! <https://discord.com/developers/docs/interactions/application-commands#bulk-overwrite-global-application-commands>

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
    /// `PUT /applications/{application.id}/commands` with `body` and an optional audit-log reason: Discord's JSON answer. Retried after 5xx and network failures (repeating it has no further effect).
    /// <https://discord.com/developers/docs/interactions/application-commands#bulk-overwrite-global-application-commands>
    ///
    /// # Errors
    /// 400/50035 and 400/30032 (`INVALID_ARGUMENT`), 404/10063 Unknown application command and 404/10004 Unknown Guild (`NOT_FOUND`), 403/50001 Missing Access (`PERMISSION_DENIED`); otherwise see [`DiscordClient`].
    pub async fn bulk_overwrite_global_application_commands(
        &self,
        application_id: u64,
        body: &Value,
        audit_log_reason: &str,
        deadline: Instant,
    ) -> Result<JsonAnswer> {
        let outgoing =
            Outgoing::new(Route::BulkOverwriteGlobalApplicationCommands { application_id })
                .json(body)
                .audit_log_reason(audit_log_reason);
        self.json_answer(&outgoing, deadline).await
    }
}
