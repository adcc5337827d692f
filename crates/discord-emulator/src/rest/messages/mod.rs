//! The messages of a channel ([docs](https://discord.com/developers/docs/resources/message)),
//! one file per route:
//!
//! - [`list`]: `GET /channels/{channel.id}/messages`
//! - [`get`]: `GET /channels/{channel.id}/messages/{message.id}`
//! - [`create`]: `POST /channels/{channel.id}/messages` (MESSAGE_CREATE)
//! - [`edit`]: `PATCH /channels/{channel.id}/messages/{message.id}` (MESSAGE_UPDATE)
//! - [`delete`]: `DELETE /channels/{channel.id}/messages/{message.id}` (MESSAGE_DELETE)
//! - [`bulk_delete`]: `POST /channels/{channel.id}/messages/bulk-delete` (MESSAGE_DELETE_BULK)
//! - [`crosspost`]: `POST /channels/{channel.id}/messages/{message.id}/crosspost`
//!   (MESSAGE_UPDATE)
//! - [`reactions`]: the reaction routes (`…/messages/{message.id}/reactions…`)
//! - [`pins`]: the pin routes (`…/messages/pins…` and the deprecated `…/pins…`)
//!
//! and what they share: [`build`] (new message objects), [`mentions`], [`reply`] (the message
//! a reply answers), [`stickers`]; [`inject`] creates messages of other users for the control
//! API. Gateway events are dispatched while the store is locked, so they go out in the order
//! of the changes.

mod build;
mod bulk_delete;
mod create;
mod crosspost;
mod delete;
mod edit;
mod get;
mod inject;
mod list;
mod mentions;
mod pins;
mod reactions;
mod reply;
mod stickers;

pub(super) use build::{Draft, build_message_as};
pub(super) use bulk_delete::bulk_delete_messages;
pub(super) use create::create_message;
pub(super) use crosspost::crosspost_message;
pub(super) use delete::delete_message;
pub(super) use edit::{apply as apply_edit, edit_message};
pub(super) use get::get_message;
pub(crate) use inject::{InjectError, inject_message};
pub(super) use list::list_messages;
pub(super) use pins::{list_pins, list_pins_deprecated, pin_message, unpin_message};
pub(crate) use reactions::{ReactionTarget, add_reaction};
pub(super) use reactions::{
    add_own_reaction, delete_all_reactions, delete_emoji_reactions, delete_own_reaction,
    delete_user_reaction, get_reactions,
};
pub(super) use stickers::sticker_items;

use super::snowflake_param;
use crate::error::ApiError;
use crate::fixture::Access;
use crate::store::{ChannelOwner, ChannelState, StoredMessage};

/// The path parameters of a message route: `(channel_id, message_id)`, both snowflakes, else
/// 400/50035 naming the parameter.
fn message_path((channel_id, message_id): (String, String)) -> Result<(u64, u64), ApiError> {
    Ok((
        snowflake_param("channel_id", &channel_id)?,
        snowflake_param("message_id", &message_id)?,
    ))
}

/// Message `message_id` of `channel`, else 404/10008 Unknown Message.
fn find_message(channel: &ChannelState, message_id: u64) -> Result<&StoredMessage, ApiError> {
    channel.message(message_id).ok_or(ApiError::UnknownMessage)
}

/// What the bot may do with other users' messages in `channel` (MANAGE_MESSAGES): nothing in
/// a DM (403/50003) or an `emulator_access: "read"` channel (403/50013), everything otherwise.
fn may_manage_messages(channel: &ChannelState) -> Result<(), ApiError> {
    match channel.owner {
        ChannelOwner::Dm { .. } => Err(ApiError::DmChannelAction),
        ChannelOwner::Guild {
            access: Access::Read | Access::None,
            ..
        } => Err(ApiError::MissingPermissions),
        ChannelOwner::Guild {
            access: Access::Full,
            ..
        } => Ok(()),
    }
}

/// The guild of a guild channel.
fn guild_of(channel: &ChannelState) -> Option<u64> {
    match channel.owner {
        ChannelOwner::Guild { guild_id, .. } => Some(guild_id),
        ChannelOwner::Dm { .. } => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixture::Fixture;
    use crate::store::Store;

    #[test]
    fn message_paths_name_the_bad_parameter() {
        assert_eq!(message_path(("1".into(), "2".into())), Ok((1, 2)));
        let error = message_path(("1".into(), "x".into())).unwrap_err();
        assert!(error.body()["errors"]["message_id"].is_object());
        let error = message_path(("x".into(), "2".into())).unwrap_err();
        assert!(error.body()["errors"]["channel_id"].is_object());
    }

    #[test]
    fn managing_others_messages_needs_a_full_guild_channel() {
        let mut store = Store::new(&Fixture::default_fixture());
        let dm = store.open_dm(200_000_000_000_000_001);
        let check = |store: &Store, id: u64| may_manage_messages(&store.channels[&id]);
        assert_eq!(check(&store, dm), Err(ApiError::DmChannelAction));
        assert_eq!(
            check(&store, 400_000_000_000_000_008),
            Err(ApiError::MissingPermissions)
        );
        assert_eq!(check(&store, 400_000_000_000_000_002), Ok(()));
        assert_eq!(guild_of(&store.channels[&dm]), None);
        assert_eq!(
            guild_of(&store.channels[&400_000_000_000_000_002]),
            Some(300_000_000_000_000_001)
        );
    }
}
