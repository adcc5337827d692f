//! Delete Global Application Command: `DELETE /applications/{application.id}/commands/{command.id}` ([`Route::DeleteGlobalApplicationCommand`]).
//! <https://discord.com/developers/docs/interactions/application-commands#delete-global-application-command>

use crate::{
    discord::{client::DiscordClient, outgoing::Outgoing, route::Route},
    error::Result,
};
use tokio::time::Instant;

impl DiscordClient {
    /// `DELETE /applications/{application.id}/commands/{command.id}` with an optional audit-log reason; Discord answers 204 No Content. Retried after 5xx and network failures.
    /// <https://discord.com/developers/docs/interactions/application-commands#delete-global-application-command>
    ///
    /// # Errors
    /// 404/10063 Unknown application command and 404/10004 Unknown Guild (`NOT_FOUND`), 403/50001 Missing Access (`PERMISSION_DENIED`); otherwise see [`DiscordClient`].
    pub async fn delete_global_application_command(
        &self,
        application_id: u64,
        command_id: u64,
        audit_log_reason: &str,
        deadline: Instant,
    ) -> Result<()> {
        let outgoing = Outgoing::new(Route::DeleteGlobalApplicationCommand {
            application_id,
            command_id,
        })
        .audit_log_reason(audit_log_reason);
        self.execute(&outgoing, deadline).await.map(drop)
    }
}
