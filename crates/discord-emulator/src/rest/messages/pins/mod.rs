//! The pinned messages of a channel ([docs](https://discord.com/developers/docs/resources/message#get-channel-pins)),
//! one file per route:
//!
//! - [`list`]: `GET /channels/{channel.id}/messages/pins` (`before`, `limit`) and the
//!   deprecated `GET /channels/{channel.id}/pins`
//! - [`pin`]: `PUT /channels/{channel.id}/messages/pins/{message.id}` (and the deprecated
//!   `PUT /channels/{channel.id}/pins/{message.id}`), MESSAGE_UPDATE and CHANNEL_PINS_UPDATE
//! - [`unpin`]: `DELETE` of the same paths, MESSAGE_UPDATE and CHANNEL_PINS_UPDATE
//!
//! Pins belong to their message: deleting a pinned message unpins it.

mod list;
mod pin;
mod unpin;

pub(in crate::rest) use list::{list_pins, list_pins_deprecated};
pub(in crate::rest) use pin::pin_message;
pub(in crate::rest) use unpin::unpin_message;

use crate::error::ApiError;
use crate::fixture::Access;
use crate::store::{ChannelOwner, ChannelState, StoredMessage};
use crate::timestamp::format_timestamp_ms;

/// At most this many pinned messages per channel (Discord's 30003).
const MAX_PINS: usize = 50;

/// Whether the bot may pin in `channel` (PIN_MESSAGES): anyone may in a DM, not in an
/// `emulator_access: "read"` channel (403/50013).
fn may_pin(channel: &ChannelState) -> Result<(), ApiError> {
    match channel.owner {
        ChannelOwner::Guild {
            access: Access::Read | Access::None,
            ..
        } => Err(ApiError::MissingPermissions),
        _ => Ok(()),
    }
}

/// The pinned messages of `channel`, newest pin first.
fn pinned(channel: &ChannelState) -> Vec<&StoredMessage> {
    let mut pinned: Vec<&StoredMessage> = channel
        .messages
        .iter()
        .filter(|message| message.pin.is_some())
        .collect();
    pinned.sort_by_key(|message| std::cmp::Reverse(message.pin));
    pinned
}

/// The newest pin's time in `channel` (ISO-8601), for CHANNEL_PINS_UPDATE.
fn last_pin_timestamp(channel: &ChannelState) -> Option<String> {
    pinned(channel)
        .first()
        .and_then(|message| message.pin)
        .map(|pin| format_timestamp_ms(pin.at_ms))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixture::Fixture;
    use crate::store::{Pin, Store};
    use serde_json::json;

    #[test]
    fn pins_are_listed_newest_first() {
        let mut store = Store::new(&Fixture::default_fixture());
        let channel_id = 400_000_000_000_000_002;
        for id in [1, 2, 3] {
            store.push_message(
                channel_id,
                StoredMessage::new(id, json!({"id": id.to_string()})),
            );
        }
        let channel = store.channels.get_mut(&channel_id).unwrap();
        assert_eq!(last_pin_timestamp(channel), None);
        channel.message_mut(3).unwrap().set_pin(Some(Pin {
            at_ms: 5,
            sequence: 1,
        }));
        channel.message_mut(1).unwrap().set_pin(Some(Pin {
            at_ms: 5,
            sequence: 2,
        }));
        let order: Vec<u64> = pinned(channel).iter().map(|message| message.id).collect();
        assert_eq!(order, [1, 3]);
        assert_eq!(channel.message(1).unwrap().object["pinned"], json!(true));
        assert_eq!(
            last_pin_timestamp(channel).as_deref(),
            Some("1970-01-01T00:00:00.005000+00:00")
        );
        assert_eq!(may_pin(channel), Ok(()));
        assert_eq!(
            may_pin(&store.channels[&400_000_000_000_000_008]),
            Err(ApiError::MissingPermissions)
        );
    }
}
