//! The gateway events of REST message changes
//! ([docs](https://discord.com/developers/docs/events/gateway-events#messages)):
//! MESSAGE_CREATE and MESSAGE_UPDATE (the REST message object plus, in guild channels,
//! `guild_id`, the author's `member` and each mention's `member`; content as the session's
//! MESSAGE_CONTENT intent allows), MESSAGE_DELETE `{"id", "channel_id", "guild_id"}` and
//! MESSAGE_DELETE_BULK `{"ids", "channel_id", "guild_id"}` (guild channels only).
//!
//! They go to the sessions with GUILD_MESSAGES (guild channels; only the shard of the channel's
//! guild) or DIRECT_MESSAGES (DMs; only shard 0), never for channels the bot cannot see. The
//! REST handlers call these hooks with the store locked, so events go out in the order of the
//! changes.

use serde_json::{Map, Value, json};

use super::Gateway;
use super::intents;
use super::payload::{self, MessagePlace};
use super::registry::SessionView;
use crate::store::Store;

/// Whether a session receives message events of `place`.
fn receives(view: SessionView<'_>, place: MessagePlace) -> bool {
    let (needed, sharded) = match place {
        MessagePlace::Guild(guild_id) => (intents::GUILD_MESSAGES, view.has_guild(guild_id)),
        MessagePlace::Dm => (intents::DIRECT_MESSAGES, view.has_dms()),
    };
    view.intents & needed != 0 && sharded
}

/// `{"<ids key>": …, "channel_id", "guild_id"}` of the delete events.
fn delete_payload(key: &str, ids: Value, channel_id: u64, place: MessagePlace) -> Value {
    let mut object = Map::new();
    object.insert(key.to_owned(), ids);
    object.insert("channel_id".into(), json!(channel_id.to_string()));
    if let MessagePlace::Guild(guild_id) = place {
        object.insert("guild_id".into(), json!(guild_id.to_string()));
    }
    Value::Object(object)
}

impl Gateway {
    /// MESSAGE_CREATE for `message`, just created in `channel_id`.
    pub(crate) fn message_created(&self, store: &Store, channel_id: u64, message: &Value) {
        self.message_event("MESSAGE_CREATE", store, channel_id, message);
    }

    /// MESSAGE_UPDATE for `message` (the whole message as REST serves it after the change).
    pub(crate) fn message_updated(&self, store: &Store, channel_id: u64, message: &Value) {
        self.message_event("MESSAGE_UPDATE", store, channel_id, message);
    }

    /// MESSAGE_CREATE or MESSAGE_UPDATE `t` with the message object and the gateway-only
    /// fields, filtered by intents and content visibility.
    fn message_event(&self, t: &str, store: &Store, channel_id: u64, message: &Value) {
        let Some(place) = payload::message_place(store, channel_id) else {
            return;
        };
        let event = payload::message_create(store, place, message);
        let bot_id = store.bot_id;
        self.inner.registry.dispatch(t, |view| {
            if !receives(view, place) {
                return None;
            }
            let mut event = event.clone();
            payload::apply_content_visibility(&mut event, view.intents, bot_id, place);
            Some(event)
        });
    }

    /// MESSAGE_DELETE for message `message_id` of `channel_id`.
    pub(crate) fn message_deleted(&self, store: &Store, channel_id: u64, message_id: u64) {
        let Some(place) = payload::message_place(store, channel_id) else {
            return;
        };
        let d = delete_payload("id", json!(message_id.to_string()), channel_id, place);
        self.inner.registry.dispatch("MESSAGE_DELETE", |view| {
            receives(view, place).then(|| d.clone())
        });
    }

    /// MESSAGE_DELETE_BULK for `message_ids` of guild channel `channel_id` (nothing for DMs,
    /// where bulk deletes do not exist, or without ids).
    pub(crate) fn messages_deleted(&self, store: &Store, channel_id: u64, message_ids: &[u64]) {
        let Some(place @ MessagePlace::Guild(_)) = payload::message_place(store, channel_id) else {
            return;
        };
        if message_ids.is_empty() {
            return;
        }
        let ids = message_ids
            .iter()
            .map(|id| Value::String(id.to_string()))
            .collect();
        let d = delete_payload("ids", Value::Array(ids), channel_id, place);
        self.inner.registry.dispatch("MESSAGE_DELETE_BULK", |view| {
            receives(view, place).then(|| d.clone())
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use twilight_model::gateway::payload::incoming::{MessageDelete, MessageDeleteBulk};

    #[test]
    fn delete_payloads_deserialize_with_twilight() {
        let d = delete_payload("id", json!("7"), 5, MessagePlace::Guild(3));
        assert_eq!(d, json!({"id": "7", "channel_id": "5", "guild_id": "3"}));
        let parsed: MessageDelete = serde_json::from_value(d).unwrap();
        assert_eq!(parsed.id.get(), 7);
        assert_eq!(parsed.guild_id.map(|id| id.get()), Some(3));
        let d = delete_payload("ids", json!(["7", "8"]), 5, MessagePlace::Dm);
        assert_eq!(d, json!({"ids": ["7", "8"], "channel_id": "5"}));
        let parsed: MessageDeleteBulk = serde_json::from_value(d).unwrap();
        assert_eq!(parsed.ids.len(), 2);
    }

    #[test]
    fn sessions_need_the_intent_of_the_place() {
        let view = |intents| SessionView {
            id: "s",
            shard: None,
            intents,
        };
        let guild = MessagePlace::Guild(300_000_000_000_000_001);
        assert!(receives(view(intents::GUILD_MESSAGES), guild));
        assert!(!receives(view(intents::DIRECT_MESSAGES), guild));
        assert!(receives(view(intents::DIRECT_MESSAGES), MessagePlace::Dm));
        assert!(!receives(view(intents::GUILD_MESSAGES), MessagePlace::Dm));
        let other_shard = SessionView {
            shard: Some([1, 2]),
            ..view(intents::DIRECT_MESSAGES)
        };
        assert!(!receives(other_shard, MessagePlace::Dm));
    }
}
