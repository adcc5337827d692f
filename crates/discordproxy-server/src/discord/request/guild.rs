//! Endpoints of Discord's guild resource.
//! <https://discord.com/developers/docs/resources/guild>

mod get_guild;
mod get_guild_channels;
