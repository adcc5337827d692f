//! Messages written by other users, for tests (`POST /_emulator/channels/{channel.id}/messages`
//! of the control API): the bot only ever writes its own messages over REST, but editing,
//! deleting and reacting to other users' messages behave differently.

use serde_json::Value;

use super::build::{Draft, build_message};
use super::{reply, stickers};
use crate::error::ApiError;
use crate::snowflake::parse_snowflake;
use crate::state::State;
use crate::store::{ChannelOwner, StoredMessage};
use crate::validate;

/// Why a message could not be injected.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum InjectError {
    /// The channel id names no channel (also a malformed id).
    UnknownChannel,
    /// `author_id` is missing, names no user of the fixture, or (in a DM) neither the bot nor
    /// the DM's recipient.
    BadAuthor,
    /// The rest of the body is not a valid message create: Discord's error for it.
    Invalid(ApiError),
}

impl InjectError {
    /// A message for the control API's `{"error": …}` answer.
    pub(crate) fn message(&self) -> String {
        match self {
            Self::UnknownChannel => "unknown channel".to_owned(),
            Self::BadAuthor => "author_id must name a user of the fixture (in a DM: the bot or \
                                the recipient)"
                .to_owned(),
            Self::Invalid(error) => format!("invalid message: {}", error.body()),
        }
    }
}

/// Creates a message in `channel_id` written by the user `author_id` of `body`; the rest of
/// `body` is a message create body (content, embeds, components, `message_reference`, …,
/// validated the same way). Access rules do not apply: the user wrote it. The message is
/// stored and dispatched (MESSAGE_CREATE) like any other; returns the message object.
///
/// # Errors
///
/// See [`InjectError`].
pub(crate) fn inject_message(
    state: &State,
    channel_id: &str,
    body: Option<&Value>,
) -> Result<Value, InjectError> {
    let channel_id =
        crate::snowflake::parse_snowflake_str(channel_id).ok_or(InjectError::UnknownChannel)?;
    let author_id = body
        .and_then(|body| body.get("author_id"))
        .and_then(parse_snowflake)
        .ok_or(InjectError::BadAuthor)?;
    let input = validate::message_create(body).map_err(InjectError::Invalid)?;
    let mut store = state.store();
    let channel = store
        .channels
        .get(&channel_id)
        .ok_or(InjectError::UnknownChannel)?;
    if let ChannelOwner::Dm { recipient_id } = channel.owner
        && author_id != recipient_id
        && author_id != store.bot_id
    {
        return Err(InjectError::BadAuthor);
    }
    let author = store
        .users
        .get(&author_id)
        .map(|user| Value::Object(user.object.clone()))
        .ok_or(InjectError::BadAuthor)?;
    let reply = match &input.reference {
        Some(reference) => {
            reply::resolve(&store, channel_id, reference).map_err(InjectError::Invalid)?
        }
        None => None,
    };
    let sticker_items = stickers::sticker_items(&store, channel_id, &input.sticker_ids)
        .map_err(InjectError::Invalid)?;
    let draft = Draft {
        author,
        input,
        reply,
        sticker_items,
        attachments: Vec::new(),
    };
    let (id, object) = build_message(&mut store, channel_id, draft);
    tracing::debug!(channel_id, message_id = id, author_id, "message injected");
    let message = StoredMessage::new(id, object);
    let served = store.channels[&channel_id].served(&message);
    store.push_message(channel_id, message);
    state.gateway.message_created(&store, channel_id, &served);
    Ok(served)
}
