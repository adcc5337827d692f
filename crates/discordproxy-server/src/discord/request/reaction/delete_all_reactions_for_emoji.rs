//! Delete All Reactions for Emoji: `DELETE /channels/{channel.id}/messages/{message.id}/reactions/{emoji}` ([`Route::DeleteAllReactionsForEmoji`]); Discord answers 204 No Content.
//! <https://discord.com/developers/docs/resources/message#delete-all-reactions-for-emoji>

use crate::{
    discord::{
        client::DiscordClient,
        outgoing::Outgoing,
        route::{Emoji, Route},
    },
    error::Result,
};
use tokio::time::Instant;

impl DiscordClient {
    /// `DELETE /channels/{channel.id}/messages/{message.id}/reactions/{emoji}` with an optional audit-log reason; removes every
    /// reaction with `emoji`.
    /// Retried after 5xx and network failures (repeating it has no further effect).
    /// <https://discord.com/developers/docs/resources/message#delete-all-reactions-for-emoji>
    ///
    /// # Errors
    /// 404/10008 Unknown Message and 404/10003 Unknown Channel (`NOT_FOUND`), 400/10014 Unknown
    /// Emoji (`INVALID_ARGUMENT`), 403/50013 Missing Permissions and 403/50003
    /// (in a DM) (`PERMISSION_DENIED`); otherwise see [`DiscordClient`].
    pub async fn delete_all_reactions_for_emoji(
        &self,
        channel_id: u64,
        message_id: u64,
        emoji: &Emoji,
        audit_log_reason: &str,
        deadline: Instant,
    ) -> Result<()> {
        let route = Route::DeleteAllReactionsForEmoji {
            channel_id,
            message_id,
            emoji: emoji.clone(),
        };
        let outgoing = Outgoing::new(route).audit_log_reason(audit_log_reason);
        self.execute(&outgoing, deadline).await.map(drop)
    }
}
