//! RPCs of Discord's pins (in Discord's message resource; the current
//! `/channels/{channel_id}/messages/pins` endpoints).
//! <https://discord.com/developers/docs/resources/message#get-channel-pins>

pub(super) mod get_channel_pins;
pub(super) mod pin_message;
pub(super) mod unpin_message;
