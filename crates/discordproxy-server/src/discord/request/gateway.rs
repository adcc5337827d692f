//! Endpoints of Discord's gateway topic.
//! <https://discord.com/developers/docs/events/gateway>

mod get_gateway_bot;
