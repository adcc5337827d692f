//! Get Current User Guilds: `GET /users/@me/guilds` ([`Route::CurrentUserGuilds`]) with
//! `before`, `after`, `limit` and `with_counts` in the query.
//! <https://discord.com/developers/docs/resources/user#get-current-user-guilds>
//!
//! Limits: [`check_guild_page`](super::limits::check_guild_page), which the RPC calls before
//! the request.

use crate::{
    discord::{
        client::{DiscordClient, JsonAnswer},
        outgoing::Outgoing,
        route::Route,
    },
    error::Result,
};
use tokio::time::Instant;

/// Which page of the bot's guilds (Discord's query parameters; `None` = not sent).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct GuildPage {
    /// Guilds with ids below this.
    pub before: Option<u64>,
    /// Guilds with ids above this.
    pub after: Option<u64>,
    /// 1–200 (Discord's default: 200).
    pub limit: Option<i32>,
    /// Adds the approximate member and presence counts.
    pub with_counts: bool,
}

impl DiscordClient {
    /// `GET /users/@me/guilds?…`: the page of partial guilds as Discord's JSON array. Retried
    /// after 5xx and network failures.
    /// <https://discord.com/developers/docs/resources/user#get-current-user-guilds>
    ///
    /// # Errors
    /// 400/50035 for a bad query (`INVALID_ARGUMENT`); otherwise see [`DiscordClient`].
    pub async fn current_user_guilds(
        &self,
        page: GuildPage,
        deadline: Instant,
    ) -> Result<JsonAnswer> {
        let text = |id: Option<u64>| id.map(|id| id.to_string());
        let outgoing = Outgoing::new(Route::CurrentUserGuilds).query(&[
            ("before", text(page.before)),
            ("after", text(page.after)),
            ("limit", page.limit.map(|limit| limit.to_string())),
            ("with_counts", page.with_counts.then(|| "true".to_owned())),
        ]);
        self.json_answer(&outgoing, deadline).await
    }
}
