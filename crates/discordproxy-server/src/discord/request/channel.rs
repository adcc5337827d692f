//! Endpoints of Discord's channel resource, and the limits Discord documents for channel
//! settings.
//! <https://discord.com/developers/docs/resources/channel>

mod delete_channel;
mod delete_channel_permission;
mod edit_channel_permissions;
mod get_channel;
pub mod limits;
mod modify_channel;
mod trigger_typing_indicator;
