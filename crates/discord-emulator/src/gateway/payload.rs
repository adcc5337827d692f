//! Gateway opcodes, close codes and the payloads the emulator sends
//! ([docs](https://discord.com/developers/docs/events/gateway-events)).
//!
//! Every payload is `{"t", "s", "op", "d"}`; `t` and `s` are null except on dispatches (op 0).
//! The READY, GUILD_CREATE and MESSAGE_CREATE builders read the REST [`Store`], so that the
//! gateway serves the same objects as the REST API plus the gateway-only fields.

use serde_json::{Map, Value, json};

use super::intents;
use crate::fixture::{Access, Object};
use crate::snowflake::{parse_snowflake, snowflake_timestamp};
use crate::store::{ChannelOwner, Store};

/// Opcode 0: an event was dispatched (server → client).
pub(crate) const DISPATCH: u64 = 0;
/// Opcode 1: heartbeat (both ways: the server may request one).
pub(crate) const HEARTBEAT: u64 = 1;
/// Opcode 2: identify (client → server).
pub(crate) const IDENTIFY: u64 = 2;
/// Opcode 3: presence update (client → server).
pub(crate) const PRESENCE_UPDATE: u64 = 3;
/// Opcode 4: voice state update (client → server).
pub(crate) const VOICE_STATE_UPDATE: u64 = 4;
/// Opcode 6: resume (client → server).
pub(crate) const RESUME: u64 = 6;
/// Opcode 7: reconnect (server → client).
pub(crate) const RECONNECT: u64 = 7;
/// Opcode 8: request guild members (client → server).
pub(crate) const REQUEST_GUILD_MEMBERS: u64 = 8;
/// Opcode 9: invalid session (server → client), `d` tells whether it is resumable.
pub(crate) const INVALID_SESSION: u64 = 9;
/// Opcode 10: hello (server → client), `d.heartbeat_interval` in milliseconds.
pub(crate) const HELLO: u64 = 10;
/// Opcode 11: heartbeat ACK (server → client).
pub(crate) const HEARTBEAT_ACK: u64 = 11;
/// Opcode 31: request soundboard sounds (client → server).
pub(crate) const REQUEST_SOUNDBOARD_SOUNDS: u64 = 31;

/// The `_trace` the emulator puts in HELLO, READY and RESUMED.
const TRACE: &str = "[\"discord-emulator\",{\"micros\":0.0}]";

/// Application flag `GATEWAY_PRESENCE_LIMITED` (1 << 13).
const APP_PRESENCE_LIMITED: u64 = 1 << 13;
/// Application flag `GATEWAY_GUILD_MEMBERS_LIMITED` (1 << 15).
const APP_GUILD_MEMBERS_LIMITED: u64 = 1 << 15;
/// Application flag `GATEWAY_MESSAGE_CONTENT_LIMITED` (1 << 19).
const APP_MESSAGE_CONTENT_LIMITED: u64 = 1 << 19;

/// Default `large_threshold` of IDENTIFY (Discord: 50, at most 250).
pub(crate) const DEFAULT_LARGE_THRESHOLD: u64 = 50;

/// A gateway close code and its reason, as Discord sends them
/// ([docs](https://discord.com/developers/docs/topics/opcodes-and-status-codes#gateway-gateway-close-event-codes)).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CloseCode {
    /// 4000: unknown error.
    UnknownError,
    /// 4001: an opcode the gateway does not accept.
    UnknownOpcode,
    /// 4002: a payload that could not be decoded.
    DecodeError,
    /// 4003: a payload before IDENTIFY.
    NotAuthenticated,
    /// 4004: the token in IDENTIFY or RESUME is wrong.
    AuthenticationFailed,
    /// 4005: a second IDENTIFY (or RESUME) on an identified connection.
    AlreadyAuthenticated,
    /// 4008: more than 120 commands in 60 s.
    RateLimited,
    /// 4009: no heartbeat in time.
    SessionTimedOut,
    /// 4010: `shard` is not `[id, count]` with `id < count`.
    InvalidShard,
    /// 4012: unsupported `v`.
    InvalidApiVersion,
    /// 4013: intent bits Discord does not define.
    InvalidIntents,
    /// 4014: a privileged intent the application may not use.
    DisallowedIntents,
}

