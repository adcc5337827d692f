//! Endpoints of Discord's channel resource.
//! <https://discord.com/developers/docs/resources/channel>

mod get_channel;
