//! Delete User Reaction: `DELETE /channels/{channel.id}/messages/{message.id}/reactions/{emoji}/{user.id}` ([`Route::DeleteUserReaction`]); Discord answers 204 No Content.
//! <https://discord.com/developers/docs/resources/message#delete-user-reaction>

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
    /// `DELETE /channels/{channel.id}/messages/{message.id}/reactions/{emoji}/{user.id}` with an optional audit-log reason; removes the
    /// reaction of `user_id`.
    /// Retried after 5xx and network failures (repeating it has no further effect).
    /// <https://discord.com/developers/docs/resources/message#delete-user-reaction>
    ///
    /// # Errors
    /// 404/10008 Unknown Message and 404/10003 Unknown Channel (`NOT_FOUND`), 400/10014 Unknown
    /// Emoji (`INVALID_ARGUMENT`), 403/50013 Missing Permissions and 403/50003
    /// (in a DM) (`PERMISSION_DENIED`); otherwise see [`DiscordClient`].
    pub async fn delete_user_reaction(
        &self,
        channel_id: u64,
        message_id: u64,
        emoji: &Emoji,
        user_id: u64,
        audit_log_reason: &str,
        deadline: Instant,
    ) -> Result<()> {
        let route = Route::DeleteUserReaction {
            channel_id,
            message_id,
            emoji: emoji.clone(),
            user_id,
        };
        let outgoing = Outgoing::new(route).audit_log_reason(audit_log_reason);
        self.execute(&outgoing, deadline).await.map(drop)
    }
}