impl CloseCode {
    /// The numeric close code.
    pub(crate) fn code(self) -> u16 {
        match self {
            Self::UnknownError => 4000,
            Self::UnknownOpcode => 4001,
            Self::DecodeError => 4002,
            Self::NotAuthenticated => 4003,
            Self::AuthenticationFailed => 4004,
            Self::AlreadyAuthenticated => 4005,
            Self::RateLimited => 4008,
            Self::SessionTimedOut => 4009,
            Self::InvalidShard => 4010,
            Self::InvalidApiVersion => 4012,
            Self::InvalidIntents => 4013,
            Self::DisallowedIntents => 4014,
        }
    }

    /// The reason text Discord sends with the code.
    pub(crate) fn reason(self) -> &'static str {
        match self {
            Self::UnknownError => "Unknown error.",
            Self::UnknownOpcode => "Unknown opcode.",
            Self::DecodeError => "Error while decoding payload.",
            Self::NotAuthenticated => "Not authenticated.",
            Self::AuthenticationFailed => "Authentication failed.",
            Self::AlreadyAuthenticated => "Already authenticated.",
            Self::RateLimited => "Rate limited.",
            Self::SessionTimedOut => "Session timed out.",
            Self::InvalidShard => "Invalid shard.",
            Self::InvalidApiVersion => "Invalid API version.",
            Self::InvalidIntents => "Invalid intent(s).",
            Self::DisallowedIntents => "Disallowed intent(s).",
        }
    }
}

/// Whether a session closed with `code` (by either side) may still be resumed. Discord
/// invalidates the session on a client close with 1000 or 1001, and on the close codes after
/// which a client must identify anew (4004, 4007, 4009–4014).
pub(crate) fn close_keeps_session(code: u16) -> bool {
    !matches!(code, 1000 | 1001 | 4004 | 4007 | 4009..=4014)
}

/// A non-dispatch payload: `{"t": null, "s": null, "op": op, "d": d}`.
pub(crate) fn op_frame(op: u64, d: &Value) -> String {
    json!({"t": null, "s": null, "op": op, "d": d}).to_string()
}

/// A dispatch payload: `{"t": t, "s": seq, "op": 0, "d": d}`.
pub(crate) fn dispatch_frame(t: &str, seq: u64, d: &Value) -> String {
    // Written directly (keys in the same order as `op_frame`'s object) rather than through
    // `json!`, which would first copy `d`: dispatching is the emulator's hot path in benchmarks.
    let t = Value::String(t.to_owned());
    format!("{{\"t\":{t},\"s\":{seq},\"op\":{DISPATCH},\"d\":{d}}}")
}

/// HELLO (op 10) with the heartbeat interval in milliseconds.
pub(crate) fn hello(heartbeat_interval_ms: u64) -> String {
    op_frame(
        HELLO,
        &json!({"heartbeat_interval": heartbeat_interval_ms, "_trace": [TRACE]}),
    )
}

/// HEARTBEAT_ACK (op 11).
pub(crate) fn heartbeat_ack() -> String {
    op_frame(HEARTBEAT_ACK, &Value::Null)
}

/// A heartbeat request from the server (op 1).
pub(crate) fn heartbeat_request() -> String {
    op_frame(HEARTBEAT, &Value::Null)
}

/// RECONNECT (op 7).
pub(crate) fn reconnect() -> String {
    op_frame(RECONNECT, &Value::Null)
}

/// INVALID_SESSION (op 9) with `d` = whether the session may be resumed.
pub(crate) fn invalid_session(resumable: bool) -> String {
    op_frame(INVALID_SESSION, &Value::Bool(resumable))
}

/// RESUMED's `d`.
pub(crate) fn resumed() -> Value {
    json!({"_trace": [TRACE]})
}

/// The guild ids of the store in a stable order (ascending ids).
pub(crate) fn guild_ids(store: &Store) -> Vec<u64> {
    let mut ids: Vec<u64> = store.guilds.keys().copied().collect();
    ids.sort_unstable();
    ids
}

/// The shard a guild's events go to: `(guild_id >> 22) % count`.
pub(crate) fn shard_of(guild_id: u64, shard_count: u64) -> u64 {
    (guild_id >> 22) % shard_count.max(1)
}

