//! List Guild Members: `GET /guilds/{guild.id}/members` ([`Route::GuildMembers`]) with
//! `limit` and `after` in the query.
//! <https://discord.com/developers/docs/resources/guild#list-guild-members>
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
    /// `GET /guilds/{guild.id}/members?limit=&after=` (each only when set): the page as
    /// Discord's JSON array. Needs the GUILD_MEMBERS privileged intent. Retried after 5xx and
    /// network failures.
    /// <https://discord.com/developers/docs/resources/guild#list-guild-members>
    ///
    /// # Errors
    /// 404/10004 Unknown Guild (`NOT_FOUND`), 403/50001 Missing Access without the intent
    /// (`PERMISSION_DENIED`), 400/50035 for a bad query (`INVALID_ARGUMENT`); otherwise see
    /// [`DiscordClient`].
    pub async fn guild_members(
        &self,
        guild_id: u64,
        limit: Option<i32>,
        after: Option<u64>,
        deadline: Instant,
    ) -> Result<JsonAnswer> {
        let outgoing = Outgoing::new(Route::GuildMembers { guild_id }).query(&[
            ("limit", limit.map(|limit| limit.to_string())),
            ("after", after.map(|after| after.to_string())),
        ]);
        self.json_answer(&outgoing, deadline).await
    }
}
