//! New message objects, with Discord's keys in Discord's order
//! ([message object](https://discord.com/developers/docs/resources/message#message-object)).

use serde_json::{Map, Value, json};

use super::mentions::Mentions;
use crate::snowflake::snowflake_timestamp;
use crate::store::{ChannelOwner, REPLY, Store};
use crate::validate::MessageCreate;

/// Message type DEFAULT.
const DEFAULT: u64 = 0;

/// The message a new one replies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(in crate::rest) struct Reply {
    pub(in crate::rest) message_id: u64,
    /// Its author (pinged unless `allowed_mentions` says otherwise).
    pub(in crate::rest) author_id: Option<u64>,
}

/// What a new message is made of (validated and checked against the store).
#[derive(Debug)]
pub(in crate::rest) struct Draft {
    /// The author's user object.
    pub(in crate::rest) author: Value,
    pub(in crate::rest) input: MessageCreate,
    pub(in crate::rest) reply: Option<Reply>,
    /// `sticker_items` for the stickers sent.
    pub(in crate::rest) sticker_items: Vec<Value>,
    /// Attachment objects of the uploaded files.
    pub(in crate::rest) attachments: Vec<Value>,
}

/// Builds the object of a new message in `channel_id` (it gets a new snowflake); returns its
/// id and the object as stored.
pub(super) fn build_message(store: &mut Store, channel_id: u64, draft: Draft) -> (u64, Value) {
    let id = store.snowflakes.next();
    (id, build_message_as(store, channel_id, id, draft))
}

/// Builds the object of a new message `id` in `channel_id` (a forum post's first message has
/// the thread's id).
pub(in crate::rest) fn build_message_as(
    store: &Store,
    channel_id: u64,
    id: u64,
    draft: Draft,
) -> Value {
    let Draft {
        author,
        input,
        reply,
        sticker_items,
        attachments,
    } = draft;
    let guild_id = match store.channels[&channel_id].owner {
        ChannelOwner::Guild { guild_id, .. } => Some(guild_id),
        ChannelOwner::Dm { .. } => None,
    };
    let mentions = Mentions::resolve(
        store,
        guild_id,
        &input.content,
        input.allowed_mentions.as_ref(),
        reply.and_then(|reply| reply.author_id),
    );
    let mut message = Map::new();
    let kind = if reply.is_some() { REPLY } else { DEFAULT };
    message.insert("type".into(), json!(kind));
    message.insert("content".into(), Value::String(input.content));
    message.insert("mentions".into(), json!([]));
    message.insert("mention_roles".into(), json!([]));
    message.insert("attachments".into(), Value::Array(attachments));
    message.insert("embeds".into(), Value::Array(input.embeds));
    message.insert("timestamp".into(), Value::String(snowflake_timestamp(id)));
    message.insert("edited_timestamp".into(), Value::Null);
    message.insert("flags".into(), json!(input.flags));
    message.insert("components".into(), Value::Array(input.components));
    if !sticker_items.is_empty() {
        message.insert("sticker_items".into(), Value::Array(sticker_items));
    }
    message.insert("id".into(), Value::String(id.to_string()));
    message.insert("channel_id".into(), Value::String(channel_id.to_string()));
    message.insert("author".into(), author);
    message.insert("pinned".into(), json!(false));
    message.insert("mention_everyone".into(), json!(false));
    message.insert("tts".into(), json!(input.tts));
    if let Some(nonce) = input.nonce {
        message.insert("nonce".into(), nonce);
    }
    if let Some(reply) = reply {
        let mut reference = Map::new();
        reference.insert("type".into(), json!(0));
        reference.insert("channel_id".into(), json!(channel_id.to_string()));
        reference.insert("message_id".into(), json!(reply.message_id.to_string()));
        if let Some(guild_id) = guild_id {
            reference.insert("guild_id".into(), json!(guild_id.to_string()));
        }
        message.insert("message_reference".into(), Value::Object(reference));
    }
    mentions.write(&mut message);
    Value::Object(message)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixture::Fixture;
    use crate::validate::message_create;

    const GENERAL: u64 = 400_000_000_000_000_002;
    const ALICE: u64 = 200_000_000_000_000_001;

    fn draft(store: &Store, body: Value, reply: Option<Reply>) -> Draft {
        Draft {
            author: Value::Object(store.bot_user().clone()),
            input: message_create(Some(&body)).unwrap(),
            reply,
            sticker_items: Vec::new(),
            attachments: Vec::new(),
        }
    }

    #[test]
    fn keys_come_in_discords_order() {
        let mut store = Store::new(&Fixture::default_fixture());
        let draft = draft(&store, json!({"content": "hi", "nonce": "n"}), None);
        let (id, message) = build_message(&mut store, GENERAL, draft);
        let keys: Vec<&str> = message
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(
            keys,
            [
                "type",
                "content",
                "mentions",
                "mention_roles",
                "attachments",
                "embeds",
                "timestamp",
                "edited_timestamp",
                "flags",
                "components",
                "id",
                "channel_id",
                "author",
                "pinned",
                "mention_everyone",
                "tts",
                "nonce"
            ]
        );
        assert_eq!(message["id"], json!(id.to_string()));
        assert_eq!(message["type"], json!(0));
    }

    #[test]
    fn replies_have_type_19_a_reference_and_ping_the_author() {
        let mut store = Store::new(&Fixture::default_fixture());
        let reply = Reply {
            message_id: 42,
            author_id: Some(ALICE),
        };
        let draft = draft(&store, json!({"content": "re"}), Some(reply));
        let (_, message) = build_message(&mut store, GENERAL, draft);
        assert_eq!(message["type"], json!(19));
        assert_eq!(
            message["message_reference"],
            json!({"type": 0, "channel_id": GENERAL.to_string(), "message_id": "42",
                   "guild_id": "300000000000000001"})
        );
        assert_eq!(message["mentions"][0]["id"], json!(ALICE.to_string()));
        let quiet = self::draft(
            &store,
            json!({"content": "re", "allowed_mentions": {"parse": []}}),
            Some(reply),
        );
        let (_, message) = build_message(&mut store, GENERAL, quiet);
        assert_eq!(message["mentions"], json!([]));
    }
}