/// What READY needs besides the store.
#[derive(Debug, Clone)]
pub(crate) struct ReadyInfo<'a> {
    /// The new session's id.
    pub(crate) session_id: &'a str,
    /// `ws://…` the client should resume at.
    pub(crate) resume_gateway_url: &'a str,
    /// `[id, count]` when IDENTIFY sent one.
    pub(crate) shard: Option<[u64; 2]>,
    /// The allowed privileged intents (shown as the application's `*_LIMITED` flags).
    pub(crate) allowed_privileged: u64,
}

/// READY's `d` ([docs](https://discord.com/developers/docs/events/gateway-events#ready)): the
/// bot user, the guilds of this shard as unavailable guilds, the session id, the resume URL,
/// the shard and the application.
pub(crate) fn ready(store: &Store, info: &ReadyInfo<'_>) -> Value {
    let mut user = store.bot_user().clone();
    user.extend(store.bot_private.clone());
    let shard_count = info.shard.map_or(1, |[_, count]| count);
    let shard_id = info.shard.map_or(0, |[id, _]| id);
    let guilds: Vec<Value> = guild_ids(store)
        .into_iter()
        .filter(|id| shard_of(*id, shard_count) == shard_id)
        .map(|id| json!({"id": id.to_string(), "unavailable": true}))
        .collect();
    let mut flags = 0;
    if info.allowed_privileged & intents::GUILD_PRESENCES != 0 {
        flags |= APP_PRESENCE_LIMITED;
    }
    if info.allowed_privileged & intents::GUILD_MEMBERS != 0 {
        flags |= APP_GUILD_MEMBERS_LIMITED;
    }
    if info.allowed_privileged & intents::MESSAGE_CONTENT != 0 {
        flags |= APP_MESSAGE_CONTENT_LIMITED;
    }
    let mut ready = Map::new();
    ready.insert("v".into(), json!(10));
    ready.insert("user_settings".into(), json!({}));
    ready.insert("user".into(), Value::Object(user));
    ready.insert("session_type".into(), json!("normal"));
    ready.insert("session_id".into(), json!(info.session_id));
    ready.insert("resume_gateway_url".into(), json!(info.resume_gateway_url));
    ready.insert("relationships".into(), json!([]));
    ready.insert("private_channels".into(), json!([]));
    ready.insert("presences".into(), json!([]));
    ready.insert("guilds".into(), Value::Array(guilds));
    ready.insert("guild_join_requests".into(), json!([]));
    ready.insert("geo_ordered_rtc_regions".into(), json!([]));
    ready.insert("auth".into(), json!({}));
    ready.insert(
        "application".into(),
        json!({"id": store.bot_id.to_string(), "flags": flags}),
    );
    if let Some(shard) = info.shard {
        ready.insert("shard".into(), json!(shard));
    }
    ready.insert("_trace".into(), json!([TRACE]));
    Value::Object(ready)
}

/// The bot's member object in `guild_id`, if it is a member.
pub(super) fn member_of(store: &Store, guild_id: u64, user_id: u64) -> Option<&Object> {
    store.guilds.get(&guild_id)?.members.iter().find(|member| {
        member
            .get("user")
            .and_then(|user| user.get("id"))
            .and_then(parse_snowflake)
            == Some(user_id)
    })
}

/// A member object without its `user` (as in a message's `member` or a mention's `member`).
fn partial_member(member: &Object) -> Value {
    let mut member = member.clone();
    member.remove("user");
    Value::Object(member)
}

