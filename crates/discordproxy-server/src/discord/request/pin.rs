//! Endpoints of Discord's pins (part of the message resource): the current
//! `/channels/{channel.id}/messages/pins` routes, not the deprecated `/channels/{channel.id}/pins`.
//! <https://discord.com/developers/docs/resources/message#get-channel-pins>

pub mod get_channel_pins;
pub mod limits;
mod pin_message;
mod unpin_message;
