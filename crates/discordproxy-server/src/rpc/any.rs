//! RPCs that reach any Discord route by its path.
//! <https://discord.com/developers/docs/reference#http-api>

pub(super) mod call_discord_api;
