//! RPCs whose Discord endpoint is in the message resource.
//! <https://discord.com/developers/docs/resources/message>

pub(super) mod send_channel_message;
pub(super) mod send_direct_message;
