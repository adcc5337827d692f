//! RPCs whose Discord endpoint is about a guild's roles.
//! <https://discord.com/developers/docs/resources/guild#get-guild-roles>

pub(super) mod create_guild_role;
pub(super) mod delete_guild_role;
pub(super) mod get_guild_role;
pub(super) mod get_guild_roles;
pub(super) mod modify_guild_role;
pub(super) mod modify_guild_role_positions;
