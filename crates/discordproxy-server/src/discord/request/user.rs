//! Endpoints of Discord's user resource.
//! <https://discord.com/developers/docs/resources/user>

mod create_dm;
mod get_current_user;
mod get_current_user_guilds;
mod get_user;
pub mod limits;
pub use get_current_user_guilds::GuildPage;
