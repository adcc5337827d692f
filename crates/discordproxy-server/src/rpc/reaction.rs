//! RPCs of Discord's reactions (in Discord's message resource).
//! <https://discord.com/developers/docs/resources/message#create-reaction>

pub(super) mod create_reaction;
pub(super) mod delete_all_reactions;
pub(super) mod delete_all_reactions_for_emoji;
pub(super) mod delete_own_reaction;
pub(super) mod delete_user_reaction;
pub(super) mod get_reactions;
