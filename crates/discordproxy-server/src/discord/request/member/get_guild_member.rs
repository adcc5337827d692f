//! Get Guild Member: `GET /guilds/{guild.id}/members/{user.id}` ([`Route::GuildMember`]).
//! <https://discord.com/developers/docs/resources/guild#get-guild-member>

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
    /// `GET /guilds/{guild.id}/members/{user.id}`: the member's JSON. Retried after 5xx and network failures.
    /// <https://discord.com/developers/docs/resources/guild#get-guild-member>
    ///
    /// # Errors
    /// 404/10004 Unknown Guild, 404/10007 Unknown Member and 404/10013 Unknown User (`NOT_FOUND`); otherwise see [`DiscordClient`].
    pub async fn guild_member(
        &self,
        guild_id: u64,
        user_id: u64,
        deadline: Instant,
    ) -> Result<JsonAnswer> {
        let outgoing = Outgoing::new(Route::GuildMember { guild_id, user_id });
        self.json_answer(&outgoing, deadline).await
    }
}
