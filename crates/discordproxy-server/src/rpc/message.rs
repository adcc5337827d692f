//! RPCs whose Discord endpoint is in the message resource.
//! <https://discord.com/developers/docs/resources/message>

pub(super) mod bulk_delete_messages;
pub(super) mod crosspost_message;
pub(super) mod delete_channel_message;
pub(super) mod edit_channel_message;
pub(super) mod get_channel_message;
pub(super) mod get_channel_messages;
pub(super) mod send_channel_message;
pub(super) mod send_direct_message;
