//! Endpoints of Discord's interactions: token routes, sent without the bot's `Authorization`,
//! outside its global rate limit, and their paths (holding the interaction token) never
//! logged.
//! <https://discord.com/developers/docs/interactions/receiving-and-responding>

mod create_interaction_response;
mod original_interaction_response;
