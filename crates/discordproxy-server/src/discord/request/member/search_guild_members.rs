//! Search Guild Members: `GET /guilds/{guild.id}/members/search` ([`Route::SearchGuildMembers`])
//! with `query` and `limit` in the query.
//! <https://discord.com/developers/docs/resources/guild#search-guild-members>
//!
//! Limits: [`check_member_page`](super::limits::check_member_page), which the RPC calls
//! before the request.

use crate::{
    discord::{
        client::{DiscordClient, JsonAnswer},
        outgoing::Outgoing,
        route::Route,
    },
    error::Result,
};
use tokio::time::Instant;

impl DiscordClient {
    /// `GET /guilds/{guild.id}/members/search?query=&limit=` (`query` percent-encoded, `limit`
    /// only when set): the members whose username or nickname starts with `query`, as
    /// Discord's JSON array. Retried after 5xx and network failures.
    /// <https://discord.com/developers/docs/resources/guild#search-guild-members>
    ///
    /// # Errors
    /// 404/10004 Unknown Guild (`NOT_FOUND`), 400/50035 for a bad query (`INVALID_ARGUMENT`);
    /// otherwise see [`DiscordClient`].
    pub async fn search_guild_members(
        &self,
        guild_id: u64,
        query: &str,
        limit: Option<i32>,
        deadline: Instant,
    ) -> Result<JsonAnswer> {
        let limit = limit.map(|limit| limit.to_string());
        let mut pairs = vec![("query", query)];
        if let Some(limit) = &limit {
            pairs.push(("limit", limit.as_str()));
        }
        let outgoing = Outgoing::new(Route::SearchGuildMembers { guild_id }).encoded_query(pairs);
        self.json_answer(&outgoing, deadline).await
    }
}
