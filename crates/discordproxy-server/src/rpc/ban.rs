//! RPCs whose Discord endpoint is about a guild's bans.
//! <https://discord.com/developers/docs/resources/guild#get-guild-bans>

pub(super) mod bulk_guild_ban;
pub(super) mod create_guild_ban;
pub(super) mod get_guild_ban;
pub(super) mod get_guild_bans;
pub(super) mod remove_guild_ban;
