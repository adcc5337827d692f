//! RPCs whose Discord endpoint is in the user resource.
//! <https://discord.com/developers/docs/resources/user>

pub(super) mod create_dm;
pub(super) mod get_current_user;
pub(super) mod get_current_user_guilds;
pub(super) mod get_user;
