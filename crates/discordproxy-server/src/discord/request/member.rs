//! Endpoints of Discord's guild resource about members.
//! <https://discord.com/developers/docs/resources/guild#get-guild-member>

mod add_guild_member;
mod add_guild_member_role;
mod get_guild_member;
pub mod limits;
mod list_guild_members;
mod modify_current_member;
mod modify_guild_member;
mod remove_guild_member;
mod remove_guild_member_role;
mod search_guild_members;

pub use add_guild_member::Added;
