//! The reactions of a message ([docs](https://discord.com/developers/docs/resources/message#create-reaction)),
//! one file per route:
//!
//! - [`add`]: `PUT …/messages/{message.id}/reactions/{emoji}/@me` (MESSAGE_REACTION_ADD)
//! - [`remove`]: `DELETE …/reactions/{emoji}/@me` and `DELETE …/reactions/{emoji}/{user.id}`
//!   (MESSAGE_REACTION_REMOVE)
//! - [`users`]: `GET …/reactions/{emoji}`
//! - [`clear`]: `DELETE …/reactions` (MESSAGE_REACTION_REMOVE_ALL) and
//!   `DELETE …/reactions/{emoji}` (MESSAGE_REACTION_REMOVE_EMOJI)
//!
//! and [`emoji`], the `{emoji}` path segment. Every route checks, in this order: the channel
//! (404/10003, 403/50001), the message (404/10008), the emoji (400/10014), then permissions.

mod add;
mod clear;
mod emoji;
mod remove;
mod users;

pub(in crate::rest) use add::add_own_reaction;
pub(crate) use add::{ReactionTarget, add_reaction};
pub(in crate::rest) use clear::{delete_all_reactions, delete_emoji_reactions};
pub(in crate::rest) use remove::{delete_own_reaction, delete_user_reaction};
pub(in crate::rest) use users::get_reactions;

use super::super::channels::visible_channel;
use super::find_message;
use crate::error::ApiError;
use crate::store::{ReactionEmoji, Store, StoredMessage};

/// The message `message_id` of `channel_id` and the emoji `raw` names, after the channel,
/// message and emoji checks.
fn locate<'a>(
    store: &'a Store,
    channel_id: u64,
    message_id: u64,
    raw_emoji: Option<&str>,
) -> Result<(&'a StoredMessage, Option<ReactionEmoji>), ApiError> {
    let channel = visible_channel(store, channel_id)?;
    let message = find_message(channel, message_id)?;
    let emoji = raw_emoji
        .map(|raw| emoji::resolve(store, raw))
        .transpose()?;
    Ok((message, emoji))
}

/// Message `message_id` of `channel_id`, to change it.
fn message_mut(
    store: &mut Store,
    channel_id: u64,
    message_id: u64,
) -> Result<&mut StoredMessage, ApiError> {
    store
        .channels
        .get_mut(&channel_id)
        .and_then(|channel| channel.message_mut(message_id))
        .ok_or(ApiError::UnknownMessage)
}
