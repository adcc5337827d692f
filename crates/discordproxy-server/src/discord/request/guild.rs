//! Endpoints of Discord's guild resource.
//! <https://discord.com/developers/docs/resources/guild>

mod create_guild_channel;
mod get_guild;
mod get_guild_channels;
