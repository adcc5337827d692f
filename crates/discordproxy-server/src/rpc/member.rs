//! RPCs whose Discord endpoint is about a guild's members.
//! <https://discord.com/developers/docs/resources/guild#get-guild-member>

pub(super) mod add_guild_member;
pub(super) mod add_guild_member_role;
pub(super) mod get_guild_member;
pub(super) mod list_guild_members;
pub(super) mod modify_current_member;
pub(super) mod modify_guild_member;
pub(super) mod remove_guild_member;
pub(super) mod remove_guild_member_role;
pub(super) mod search_guild_members;
