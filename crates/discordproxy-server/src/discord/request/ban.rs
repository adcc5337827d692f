//! Endpoints of Discord's guild resource about bans.
//! <https://discord.com/developers/docs/resources/guild#get-guild-bans>

mod bulk_guild_ban;
mod create_guild_ban;
mod get_guild_ban;
mod get_guild_bans;
pub mod limits;
mod remove_guild_ban;
