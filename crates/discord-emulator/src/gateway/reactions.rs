//! The gateway events of REST reaction changes
//! ([docs](https://discord.com/developers/docs/events/gateway-events#message-reaction-add)):
//! MESSAGE_REACTION_ADD `{"user_id", "channel_id", "message_id", "guild_id"?, "member"?,
//! "emoji", "message_author_id"?, "burst", "burst_colors", "type"}`, MESSAGE_REACTION_REMOVE
//! (the same without `member`, `message_author_id` and `burst_colors`),
//! MESSAGE_REACTION_REMOVE_ALL `{"channel_id", "message_id", "guild_id"?}` and
//! MESSAGE_REACTION_REMOVE_EMOJI (plus `emoji`).
//!
//! They go to the sessions with GUILD_MESSAGE_REACTIONS (guild channels; only the shard of the
//! channel's guild) or DIRECT_MESSAGE_REACTIONS (DMs; only shard 0).

use serde_json::{Map, Value, json};

use super::Gateway;
use super::intents;
use super::payload::{self, MessagePlace};
use super::registry::SessionView;
use crate::store::reactions::BURST_COLOR;
use crate::store::{ReactionEmoji, ReactionKind, Store};

/// Whether a session receives reaction events of `place`.
fn receives(view: SessionView<'_>, place: MessagePlace) -> bool {
    let (needed, sharded) = match place {
        MessagePlace::Guild(guild_id) => {
            (intents::GUILD_MESSAGE_REACTIONS, view.has_guild(guild_id))
        }
        MessagePlace::Dm => (intents::DIRECT_MESSAGE_REACTIONS, view.has_dms()),
    };
    view.intents & needed != 0 && sharded
}

/// One reaction change: who, on which message, with which emoji and kind.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ReactionChange<'a> {
    pub(crate) channel_id: u64,
    pub(crate) message_id: u64,
    pub(crate) user_id: u64,
    pub(crate) emoji: &'a ReactionEmoji,
    pub(crate) kind: ReactionKind,
    /// The author of the message (MESSAGE_REACTION_ADD's `message_author_id`).
    pub(crate) message_author_id: Option<u64>,
}

/// `{"channel_id", "message_id", "guild_id"?}`, the start of every reaction event.
fn base(channel_id: u64, message_id: u64, place: MessagePlace) -> Map<String, Value> {
    let mut object = Map::new();
    object.insert("channel_id".into(), json!(channel_id.to_string()));
    object.insert("message_id".into(), json!(message_id.to_string()));
    if let MessagePlace::Guild(guild_id) = place {
        object.insert("guild_id".into(), json!(guild_id.to_string()));
    }
    object
}

/// MESSAGE_REACTION_ADD (`added`) or MESSAGE_REACTION_REMOVE's `d`.
fn change_payload(
    store: &Store,
    change: &ReactionChange<'_>,
    place: MessagePlace,
    added: bool,
) -> Value {
    let mut object = base(change.channel_id, change.message_id, place);
    object.insert("user_id".into(), json!(change.user_id.to_string()));
    if added
        && let MessagePlace::Guild(guild_id) = place
        && let Some(member) = payload::member_of(store, guild_id, change.user_id)
    {
        object.insert("member".into(), Value::Object(member.clone()));
    }
    object.insert("emoji".into(), change.emoji.object.clone());
    let burst = change.kind == ReactionKind::Burst;
    if added {
        if let Some(author) = change.message_author_id {
            object.insert("message_author_id".into(), json!(author.to_string()));
        }
        let colors = if burst {
            json!([BURST_COLOR])
        } else {
            json!([])
        };
        object.insert("burst_colors".into(), colors);
    }
    object.insert("burst".into(), json!(burst));
    object.insert("type".into(), json!(change.kind.number()));
    Value::Object(object)
}

impl Gateway {
    /// Sends `d` as `t` to the sessions that receive reaction events of `channel_id`.
    fn reaction_event(
        &self,
        t: &str,
        store: &Store,
        channel_id: u64,
        d: impl Fn(MessagePlace) -> Value,
    ) {
        let Some(place) = payload::message_place(store, channel_id) else {
            return;
        };
        let d = d(place);
        self.inner
            .registry
            .dispatch(t, |view| receives(view, place).then(|| d.clone()));
    }

