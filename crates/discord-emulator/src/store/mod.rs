//! The Discord data: users, guilds, channels, DM channels and messages, as the fixture
//! defined them plus what requests created.
//!
//! [`SharedStore`] is the one copy the REST handlers and the gateway share, behind one mutex
//! (handlers lock it briefly and never across an `.await`). A message's reactions are kept
//! in [`reactions`].

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use serde_json::{Value, json};

use crate::fixture::{Access, AccessToken, Fixture, FixtureUser, Object};
use crate::nonce::NonceCache;
use crate::snowflake::{SnowflakeGenerator, parse_snowflake};

pub(crate) mod guild;
pub(crate) mod reactions;

pub(crate) use reactions::{EmojiKey, ReactionEmoji, ReactionKind, Reactions};

/// How many messages a channel keeps (the oldest are dropped first).
pub(crate) const MESSAGES_PER_CHANNEL: usize = 10_000;

/// Where a channel lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ChannelOwner {
    /// A channel of a guild, with the bot's access.
    Guild { guild_id: u64, access: Access },
    /// The bot's DM channel with a user.
    Dm { recipient_id: u64 },
}

/// A channel with its messages.
#[derive(Debug)]
pub(crate) struct ChannelState {
    /// Discord's channel type.
    pub(crate) kind: u64,
    pub(crate) owner: ChannelOwner,
    /// The channel object as served (kept up to date, e.g. `last_message_id`).
    pub(crate) object: Object,
    /// Messages, oldest first; ids increase.
    pub(crate) messages: VecDeque<StoredMessage>,
}

/// A message as stored: the object REST serves, without the `referenced_message` of a reply
/// (see [`ChannelState::served`]).
#[derive(Debug, Clone)]
pub(crate) struct StoredMessage {
    pub(crate) id: u64,
    pub(crate) object: Value,
    /// The reactions, mirrored into `object["reactions"]` by [`StoredMessage::sync_reactions`].
    pub(crate) reactions: Reactions,
    /// When the message was pinned (`object["pinned"]` is true then).
    pub(crate) pin: Option<Pin>,
}

/// When a message was pinned: Unix milliseconds, and a sequence number that orders pins made in
/// the same millisecond.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Pin {
    pub(crate) at_ms: u64,
    pub(crate) sequence: u64,
}

/// Message type REPLY: its `message_reference` names the message it answers.
pub(crate) const REPLY: u64 = 19;

impl StoredMessage {
    /// A message without reactions or pin.
    pub(crate) fn new(id: u64, object: Value) -> Self {
        Self {
            id,
            object,
            reactions: Reactions::default(),
            pin: None,
        }
    }

    /// Writes the reactions into the served object as Discord shows them to the bot `bot_id`
    /// (no `reactions` key without reactions).
    pub(crate) fn sync_reactions(&mut self, bot_id: u64) {
        let Some(object) = self.object.as_object_mut() else {
            return;
        };
        match self.reactions.to_value(bot_id) {
            Some(reactions) => object.insert("reactions".to_owned(), reactions),
            None => object.remove("reactions"),
        };
    }

    /// Pins or unpins the message (`pinned` in the served object follows).
    pub(crate) fn set_pin(&mut self, pin: Option<Pin>) {
        self.pin = pin;
        self.object["pinned"] = Value::Bool(pin.is_some());
    }

    /// The id of the message's author.
    pub(crate) fn author_id(&self) -> Option<u64> {
        self.object
            .get("author")
            .and_then(|author| author.get("id"))
            .and_then(parse_snowflake)
    }

    /// The message a reply answers.
    pub(crate) fn replies_to(&self) -> Option<u64> {
        replied_message_id(&self.object)
    }
}

/// The id of the message that a message object (of type REPLY) answers.
pub(crate) fn replied_message_id(object: &Value) -> Option<u64> {
    if object.get("type").and_then(Value::as_u64) != Some(REPLY) {
        return None;
    }
    object
        .get("message_reference")
        .and_then(|reference| reference.get("message_id"))
        .and_then(parse_snowflake)
}

