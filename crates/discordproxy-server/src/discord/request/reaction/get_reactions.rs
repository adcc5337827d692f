//! Get Reactions: `GET /channels/{channel.id}/messages/{message.id}/reactions/{emoji}`
//! ([`Route::Reactions`]) with `after`, `limit` and `type` in the query.
//! <https://discord.com/developers/docs/resources/message#get-reactions>
//!
//! Limits: [`check_reactions_page`](super::limits::check_reactions_page), which the RPC calls
//! before the request.

use crate::{
    discord::{
        client::{DiscordClient, JsonAnswer},
        outgoing::Outgoing,
        route::{Emoji, Route},
    },
    error::{Error, Result},
};
use tokio::time::Instant;

/// Which page of users (Discord's query parameters; `None` = not sent).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ReactionPage {
    /// Users after this user id.
    pub after: Option<u64>,
    /// 1–100 (Discord's default: 25).
    pub limit: Option<i32>,
    /// 1 for burst reactions (0, normal ones, is Discord's default and not sent).
    pub kind: Option<i32>,
}

impl DiscordClient {
    /// `GET /channels/{channel.id}/messages/{message.id}/reactions/{emoji}?…`: the users as
    /// Discord's JSON array.
    /// <https://discord.com/developers/docs/resources/message#get-reactions>
    ///
    /// # Errors
    /// 404/10008 Unknown Message and 404/10003 Unknown Channel (`NOT_FOUND`), 400/10014 Unknown
    /// Emoji and 400/50035 for a bad query (`INVALID_ARGUMENT`); [`Error::Internal`] when the
    /// answer is no JSON array; otherwise see [`DiscordClient`].
    pub async fn reactions(
        &self,
        channel_id: u64,
        message_id: u64,
        emoji: &Emoji,
        page: ReactionPage,
        deadline: Instant,
    ) -> Result<JsonAnswer> {
        let route = Route::Reactions {
            channel_id,
            message_id,
            emoji: emoji.clone(),
        };
        let template = route.template();
        let outgoing = Outgoing::new(route).query(&[
            ("after", page.after.map(|id| id.to_string())),
            ("limit", page.limit.map(|limit| limit.to_string())),
            ("type", page.kind.map(|kind| kind.to_string())),
        ]);
        let answer = self.json_answer(&outgoing, deadline).await?;
        if !answer.value.is_array() {
            return Err(Error::Internal(format!(
                "Discord's answer to {template} is no JSON array"
            )));
        }
        Ok(answer)
    }
}
