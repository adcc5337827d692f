//! Any Discord route by its path: `CallDiscordApi`'s pass-through (routes without a typed
//! RPC yet).

mod call_discord_api;

pub use call_discord_api::AnyRequest;