impl ChannelState {
    /// The position of message `id` in `messages` (ids increase, so it is a binary search).
    fn message_index(&self, id: u64) -> Option<usize> {
        let index = self.messages.partition_point(|message| message.id < id);
        self.messages
            .get(index)
            .is_some_and(|message| message.id == id)
            .then_some(index)
    }

    /// Message `id` of this channel.
    pub(crate) fn message(&self, id: u64) -> Option<&StoredMessage> {
        self.message_index(id)
            .and_then(|index| self.messages.get(index))
    }

    /// Message `id` of this channel, to change it.
    pub(crate) fn message_mut(&mut self, id: u64) -> Option<&mut StoredMessage> {
        self.message_index(id)
            .and_then(|index| self.messages.get_mut(index))
    }

    /// Removes message `id` of this channel.
    pub(crate) fn remove_message(&mut self, id: u64) -> Option<StoredMessage> {
        self.message_index(id)
            .and_then(|index| self.messages.remove(index))
    }

    /// The message object as Discord serves it now: a reply also gets `referenced_message`, the
    /// message it answers as it is now, or null once that message is deleted.
    pub(crate) fn served(&self, message: &StoredMessage) -> Value {
        let mut object = message.object.clone();
        if let (Some(reference), Some(fields)) = (message.replies_to(), object.as_object_mut()) {
            let referenced = self
                .message(reference)
                .map_or(Value::Null, |referenced| referenced.object.clone());
            fields.insert("referenced_message".to_owned(), referenced);
        }
        object
    }
}

/// Channel types of threads: announcement, public and private thread.
pub(crate) const THREAD_TYPES: [u64; 3] = [10, 11, 12];

/// Whether a channel of type `kind` is a thread.
pub(crate) fn is_thread(kind: u64) -> bool {
    THREAD_TYPES.contains(&kind)
}

/// A user's membership of a thread
/// ([thread member](https://discord.com/developers/docs/resources/channel#thread-member-object)).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ThreadMember {
    pub(crate) user_id: u64,
    /// When the user joined, in Unix milliseconds.
    pub(crate) join_ms: u64,
    pub(crate) flags: u64,
}

impl ThreadMember {
    /// The thread member object `{"id", "user_id", "join_timestamp", "flags"}`.
    pub(crate) fn to_value(self, thread_id: u64) -> Value {
        json!({
            "id": thread_id.to_string(),
            "user_id": self.user_id.to_string(),
            "join_timestamp": crate::timestamp::format_timestamp_ms(self.join_ms),
            "flags": self.flags,
        })
    }
}

/// A guild and the order of its channels.
#[derive(Debug)]
pub(crate) struct GuildState {
    /// The guild object as served by `GET /guilds/{id}`.
    pub(crate) object: Object,
    /// Channel ids in API order.
    pub(crate) channel_ids: Vec<u64>,
    /// Member objects, with the full user object in `user`.
    pub(crate) members: Vec<Object>,
    /// Banned users, in user id order, with the reason given.
    pub(crate) bans: Vec<Ban>,
}

/// A ban of a guild.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Ban {
    pub(crate) user_id: u64,
    /// The `X-Audit-Log-Reason` of the ban, if any.
    pub(crate) reason: Option<String>,
}

/// A user of the store.
#[derive(Debug)]
pub(crate) struct UserState {
    pub(crate) object: Object,
    pub(crate) dm_closed: bool,
}

