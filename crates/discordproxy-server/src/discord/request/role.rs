//! Endpoints of Discord's guild resource about roles.
//! <https://discord.com/developers/docs/resources/guild#get-guild-roles>

mod create_guild_role;
mod delete_guild_role;
mod get_guild_role;
mod get_guild_roles;
pub mod limits;
mod modify_guild_role;
mod modify_guild_role_positions;
