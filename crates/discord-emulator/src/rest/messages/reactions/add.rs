//! `PUT /channels/{channel.id}/messages/{message.id}/reactions/{emoji}/@me`
//! ([docs](https://discord.com/developers/docs/resources/message#create-reaction)), and the
//! reactions of other users the control API adds.

use std::sync::Arc;

use axum::extract::{Path, State as AxumState};
use axum::http::StatusCode;

use super::super::message_path;
use super::{locate, message_mut};
use crate::error::ApiError;
use crate::fixture::Access;
use crate::gateway::{Gateway, ReactionChange};
use crate::state::State;
use crate::store::{ChannelOwner, ReactionKind, Store};

/// Who reacts, on which message, with which emoji and kind.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ReactionTarget<'a> {
    pub(crate) channel_id: u64,
    pub(crate) message_id: u64,
    /// The `{emoji}` path segment, percent-decoded.
    pub(crate) emoji: &'a str,
    pub(crate) user_id: u64,
    pub(crate) kind: ReactionKind,
}

/// Adds a reaction and sends MESSAGE_REACTION_ADD (nothing when it was there already).
///
/// The bot (`target.user_id` is the bot) in an `emulator_access: "read"` channel lacks
/// ADD_REACTIONS: it may only add to an emoji someone used already (else 403/50013). A 21st
/// emoji → 400/30010.
pub(crate) fn add_reaction(
    gateway: &Gateway,
    store: &mut Store,
    target: ReactionTarget<'_>,
) -> Result<(), ApiError> {
    let (message, emoji) = locate(
        store,
        target.channel_id,
        target.message_id,
        Some(target.emoji),
    )?;
    let emoji = emoji.ok_or(ApiError::UnknownEmoji)?;
    let bot_id = store.bot_id;
    let read_only = matches!(
        store.channels[&target.channel_id].owner,
        ChannelOwner::Guild {
            access: Access::Read,
            ..
        }
    );
    if target.user_id == bot_id && read_only && !message.reactions.has(&emoji.key) {
        return Err(ApiError::MissingPermissions);
    }
    let message_author_id = message.author_id();
    let message = message_mut(store, target.channel_id, target.message_id)?;
    let added = message
        .reactions
        .add(&emoji, target.user_id, target.kind)
        .map_err(|_| ApiError::TooManyReactions)?;
    if !added {
        return Ok(());
    }
    message.sync_reactions(bot_id);
    tracing::debug!(
        target.channel_id,
        target.message_id,
        target.user_id,
        "reaction added"
    );
    let change = ReactionChange {
        channel_id: target.channel_id,
        message_id: target.message_id,
        user_id: target.user_id,
        emoji: &emoji,
        kind: target.kind,
        message_author_id,
    };
    gateway.reaction_added(store, &change);
    Ok(())
}

/// `PUT /channels/{channel.id}/messages/{message.id}/reactions/{emoji}/@me` → 204 with an
/// empty body (also when the bot had reacted already, then without an event).
pub(in crate::rest) async fn add_own_reaction(
    AxumState(state): AxumState<Arc<State>>,
    Path((channel_id, message_id, emoji)): Path<(String, String, String)>,
) -> Result<StatusCode, ApiError> {
    let (channel_id, message_id) = message_path((channel_id, message_id))?;
    let mut store = state.store();
    let user_id = store.bot_id;
    let target = ReactionTarget {
        channel_id,
        message_id,
        emoji: &emoji,
        user_id,
        kind: ReactionKind::Normal,
    };
    add_reaction(&state.gateway, &mut store, target)?;
    Ok(StatusCode::NO_CONTENT)
}