/// The Discord data: what the fixture defined plus what requests created.
#[derive(Debug)]
pub(crate) struct Store {
    pub(crate) bot_id: u64,
    /// The bot's extra keys for `GET /users/@me`.
    pub(crate) bot_private: Object,
    pub(crate) users: HashMap<u64, UserState>,
    pub(crate) guilds: HashMap<u64, GuildState>,
    pub(crate) channels: HashMap<u64, ChannelState>,
    /// Recipient user id → DM channel id.
    pub(crate) dm_channels: HashMap<u64, u64>,
    pub(crate) snowflakes: SnowflakeGenerator,
    /// Nonces of recently created messages (`enforce_nonce`).
    pub(crate) nonces: NonceCache,
    /// The last pin's sequence number (see [`Pin`]).
    pub(crate) pin_sequence: u64,
    /// Thread id → its members, in joining order.
    pub(crate) thread_members: HashMap<u64, Vec<ThreadMember>>,
    /// Uploaded files by attachment id (oldest first), served at their attachment's `url`.
    pub(crate) files: std::collections::BTreeMap<u64, StoredFile>,
    /// Bytes of `files` (at most [`FILE_BYTES_BUDGET`]; the oldest go first).
    pub(crate) file_bytes: usize,
    /// The users' OAuth2 access tokens (the fixture's `access_tokens`).
    pub(crate) access_tokens: Vec<AccessToken>,
    /// The bot application's commands: global (`None`) and per guild.
    pub(crate) commands: HashMap<Option<u64>, Vec<Value>>,
    /// Incoming webhooks by id (see [`crate::rest`]'s webhook routes).
    pub(crate) webhooks: std::collections::BTreeMap<u64, Webhook>,
    /// Interactions made by `POST /_emulator/interactions`, by id (see
    /// [`crate::rest`]'s interaction routes).
    pub(crate) interactions: HashMap<u64, Interaction>,
}

/// An interaction made by the control route.
#[derive(Debug, Clone)]
pub(crate) struct Interaction {
    pub(crate) id: u64,
    pub(crate) token: String,
    /// 2 APPLICATION_COMMAND, 3 MESSAGE_COMPONENT, 4 AUTOCOMPLETE, 5 MODAL_SUBMIT.
    pub(crate) kind: u64,
    pub(crate) channel_id: u64,
    pub(crate) user_id: u64,
    /// `data.name` (for `interaction_metadata`), if any.
    pub(crate) name: Option<String>,
    /// The message a component (or a modal opened from one) is on.
    pub(crate) message_id: Option<u64>,
    pub(crate) created: std::time::Instant,
    /// The initial response: its type, data and how long after creation it arrived.
    pub(crate) initial: Option<(u64, Value, std::time::Duration)>,
    /// The message `@original` names.
    pub(crate) original: Option<u64>,
    pub(crate) followups: Vec<u64>,
    /// Ephemeral messages of this interaction, by id (not in the channel).
    pub(crate) ephemeral: std::collections::BTreeMap<u64, Value>,
}

/// An incoming webhook (type 1) of a guild channel, created by the bot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Webhook {
    pub(crate) id: u64,
    pub(crate) guild_id: u64,
    pub(crate) channel_id: u64,
    pub(crate) name: String,
    /// The avatar hash, `None`: the default avatar.
    pub(crate) avatar: Option<String>,
    /// The secret of the token routes.
    pub(crate) token: String,
    /// The user who created it (the bot).
    pub(crate) user_id: u64,
}

/// Total size of the uploaded files the emulator keeps serving; beyond it the oldest are
/// forgotten (their URLs answer 404).
pub(crate) const FILE_BYTES_BUDGET: usize = 1024 * 1024 * 1024;

/// The bytes of an uploaded attachment.
#[derive(Debug, Clone)]
pub(crate) struct StoredFile {
    pub(crate) channel_id: u64,
    /// The file name as it appears in the URL (decoded).
    pub(crate) filename: String,
    pub(crate) content_type: Option<String>,
    pub(crate) data: axum::body::Bytes,
}