    /// MESSAGE_REACTION_ADD for a reaction just added.
    pub(crate) fn reaction_added(&self, store: &Store, change: &ReactionChange<'_>) {
        self.reaction_event("MESSAGE_REACTION_ADD", store, change.channel_id, |place| {
            change_payload(store, change, place, true)
        });
    }

    /// MESSAGE_REACTION_REMOVE for a reaction just removed.
    pub(crate) fn reaction_removed(&self, store: &Store, change: &ReactionChange<'_>) {
        self.reaction_event(
            "MESSAGE_REACTION_REMOVE",
            store,
            change.channel_id,
            |place| change_payload(store, change, place, false),
        );
    }

    /// MESSAGE_REACTION_REMOVE_ALL for message `message_id` of `channel_id`.
    pub(crate) fn reactions_cleared(&self, store: &Store, channel_id: u64, message_id: u64) {
        self.reaction_event("MESSAGE_REACTION_REMOVE_ALL", store, channel_id, |place| {
            Value::Object(base(channel_id, message_id, place))
        });
    }

    /// MESSAGE_REACTION_REMOVE_EMOJI for the reactions with `emoji` of a message.
    pub(crate) fn reaction_emoji_removed(
        &self,
        store: &Store,
        channel_id: u64,
        message_id: u64,
        emoji: &ReactionEmoji,
    ) {
        self.reaction_event(
            "MESSAGE_REACTION_REMOVE_EMOJI",
            store,
            channel_id,
            |place| {
                let mut object = base(channel_id, message_id, place);
                object.insert("emoji".into(), emoji.object.clone());
                Value::Object(object)
            },
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixture::Fixture;
    use crate::store::EmojiKey;
    use twilight_model::gateway::payload::incoming::{
        ReactionAdd, ReactionRemove, ReactionRemoveAll, ReactionRemoveEmoji,
    };

    const ALICE: u64 = 200_000_000_000_000_001;
    const GUILD: u64 = 300_000_000_000_000_001;

    fn thumbs() -> ReactionEmoji {
        ReactionEmoji {
            key: EmojiKey::Unicode("👍".into()),
            object: json!({"id": null, "name": "👍"}),
        }
    }

    #[test]
    fn payloads_deserialize_with_twilight() {
        let store = Store::new(&Fixture::default_fixture());
        let emoji = thumbs();
        let change = ReactionChange {
            channel_id: 5,
            message_id: 7,
            user_id: ALICE,
            emoji: &emoji,
            kind: ReactionKind::Burst,
            message_author_id: Some(9),
        };
        let add = change_payload(&store, &change, MessagePlace::Guild(GUILD), true);
        assert_eq!(add["member"]["user"]["id"], json!(ALICE.to_string()));
        assert_eq!(add["burst_colors"], json!([BURST_COLOR]));
        assert_eq!(add["type"], json!(1));
        let parsed: ReactionAdd = serde_json::from_value(add).unwrap();
        assert_eq!(parsed.message_id.get(), 7);
        assert!(parsed.burst);
        let remove = change_payload(&store, &change, MessagePlace::Dm, false);
        assert_eq!(
            remove,
            json!({"channel_id": "5", "message_id": "7", "user_id": ALICE.to_string(),
                   "emoji": {"id": null, "name": "👍"}, "burst": true, "type": 1})
        );
        let _: ReactionRemove = serde_json::from_value(remove).unwrap();
        let all = Value::Object(base(5, 7, MessagePlace::Guild(GUILD)));
        let parsed: ReactionRemoveAll = serde_json::from_value(all).unwrap();
        assert_eq!(parsed.guild_id.map(|id| id.get()), Some(GUILD));
        let mut one = base(5, 7, MessagePlace::Guild(GUILD));
        one.insert("emoji".into(), emoji.object.clone());
        let _: ReactionRemoveEmoji = serde_json::from_value(Value::Object(one)).unwrap();
    }

    #[test]
    fn sessions_need_the_reaction_intent_of_the_place() {
        let view = |intents| SessionView {
            id: "s",
            shard: None,
            intents,
        };
        let guild = MessagePlace::Guild(GUILD);
        assert!(receives(view(intents::GUILD_MESSAGE_REACTIONS), guild));
        assert!(!receives(view(intents::GUILD_MESSAGES), guild));
        assert!(receives(
            view(intents::DIRECT_MESSAGE_REACTIONS),
            MessagePlace::Dm
        ));
        assert!(!receives(
            view(intents::GUILD_MESSAGE_REACTIONS),
            MessagePlace::Dm
        ));
    }
}
