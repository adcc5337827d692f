//! The message a reply answers
//! ([docs](https://discord.com/developers/docs/resources/message#message-reference-content-attribution)):
//! a message of the same channel. Its `channel_id` and `guild_id`, when sent, must be the
//! reply's own.

use super::build::Reply;
use super::guild_of;
use crate::error::ApiError;
use crate::store::Store;
use crate::validate::MessageReference;

/// `REPLIES_CANNOT_REFERENCE_OTHER_CHANNEL` on `message_reference`.
fn other_channel() -> ApiError {
    ApiError::form(
        &["message_reference"],
        "REPLIES_CANNOT_REFERENCE_OTHER_CHANNEL",
        "Cannot reply to a message in a different channel",
    )
}

/// `REPLIES_UNKNOWN_MESSAGE` on `message_reference`.
fn unknown_message() -> ApiError {
    ApiError::form(
        &["message_reference"],
        "REPLIES_UNKNOWN_MESSAGE",
        "Unknown message",
    )
}

/// What `reference` of a create in `channel_id` points at: the message and its author, or
/// `None` when it does not exist and `fail_if_not_exists` is false (a normal message is sent).
///
/// # Errors
///
/// 400/50035 on `message_reference`: `REPLIES_CANNOT_REFERENCE_OTHER_CHANNEL` when its
/// `channel_id` is another channel; `REPLIES_UNKNOWN_MESSAGE` when the message is not in the
/// channel (or its `guild_id` is another guild) and `fail_if_not_exists` is true.
pub(super) fn resolve(
    store: &Store,
    channel_id: u64,
    reference: &MessageReference,
) -> Result<Option<Reply>, ApiError> {
    if reference.channel_id.is_some_and(|id| id != channel_id) {
        return Err(other_channel());
    }
    let channel = &store.channels[&channel_id];
    let same_guild = reference
        .guild_id
        .is_none_or(|guild_id| guild_of(channel) == Some(guild_id));
    match channel.message(reference.message_id).filter(|_| same_guild) {
        Some(message) => Ok(Some(Reply {
            message_id: message.id,
            author_id: message.author_id(),
        })),
        None if reference.fail_if_not_exists => Err(unknown_message()),
        None => Ok(None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixture::Fixture;
    use crate::store::StoredMessage;
    use serde_json::json;

    const GENERAL: u64 = 400_000_000_000_000_002;
    const GUILD: u64 = 300_000_000_000_000_001;

    fn reference(message_id: u64) -> MessageReference {
        MessageReference {
            message_id,
            channel_id: None,
            guild_id: None,
            fail_if_not_exists: true,
        }
    }

    fn code(error: ApiError) -> serde_json::Value {
        error.body()["errors"]["message_reference"]["_errors"][0]["code"].clone()
    }

    #[test]
    fn replies_need_a_message_of_the_same_channel() {
        let mut store = Store::new(&Fixture::default_fixture());
        store.push_message(
            GENERAL,
            StoredMessage::new(7, json!({"id": "7", "type": 0, "author": {"id": "5"}})),
        );
        assert_eq!(
            resolve(&store, GENERAL, &reference(7)),
            Ok(Some(Reply {
                message_id: 7,
                author_id: Some(5)
            }))
        );
        let with_ids = MessageReference {
            channel_id: Some(GENERAL),
            guild_id: Some(GUILD),
            ..reference(7)
        };
        assert!(resolve(&store, GENERAL, &with_ids).unwrap().is_some());
        let unknown = resolve(&store, GENERAL, &reference(8)).unwrap_err();
        assert_eq!(code(unknown), json!("REPLIES_UNKNOWN_MESSAGE"));
        let lenient = MessageReference {
            fail_if_not_exists: false,
            ..reference(8)
        };
        assert_eq!(resolve(&store, GENERAL, &lenient), Ok(None));
        let elsewhere = MessageReference {
            channel_id: Some(1),
            ..reference(7)
        };
        assert_eq!(
            code(resolve(&store, GENERAL, &elsewhere).unwrap_err()),
            json!("REPLIES_CANNOT_REFERENCE_OTHER_CHANNEL")
        );
        let other_guild = MessageReference {
            guild_id: Some(1),
            ..reference(7)
        };
        assert_eq!(
            code(resolve(&store, GENERAL, &other_guild).unwrap_err()),
            json!("REPLIES_UNKNOWN_MESSAGE")
        );
        // The same message from another channel is unknown there.
        let big = 18_014_398_509_481_985;
        assert!(resolve(&store, big, &reference(7)).is_err());
    }
}