impl Store {
    /// The initial state described by `fixture`.
    pub(crate) fn new(fixture: &Fixture) -> Self {
        let mut reserved = HashSet::new();
        let mut users = HashMap::new();
        let insert_user = |users: &mut HashMap<u64, UserState>, user: &FixtureUser| {
            users.insert(
                user.id,
                UserState {
                    object: user.object.clone(),
                    dm_closed: user.dm_closed,
                },
            );
        };
        insert_user(&mut users, &fixture.bot);
        reserved.insert(fixture.bot.id);
        for user in &fixture.users {
            insert_user(&mut users, user);
            reserved.insert(user.id);
        }
        let mut guilds = HashMap::new();
        let mut channels = HashMap::new();
        for guild in &fixture.guilds {
            reserved.insert(guild.id);
            for channel in &guild.channels {
                reserved.insert(channel.id);
                channels.insert(
                    channel.id,
                    ChannelState {
                        kind: channel.kind,
                        owner: ChannelOwner::Guild {
                            guild_id: guild.id,
                            access: channel.access,
                        },
                        object: channel.object.clone(),
                        messages: VecDeque::new(),
                    },
                );
            }
            if let Some(Value::Array(roles)) = guild.object.get("roles") {
                reserved.extend(
                    roles
                        .iter()
                        .filter_map(|role| role.get("id").and_then(parse_snowflake)),
                );
            }
            guilds.insert(
                guild.id,
                GuildState {
                    object: guild.object.clone(),
                    channel_ids: guild.channels.iter().map(|c| c.id).collect(),
                    members: guild.members.clone(),
                    bans: Vec::new(),
                },
            );
        }
        Self {
            bot_id: fixture.bot.id,
            bot_private: fixture.bot_private.clone(),
            users,
            guilds,
            channels,
            dm_channels: HashMap::new(),
            snowflakes: SnowflakeGenerator::new(reserved),
            nonces: NonceCache::default(),
            pin_sequence: 0,
            thread_members: HashMap::new(),
            files: std::collections::BTreeMap::new(),
            file_bytes: 0,
            access_tokens: fixture.access_tokens.clone(),
            commands: HashMap::new(),
            webhooks: std::collections::BTreeMap::new(),
            interactions: HashMap::new(),
        }
    }

    /// The next pin's stamp, taken now.
    pub(crate) fn next_pin(&mut self) -> Pin {
        self.pin_sequence += 1;
        Pin {
            at_ms: crate::timestamp::now_ms(),
            sequence: self.pin_sequence,
        }
    }

    /// The custom emoji `id` of one of the bot's guilds, as a partial emoji object
    /// `{"id", "name", "animated"?}` (`animated` only when true, as in reactions).
    pub(crate) fn custom_emoji(&self, id: u64) -> Option<Value> {
        self.guilds.values().find_map(|guild| {
            let Some(Value::Array(emojis)) = guild.object.get("emojis") else {
                return None;
            };
            let emoji = emojis
                .iter()
                .find(|emoji| emoji.get("id").and_then(parse_snowflake) == Some(id))?;
            let mut partial = serde_json::Map::new();
            partial.insert("id".into(), json!(id.to_string()));
            partial.insert(
                "name".into(),
                emoji.get("name").cloned().unwrap_or(Value::Null),
            );
            if emoji.get("animated") == Some(&Value::Bool(true)) {
                partial.insert("animated".into(), Value::Bool(true));
            }
            Some(Value::Object(partial))
        })
    }

    /// The bot's user object.
    pub(crate) fn bot_user(&self) -> &Object {
        &self.users[&self.bot_id].object
    }

    /// The id of the DM channel with `recipient_id`, created on first use (same id every time
    /// after). The caller has checked that the user exists.
    pub(crate) fn open_dm(&mut self, recipient_id: u64) -> u64 {
        if let Some(id) = self.dm_channels.get(&recipient_id) {
            return *id;
        }
        let id = self.snowflakes.next();
        let recipient = self.users[&recipient_id].object.clone();
        let mut object = Object::new();
        object.insert("id".into(), Value::String(id.to_string()));
        object.insert("type".into(), json!(1));
        object.insert("last_message_id".into(), Value::Null);
        object.insert("flags".into(), json!(0));
        object.insert("recipients".into(), json!([recipient]));
        self.channels.insert(
            id,
            ChannelState {
                kind: 1,
                owner: ChannelOwner::Dm { recipient_id },
                object,
                messages: VecDeque::new(),
            },
        );
        self.dm_channels.insert(recipient_id, id);
        id
    }

