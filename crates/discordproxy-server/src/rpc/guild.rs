//! RPCs whose Discord endpoint is in the guild resource.
//! <https://discord.com/developers/docs/resources/guild>

pub(super) mod create_guild_channel;
pub(super) mod get_guild;
pub(super) mod get_guild_channels;