/// GUILD_CREATE's `d` ([docs](https://discord.com/developers/docs/events/gateway-events#guild-create)):
/// the REST guild object plus `joined_at`, `large`, `unavailable`, `member_count`,
/// `voice_states`, `members`, `channels`, `threads`, `presences`, `stage_instances`,
/// `guild_scheduled_events` and `soundboard_sounds`.
///
/// Members: without GUILD_PRESENCES, or in a large guild (more members than
/// `large_threshold`), only the bot's own member, as Discord does.
pub(crate) fn guild_create(
    store: &Store,
    guild_id: u64,
    intents: u64,
    large_threshold: u64,
) -> Option<Value> {
    let guild = store.guilds.get(&guild_id)?;
    let mut object = guild.object.clone();
    let bot_member = member_of(store, guild_id, store.bot_id);
    let joined_at = bot_member
        .and_then(|member| member.get("joined_at").cloned())
        .unwrap_or_else(|| json!(snowflake_timestamp(guild_id)));
    let member_count = guild.members.len() as u64;
    let large = member_count > large_threshold;
    let members: Vec<Value> = if intents & intents::GUILD_PRESENCES != 0 && !large {
        guild.members.iter().cloned().map(Value::Object).collect()
    } else {
        bot_member.cloned().map(Value::Object).into_iter().collect()
    };
    let channels: Vec<Value> = guild
        .channel_ids
        .iter()
        .filter_map(|id| store.channels.get(id))
        .map(|channel| {
            // GUILD_CREATE's channels do not repeat the guild id.
            let mut channel = channel.object.clone();
            channel.remove("guild_id");
            Value::Object(channel)
        })
        .collect();
    object.insert("joined_at".into(), joined_at);
    object.insert("large".into(), json!(large));
    object.insert("unavailable".into(), json!(false));
    object.insert("member_count".into(), json!(member_count));
    object.insert("voice_states".into(), json!([]));
    object.insert("members".into(), Value::Array(members));
    object.insert("channels".into(), Value::Array(channels));
    object.insert(
        "threads".into(),
        Value::Array(active_threads(store, guild_id)),
    );
    object.insert("presences".into(), json!([]));
    object.insert("stage_instances".into(), json!([]));
    object.insert("guild_scheduled_events".into(), json!([]));
    object.insert("soundboard_sounds".into(), json!([]));
    Some(Value::Object(object))
}

/// GUILD_CREATE's `threads`: the guild's active threads the bot can see, by id, each with the
/// bot's thread `member` when it joined (without `id` and `user_id`, as Discord sends them
/// there).
fn active_threads(store: &Store, guild_id: u64) -> Vec<Value> {
    let mut threads: Vec<(u64, Value)> = store
        .channels
        .iter()
        .filter(|(_, channel)| crate::store::is_thread(channel.kind))
        .filter(|(_, channel)| {
            matches!(channel.owner, ChannelOwner::Guild { guild_id: owner, access }
                if owner == guild_id && access != Access::None)
        })
        .filter(|(_, channel)| {
            channel
                .object
                .get("thread_metadata")
                .and_then(|metadata| metadata.get("archived"))
                != Some(&Value::Bool(true))
        })
        .map(|(id, channel)| {
            let mut object = channel.object.clone();
            if let Some(member) = store
                .thread_members
                .get(id)
                .and_then(|members| members.iter().find(|m| m.user_id == store.bot_id))
            {
                let mut value = member.to_value(*id);
                if let Some(fields) = value.as_object_mut() {
                    fields.remove("id");
                    fields.remove("user_id");
                }
                object.insert("member".into(), value);
            }
            (*id, Value::Object(object))
        })
        .collect();
    threads.sort_by_key(|(id, _)| *id);
    threads.into_iter().map(|(_, thread)| thread).collect()
}

/// Where a message is, for deciding who receives its events.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum MessagePlace {
    /// A guild channel.
    Guild(u64),
    /// A DM channel.
    Dm,
}

/// Where channel `channel_id` lives; `None` for unknown channels and channels the bot cannot
/// see (it receives no events from those).
pub(crate) fn message_place(store: &Store, channel_id: u64) -> Option<MessagePlace> {
    match store.channels.get(&channel_id)?.owner {
        ChannelOwner::Guild {
            access: Access::None,
            ..
        } => None,
        ChannelOwner::Guild { guild_id, .. } => Some(MessagePlace::Guild(guild_id)),
        ChannelOwner::Dm { .. } => Some(MessagePlace::Dm),
    }
}