    /// Stores a message in `channel_id` and updates the channel's `last_message_id`.
    pub(crate) fn push_message(&mut self, channel_id: u64, message: StoredMessage) {
        if let Some(channel) = self.channels.get_mut(&channel_id) {
            if channel.object.contains_key("last_message_id") || channel.kind == 1 {
                channel.object.insert(
                    "last_message_id".to_owned(),
                    Value::String(message.id.to_string()),
                );
            }
            // A thread counts its messages, except the first message of a forum post (whose id
            // is the thread's).
            if is_thread(channel.kind)
                && message.id != channel_id
                && let Some(Value::Object(_)) = channel.object.get("thread_metadata")
            {
                for key in ["message_count", "total_message_sent"] {
                    let count = channel.object.get(key).and_then(Value::as_u64).unwrap_or(0);
                    channel.object.insert(key.to_owned(), json!(count + 1));
                }
            }
            channel.messages.push_back(message);
            while channel.messages.len() > MESSAGES_PER_CHANNEL {
                channel.messages.pop_front();
            }
        }
    }
}

/// The store shared by the REST handlers and the gateway. Cheap to clone.
#[derive(Debug, Clone)]
pub(crate) struct SharedStore(Arc<Mutex<Store>>);

impl SharedStore {
    /// Shares `store`.
    pub(crate) fn new(store: Store) -> Self {
        Self(Arc::new(Mutex::new(store)))
    }

    /// Locks the Discord data.
    pub(crate) fn lock(&self) -> MutexGuard<'_, Store> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dm_channels_are_stable_per_user() {
        let fixture = Fixture::default_fixture();
        let mut store = Store::new(&fixture);
        let first = store.open_dm(200000000000000001);
        let again = store.open_dm(200000000000000001);
        let other = store.open_dm(200000000000000003);
        assert_eq!(first, again);
        assert_ne!(first, other);
        let channel = &store.channels[&first];
        assert_eq!(channel.object["type"], json!(1));
        assert_eq!(channel.object["recipients"][0]["username"], json!("alice"));
    }

    fn message(id: u64, object: Value) -> StoredMessage {
        StoredMessage::new(id, object)
    }

    #[test]
    fn messages_are_found_by_id_and_replies_resolve_their_reference() {
        let fixture = Fixture::default_fixture();
        let mut store = Store::new(&fixture);
        let channel_id = 400_000_000_000_000_002;
        store.push_message(channel_id, message(10, json!({"id": "10", "type": 0})));
        store.push_message(
            channel_id,
            message(
                20,
                json!({"id": "20", "type": 19, "author": {"id": "7"},
                       "message_reference": {"type": 0, "message_id": "10"}}),
            ),
        );
        let channel = store.channels.get_mut(&channel_id).unwrap();
        assert!(channel.message(15).is_none());
        let reply = channel.message(20).unwrap().clone();
        assert_eq!(reply.author_id(), Some(7));
        assert_eq!(reply.replies_to(), Some(10));
        assert_eq!(
            channel.served(&reply)["referenced_message"]["id"],
            json!("10")
        );
        assert!(
            channel
                .served(channel.message(10).unwrap())
                .get("referenced_message")
                .is_none()
        );
        channel.message_mut(10).unwrap().object["content"] = json!("edited");
        assert_eq!(
            channel.served(&reply)["referenced_message"]["content"],
            json!("edited")
        );
        assert_eq!(channel.remove_message(10).map(|m| m.id), Some(10));
        assert!(channel.remove_message(10).is_none());
        assert_eq!(channel.served(&reply)["referenced_message"], Value::Null);
    }
}
