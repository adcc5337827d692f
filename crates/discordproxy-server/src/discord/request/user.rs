//! Endpoints of Discord's user resource.
//! <https://discord.com/developers/docs/resources/user>

mod create_dm;
mod get_current_user;
mod get_user;