/// MESSAGE_CREATE's (and MESSAGE_UPDATE's) `d` for every receiver, before intent filtering:
/// the REST message plus, in guild channels, `guild_id`, the author's `member` and each
/// mention's `member` ([docs](https://discord.com/developers/docs/events/gateway-events#message-create)).
pub(crate) fn message_create(store: &Store, place: MessagePlace, message: &Value) -> Value {
    let mut message = message.clone();
    let MessagePlace::Guild(guild_id) = place else {
        return message;
    };
    let Some(object) = message.as_object_mut() else {
        return message;
    };
    let author_id = object
        .get("author")
        .and_then(|author| author.get("id"))
        .and_then(parse_snowflake);
    let member = author_id.and_then(|id| member_of(store, guild_id, id));
    if let Some(Value::Array(mentions)) = object.get_mut("mentions") {
        for mention in mentions.iter_mut() {
            let user_id = mention.get("id").and_then(parse_snowflake);
            if let (Some(user_id), Some(fields)) = (user_id, mention.as_object_mut())
                && let Some(member) = member_of(store, guild_id, user_id)
            {
                fields.insert("member".into(), partial_member(member));
            }
        }
    }
    object.insert("guild_id".into(), json!(guild_id.to_string()));
    if let Some(member) = member {
        object.insert("member".into(), partial_member(member));
    }
    message
}

