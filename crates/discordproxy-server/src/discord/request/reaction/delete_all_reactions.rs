//! Delete All Reactions: `DELETE /channels/{channel.id}/messages/{message.id}/reactions`
//! ([`Route::DeleteAllReactions`]); Discord answers 204 No Content.
//! <https://discord.com/developers/docs/resources/message#delete-all-reactions>

use crate::{
    discord::{client::DiscordClient, outgoing::Outgoing, route::Route},
    error::Result,
};
use tokio::time::Instant;

impl DiscordClient {
    /// `DELETE /channels/{channel.id}/messages/{message.id}/reactions` with an optional
    /// audit-log reason: removes every reaction. Retried after 5xx and network failures
    /// (repeating it has no further effect).
    /// <https://discord.com/developers/docs/resources/message#delete-all-reactions>
    ///
    /// # Errors
    /// 404/10008 Unknown Message and 404/10003 Unknown Channel (`NOT_FOUND`), 403/50013 Missing
    /// Permissions and 403/50003 (in a DM) (`PERMISSION_DENIED`); otherwise see
    /// [`DiscordClient`].
    pub async fn delete_all_reactions(
        &self,
        channel_id: u64,
        message_id: u64,
        audit_log_reason: &str,
        deadline: Instant,
    ) -> Result<()> {
        let route = Route::DeleteAllReactions {
            channel_id,
            message_id,
        };
        let outgoing = Outgoing::new(route).audit_log_reason(audit_log_reason);
        self.execute(&outgoing, deadline).await.map(drop)
    }
}
