//! Delete Own Reaction: `DELETE /channels/{channel.id}/messages/{message.id}/reactions/{emoji}/@me` ([`Route::DeleteOwnReaction`]); Discord answers 204 No Content.
//! <https://discord.com/developers/docs/resources/message#delete-own-reaction>

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
    /// `DELETE /channels/{channel.id}/messages/{message.id}/reactions/{emoji}/@me` with an optional audit-log reason; removes the bot's
    /// reaction (none: no change).
    /// Retried after 5xx and network failures (repeating it has no further effect).
    /// <https://discord.com/developers/docs/resources/message#delete-own-reaction>
    ///
    /// # Errors
    /// 404/10008 Unknown Message and 404/10003 Unknown Channel (`NOT_FOUND`), 400/10014 Unknown
    /// Emoji (`INVALID_ARGUMENT`); otherwise see [`DiscordClient`].
    pub async fn delete_own_reaction(
        &self,
        channel_id: u64,
        message_id: u64,
        emoji: &Emoji,
        audit_log_reason: &str,
        deadline: Instant,
    ) -> Result<()> {
        let route = Route::DeleteOwnReaction {
            channel_id,
            message_id,
            emoji: emoji.clone(),
        };
        let outgoing = Outgoing::new(route).audit_log_reason(audit_log_reason);
        self.execute(&outgoing, deadline).await.map(drop)
    }
}