/// Empties what the MESSAGE_CONTENT intent protects (`content`, `embeds`, `attachments`,
/// `components`, `poll`) unless the session may see it: it has the intent, the message is in a
/// DM, the bot wrote it, or it mentions the bot.
pub(crate) fn apply_content_visibility(
    message: &mut Value,
    intents: u64,
    bot_id: u64,
    place: MessagePlace,
) {
    if intents & intents::MESSAGE_CONTENT != 0 || place == MessagePlace::Dm {
        return;
    }
    let Some(object) = message.as_object_mut() else {
        return;
    };
    let author_is_bot = object
        .get("author")
        .and_then(|author| author.get("id"))
        .and_then(parse_snowflake)
        == Some(bot_id);
    let mentions_bot = object
        .get("mentions")
        .and_then(Value::as_array)
        .is_some_and(|mentions| {
            mentions
                .iter()
                .any(|user| user.get("id").and_then(parse_snowflake) == Some(bot_id))
        });
    if author_is_bot || mentions_bot {
        return;
    }
    object.insert("content".into(), json!(""));
    for key in ["embeds", "attachments", "components"] {
        if object.contains_key(key) {
            object.insert(key.into(), json!([]));
        }
    }
    object.remove("poll");
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixture::Fixture;
    use twilight_model::gateway::event::{DispatchEvent, GatewayEvent, GatewayEventDeserializer};
    use twilight_model::gateway::payload::incoming::{GuildCreate, MessageCreate, Ready};
    use twilight_model::id::Id;

    const GUILD: u64 = 300_000_000_000_000_001;
    const GENERAL: u64 = 400_000_000_000_000_002;
    const ALICE: u64 = 200_000_000_000_000_001;

    fn store() -> Store {
        Store::new(&Fixture::default_fixture())
    }

    /// Parses a whole payload with twilight's own gateway event deserializer.
    fn twilight_event(frame: &str) -> GatewayEvent {
        use serde::de::DeserializeSeed;
        let deserializer = GatewayEventDeserializer::from_json(frame).expect("op, s and t");
        let mut json = serde_json::Deserializer::from_str(frame);
        deserializer.deserialize(&mut json).expect(frame)
    }

    #[test]
    fn non_dispatch_ops_have_null_t_and_s() {
        for frame in [
            hello(41250),
            heartbeat_ack(),
            heartbeat_request(),
            reconnect(),
            invalid_session(true),
        ] {
            let value: Value = serde_json::from_str(&frame).unwrap();
            assert_eq!(value["t"], Value::Null, "{frame}");
            assert_eq!(value["s"], Value::Null, "{frame}");
        }
        assert!(matches!(
            twilight_event(&hello(41250)),
            GatewayEvent::Hello(hello) if hello.heartbeat_interval == 41250
        ));
        assert!(matches!(
            twilight_event(&heartbeat_ack()),
            GatewayEvent::HeartbeatAck
        ));
        assert!(matches!(
            twilight_event(&heartbeat_request()),
            GatewayEvent::Heartbeat
        ));
        assert!(matches!(
            twilight_event(&reconnect()),
            GatewayEvent::Reconnect
        ));
        assert!(matches!(
            twilight_event(&invalid_session(false)),
            GatewayEvent::InvalidateSession(false)
        ));
        assert!(matches!(
            twilight_event(&invalid_session(true)),
            GatewayEvent::InvalidateSession(true)
        ));
    }

    #[test]
    fn ready_deserializes_with_twilight() {
        let store = store();
        let info = ReadyInfo {
            session_id: "abc",
            resume_gateway_url: "ws://127.0.0.1:1",
            shard: Some([0, 1]),
            allowed_privileged: intents::PRIVILEGED,
        };
        let d = ready(&store, &info);
        let parsed: Ready = serde_json::from_value(d.clone()).unwrap();
        assert_eq!(parsed.version, 10);
        assert_eq!(parsed.session_id, "abc");
        assert_eq!(parsed.resume_gateway_url, "ws://127.0.0.1:1");
        assert_eq!(parsed.user.id, Id::new(100_000_000_000_000_001));
        assert!(parsed.user.bot);
        assert_eq!(parsed.guilds.len(), 1);
        assert_eq!(parsed.guilds[0].id, Id::new(GUILD));
        assert!(parsed.guilds[0].unavailable);
        assert_eq!(parsed.application.id, Id::new(100_000_000_000_000_001));
        assert_eq!(parsed.shard.map(|s| (s.number(), s.total())), Some((0, 1)));
        // The whole frame through twilight's event deserializer.
        match twilight_event(&dispatch_frame("READY", 1, &d)) {
            GatewayEvent::Dispatch(1, DispatchEvent::Ready(event)) => {
                assert_eq!(event.session_id, "abc");
            }
            other => panic!("{other:?}"),
        }
        // Without a shard in IDENTIFY there is none in READY.
        let d = ready(
            &store,
            &ReadyInfo {
                shard: None,
                ..info
            },
        );
        assert!(d.get("shard").is_none());
    }

    #[test]
    fn guilds_are_split_across_shards() {
        let store = store();
        let info = |shard| ReadyInfo {
            session_id: "abc",
            resume_gateway_url: "ws://x",
            shard: Some(shard),
            allowed_privileged: 0,
        };
        let on = shard_of(GUILD, 2);
        let count = |shard| {
            ready(&store, &info(shard))["guilds"]
                .as_array()
                .unwrap()
                .len()
        };
        assert_eq!(count([on, 2]), 1);
        assert_eq!(count([1 - on, 2]), 0);
    }

    #[test]
    fn guild_create_deserializes_with_twilight() {
        let store = store();
        let d = guild_create(
            &store,
            GUILD,
            intents::GUILDS | intents::GUILD_PRESENCES,
            50,
        )
        .unwrap();
        let GuildCreate::Available(guild) = serde_json::from_value(d.clone()).unwrap() else {
            panic!("an available guild");
        };
        assert_eq!(guild.id, Id::new(GUILD));
        assert_eq!(guild.name, "Sandbox Guild");
        assert_eq!(guild.channels.len(), 9);
        assert_eq!(guild.roles.len(), 4);
        assert_eq!(guild.members.len(), 3);
        assert_eq!(guild.member_count, Some(3));
        assert!(guild.joined_at.is_some());
        assert!(!guild.large);
        assert_eq!(guild.unavailable, Some(false));
        match twilight_event(&dispatch_frame("GUILD_CREATE", 2, &d)) {
            GatewayEvent::Dispatch(2, DispatchEvent::GuildCreate(create)) => {
                assert_eq!(create.id(), Id::new(GUILD));
            }
            other => panic!("{other:?}"),
        }
        // Without GUILD_PRESENCES only the bot's member is sent.
        let d = guild_create(&store, GUILD, intents::GUILDS, 50).unwrap();
        let members = d["members"].as_array().unwrap();
        assert_eq!(members.len(), 1);
        assert_eq!(members[0]["user"]["id"], json!("100000000000000001"));
        assert_eq!(d["member_count"], json!(3));
        // A large guild: only the bot, `large` true.
        let d = guild_create(&store, GUILD, intents::GUILDS | intents::GUILD_PRESENCES, 2).unwrap();
        assert_eq!(d["large"], json!(true));
        assert_eq!(d["members"].as_array().unwrap().len(), 1);
        assert!(guild_create(&store, 1, intents::GUILDS, 50).is_none());
    }

    fn rest_message(author: u64, content: &str, mentions: Value) -> Value {
        json!({
            "type": 0, "content": content, "mentions": mentions, "mention_roles": [],
            "attachments": [], "embeds": [{"type": "rich", "title": "t"}],
            "timestamp": "2024-01-01T00:00:00.000000+00:00", "edited_timestamp": null,
            "flags": 0, "components": [], "id": "1300000000000000001",
            "channel_id": GENERAL.to_string(),
            "author": {"id": author.to_string(), "username": "x", "discriminator": "0",
                       "avatar": null, "public_flags": 0, "flags": 0},
            "pinned": false, "mention_everyone": false, "tts": false
        })
    }

    #[test]
    fn message_create_has_guild_id_and_member() {
        let store = store();
        let place = message_place(&store, GENERAL).unwrap();
        assert_eq!(place, MessagePlace::Guild(GUILD));
        let alice = Value::Object(store.users[&ALICE].object.clone());
        let d = message_create(
            &store,
            place,
            &rest_message(store.bot_id, "hi", json!([alice])),
        );
        assert_eq!(d["guild_id"], json!(GUILD.to_string()));
        assert!(d["member"].get("user").is_none());
        assert_eq!(d["member"]["roles"], json!(["500000000000000002"]));
        assert_eq!(d["mentions"][0]["member"]["nick"], json!("Ali"));
        let created: MessageCreate = serde_json::from_value(d.clone()).unwrap();
        assert_eq!(created.guild_id, Some(Id::new(GUILD)));
        assert!(created.member.is_some());
        assert_eq!(created.content, "hi");
        match twilight_event(&dispatch_frame("MESSAGE_CREATE", 3, &d)) {
            GatewayEvent::Dispatch(3, DispatchEvent::MessageCreate(message)) => {
                assert_eq!(message.channel_id, Id::new(GENERAL));
            }
            other => panic!("{other:?}"),
        }
        // Unknown and invisible channels produce no events.
        assert_eq!(message_place(&store, 1), None);
        assert_eq!(message_place(&store, 400_000_000_000_000_007), None);
    }

    #[test]
    fn content_needs_the_intent_unless_bot_dm_or_mention() {
        let store = store();
        let guild = MessagePlace::Guild(GUILD);
        let from_alice = rest_message(ALICE, "secret", json!([]));
        let mut hidden = from_alice.clone();
        apply_content_visibility(&mut hidden, intents::GUILD_MESSAGES, store.bot_id, guild);
        assert_eq!(hidden["content"], json!(""));
        assert_eq!(hidden["embeds"], json!([]));
        let mut with_intent = from_alice.clone();
        apply_content_visibility(
            &mut with_intent,
            intents::GUILD_MESSAGES | intents::MESSAGE_CONTENT,
            store.bot_id,
            guild,
        );
        assert_eq!(with_intent["content"], json!("secret"));
        let mut dm = from_alice;
        apply_content_visibility(&mut dm, 0, store.bot_id, MessagePlace::Dm);
        assert_eq!(dm["content"], json!("secret"));
        let mut own = rest_message(store.bot_id, "mine", json!([]));
        apply_content_visibility(&mut own, 0, store.bot_id, guild);
        assert_eq!(own["content"], json!("mine"));
        let mut mention = rest_message(
            ALICE,
            "<@100000000000000001>",
            json!([{"id": "100000000000000001"}]),
        );
        apply_content_visibility(&mut mention, 0, store.bot_id, guild);
        assert_eq!(mention["content"], json!("<@100000000000000001>"));
    }

    #[test]
    fn close_codes() {
        assert_eq!(CloseCode::AuthenticationFailed.code(), 4004);
        assert_eq!(CloseCode::DisallowedIntents.code(), 4014);
        assert!(close_keeps_session(4000));
        assert!(close_keeps_session(1006));
        assert!(!close_keeps_session(1000));
        assert!(!close_keeps_session(4009));
        assert!(!close_keeps_session(4014));
    }

    #[test]
    fn dispatch_frames_are_the_json_of_the_payload_object() {
        let d = json!({"content": "a \"quoted\" \u{e9}", "n": 18014398509481985u64, "x": null});
        let frame = dispatch_frame("MESSAGE_CREATE", 7, &d);
        let expected = json!({"t": "MESSAGE_CREATE", "s": 7, "op": 0, "d": d}).to_string();
        assert_eq!(frame, expected);
        assert!(
            frame.starts_with(r#"{"t":"MESSAGE_CREATE","s":7,"op":0,"d":{"#),
            "{frame}"
        );
    }
}
