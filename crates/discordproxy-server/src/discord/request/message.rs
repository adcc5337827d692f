//! Endpoints of Discord's message resource, and the limits Discord documents for message
//! bodies.
//! <https://discord.com/developers/docs/resources/message>

mod bulk_delete_messages;
mod create_message;
mod crosspost_message;
mod delete_message;
mod edit_message;
mod get_channel_message;
pub mod get_channel_messages;
pub mod limits;
