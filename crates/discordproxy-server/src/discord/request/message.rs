//! Endpoints of Discord's message resource, and the limits Discord documents for message
//! bodies.
//! <https://discord.com/developers/docs/resources/message>

mod create_message;
pub mod limits;
