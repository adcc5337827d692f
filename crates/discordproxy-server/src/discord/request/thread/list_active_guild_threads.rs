//! List Active Guild Threads: `GET /guilds/{guild.id}/threads/active`
//! ([`Route::ActiveGuildThreads`]).
//! <https://discord.com/developers/docs/resources/guild#list-active-guild-threads>

use crate::{
    discord::{
        client::{DiscordClient, JsonAnswer},
        outgoing::Outgoing,
        route::Route,
    },
    error::{Error, Result},
};
use tokio::time::Instant;

impl DiscordClient {
    /// `GET /guilds/{guild.id}/threads/active`: `{"threads", "members"}`, the guild's active
    /// threads the bot can see and the bot's memberships of them.
    /// <https://discord.com/developers/docs/resources/guild#list-active-guild-threads>
    ///
    /// # Errors
    /// 404/10004 Unknown Guild (`NOT_FOUND`), 403/50001 Missing Access (`PERMISSION_DENIED`);
    /// [`Error::Internal`] when the answer is no JSON object; otherwise see [`DiscordClient`].
    pub async fn active_guild_threads(
        &self,
        guild_id: u64,
        deadline: Instant,
    ) -> Result<JsonAnswer> {
        let route = Route::ActiveGuildThreads { guild_id };
        let template = route.template();
        let answer = self.json_answer(&Outgoing::new(route), deadline).await?;
        if !answer.value.is_object() {
            return Err(Error::Internal(format!(
                "Discord's answer to {template} is no JSON object"
            )));
        }
        Ok(answer)
    }
}
