//! RPCs whose Discord endpoint is in the channel resource.
//! <https://discord.com/developers/docs/resources/channel>

pub(super) mod delete_channel;
pub(super) mod delete_channel_permission;
pub(super) mod edit_channel_permissions;
pub(super) mod get_channel;
pub(super) mod modify_channel;
pub(super) mod trigger_typing_indicator;
