//! Endpoints of Discord's reactions (part of the message resource): `{emoji}` is a
//! [`Emoji`](crate::discord::route::Emoji), percent-encoded in the path; every reaction
//! change of a channel shares Discord's per-channel bucket (major parameter `channel_id`).
//! <https://discord.com/developers/docs/resources/message#create-reaction>

mod create_reaction;
mod delete_all_reactions;
mod delete_all_reactions_for_emoji;
mod delete_own_reaction;
mod delete_user_reaction;
pub mod get_reactions;
pub mod limits;
