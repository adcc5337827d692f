//! Get Channel Messages: `GET /channels/{channel.id}/messages` ([`Route::ChannelMessages`])
//! with `around`, `before`, `after` and `limit` in the query.
//! <https://discord.com/developers/docs/resources/message#get-channel-messages>
//!
//! Limits: [`check_message_page`](super::limits::check_message_page), which the RPC calls
//! before the request.

use crate::{
    discord::{
        client::{DiscordClient, JsonAnswer},
        outgoing::Outgoing,
        route::Route,
    },
    error::{Error, Result},
};
use tokio::time::Instant;

/// Which page of messages: at most one of the cursors, and how many (Discord's query
/// parameters; `None` = not sent).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MessagePage {
    /// Messages around this id.
    pub around: Option<u64>,
    /// Messages before this id.
    pub before: Option<u64>,
    /// Messages after this id.
    pub after: Option<u64>,
    /// 1–100 (Discord's default: 50).
    pub limit: Option<i32>,
}

impl DiscordClient {
    /// `GET /channels/{channel.id}/messages?…`: the page as Discord's JSON array.
    /// <https://discord.com/developers/docs/resources/message#get-channel-messages>
    ///
    /// # Errors
    /// 404/10003 Unknown Channel (`NOT_FOUND`), 403/50001 Missing Access (`PERMISSION_DENIED`),
    /// 400/50035 for a bad query (`INVALID_ARGUMENT`); [`Error::Internal`] when the answer is
    /// no JSON array; otherwise see [`DiscordClient`].
    pub async fn channel_messages(
        &self,
        channel_id: u64,
        page: MessagePage,
        deadline: Instant,
    ) -> Result<JsonAnswer> {
        let route = Route::ChannelMessages { channel_id };
        let text = |id: Option<u64>| id.map(|id| id.to_string());
        let outgoing = Outgoing::new(route.clone()).query(&[
            ("around", text(page.around)),
            ("before", text(page.before)),
            ("after", text(page.after)),
            ("limit", page.limit.map(|limit| limit.to_string())),
        ]);
        let answer = self.json_answer(&outgoing, deadline).await?;
        if !answer.value.is_array() {
            return Err(Error::Internal(format!(
                "Discord's answer to {} is no JSON array",
                route.template()
            )));
        }
        Ok(answer)
    }
}
