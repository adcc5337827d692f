//! Get Guild Bans: `GET /guilds/{guild.id}/bans` ([`Route::GuildBans`]) with `limit`, `before`
//! and `after` in the query.
//! <https://discord.com/developers/docs/resources/guild#get-guild-bans>
//!
//! Limits: [`check_ban_page`](super::limits::check_ban_page), which the RPC calls before the
//! request.

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
    /// `GET /guilds/{guild.id}/bans?limit=&before=&after=` (each only when set): the page as
    /// Discord's JSON array. Retried after 5xx and network failures.
    /// <https://discord.com/developers/docs/resources/guild#get-guild-bans>
    ///
    /// # Errors
    /// 404/10004 Unknown Guild (`NOT_FOUND`), 403/50013 Missing Permissions (BAN_MEMBERS;
    /// `PERMISSION_DENIED`), 400/50035 for a bad query (`INVALID_ARGUMENT`); otherwise see
    /// [`DiscordClient`].
    pub async fn guild_bans(
        &self,
        guild_id: u64,
        limit: Option<i32>,
        before: Option<u64>,
        after: Option<u64>,
        deadline: Instant,
    ) -> Result<JsonAnswer> {
        let text = |id: Option<u64>| id.map(|id| id.to_string());
        let outgoing = Outgoing::new(Route::GuildBans { guild_id }).query(&[
            ("limit", limit.map(|limit| limit.to_string())),
            ("before", text(before)),
            ("after", text(after)),
        ]);
        self.json_answer(&outgoing, deadline).await
    }
}
