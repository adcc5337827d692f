//! Create Reaction: `PUT /channels/{channel.id}/messages/{message.id}/reactions/{emoji}/@me` ([`Route::CreateReaction`]); Discord answers 204 No Content.
//! <https://discord.com/developers/docs/resources/message#create-reaction>

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
    /// `PUT /channels/{channel.id}/messages/{message.id}/reactions/{emoji}/@me` with an optional audit-log reason; the bot reacts
    /// (again: no change).
    /// Retried after 5xx and network failures (repeating it has no further effect).
    /// <https://discord.com/developers/docs/resources/message#create-reaction>
    ///
    /// # Errors
    /// 404/10008 Unknown Message and 404/10003 Unknown Channel (`NOT_FOUND`), 400/10014 Unknown
    /// Emoji (`INVALID_ARGUMENT`), 400/30010 Maximum number of reactions
    /// (`INVALID_ARGUMENT`), 403/50013 Missing Permissions (`PERMISSION_DENIED`); otherwise see [`DiscordClient`].
    pub async fn create_reaction(
        &self,
        channel_id: u64,
        message_id: u64,
        emoji: &Emoji,
        audit_log_reason: &str,
        deadline: Instant,
    ) -> Result<()> {
        let route = Route::CreateReaction {
            channel_id,
            message_id,
            emoji: emoji.clone(),
        };
        let outgoing = Outgoing::new(route).audit_log_reason(audit_log_reason);
        self.execute(&outgoing, deadline).await.map(drop)
    }
}
