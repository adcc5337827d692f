//! In-memory state: users, guilds, channels, DM channels, messages and the request log.
//!
//! [`State`] is shared by every request handler. The Discord data lives in [`Store`] behind one
//! mutex (handlers lock it briefly and never across an `.await`); the request log has its own
//! mutex so that recording a request never waits for message handling.

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{SystemTime, UNIX_EPOCH};

use axum::body::Bytes;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use time::OffsetDateTime;
use time::macros::format_description;

use crate::edge::Edge;
use crate::fixture::{Access, Fixture, FixtureUser, Object};
use crate::nonce::NonceCache;

/// Discord's epoch (2015-01-01T00:00:00Z) in Unix milliseconds.
pub(crate) const DISCORD_EPOCH_MS: u64 = 1_420_070_400_000;

/// How many requests `/_emulator/requests` keeps (the oldest are dropped first).
pub(crate) const REQUEST_LOG_CAPACITY: usize = 100_000;

/// How many messages a channel keeps (the oldest are dropped first).
pub(crate) const MESSAGES_PER_CHANNEL: usize = 10_000;

/// Largest response body kept by the request log (bigger ones are recorded as `null`).
pub(crate) const RESPONSE_BODY_MAX: usize = 64 * 1024;

/// Total size of the response bodies the request log keeps; beyond it the oldest are dropped.
const RESPONSE_BYTES_BUDGET: usize = 256 * 1024 * 1024;

/// Worker id written into generated snowflakes (bits 17–21).
const WORKER_ID: u64 = 1;

/// The Unix time in milliseconds.
pub(crate) fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| {
            u64::try_from(elapsed.as_millis()).unwrap_or(u64::MAX)
        })
}

/// Formats Unix milliseconds as Discord does: `2024-01-01T00:00:00.123000+00:00`.
pub(crate) fn format_timestamp_ms(ms: u64) -> String {
    let nanos = i128::from(ms) * 1_000_000;
    let time =
        OffsetDateTime::from_unix_timestamp_nanos(nanos).unwrap_or(OffsetDateTime::UNIX_EPOCH);
    format_timestamp(time)
}

/// Formats a UTC time with microseconds and `+00:00`.
pub(crate) fn format_timestamp(time: OffsetDateTime) -> String {
    let format = format_description!(
        "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:6]+00:00"
    );
    time.to_offset(time::UtcOffset::UTC)
        .format(&format)
        .unwrap_or_default()
}

/// The creation time encoded in a snowflake, formatted like a message timestamp.
pub(crate) fn snowflake_timestamp(id: u64) -> String {
    format_timestamp_ms((id >> 22) + DISCORD_EPOCH_MS)
}

/// Generates strictly increasing snowflakes from the current time, avoiding reserved ids.
#[derive(Debug)]
pub(crate) struct SnowflakeGenerator {
    last: u64,
    reserved: HashSet<u64>,
}

impl SnowflakeGenerator {
    /// A generator that never returns one of `reserved` (the fixture's ids).
    pub(crate) fn new(reserved: HashSet<u64>) -> Self {
        Self { last: 0, reserved }
    }

    /// The next id for the time `now_ms` (Unix milliseconds).
    pub(crate) fn next_at(&mut self, now_ms: u64) -> u64 {
        let candidate = (now_ms.saturating_sub(DISCORD_EPOCH_MS) << 22) | (WORKER_ID << 17);
        let mut id = candidate.max(self.last + 1);
        while self.reserved.contains(&id) {
            id += 1;
        }
        self.last = id;
        id
    }

    /// The next id for the current time.
    pub(crate) fn next(&mut self) -> u64 {
        self.next_at(now_ms())
    }
}

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

/// A message as served.
#[derive(Debug, Clone)]
pub(crate) struct StoredMessage {
    pub(crate) id: u64,
    pub(crate) object: Value,
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
                    roles.iter().filter_map(|role| {
                        role.get("id").and_then(crate::fixture::parse_snowflake)
                    }),
                );
            }
            guilds.insert(
                guild.id,
                GuildState {
                    object: guild.object.clone(),
                    channel_ids: guild.channels.iter().map(|c| c.id).collect(),
                    members: guild.members.clone(),
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
        }
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
            channel.messages.push_back(message);
            while channel.messages.len() > MESSAGES_PER_CHANNEL {
                channel.messages.pop_front();
            }
        }
    }
}

/// One REST request received under `/api`, as listed by `GET /_emulator/requests`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecordedRequest {
    /// HTTP method, e.g. `POST`.
    pub method: String,
    /// Path as received, e.g. `/api/v10/channels/1/messages`.
    pub path: String,
    /// Query string without `?` (`""` when none), e.g. `limit=5`.
    pub query: String,
    /// The JSON body, or `None` (serialized as `null`) when empty or not JSON.
    pub body: Option<Value>,
    /// The response status; `None` while the request is still being answered, or when an
    /// injected `disconnect` fault closed the connection without an answer.
    pub status: Option<u16>,
    /// When the request arrived (ISO-8601, UTC, microseconds).
    pub time: String,
    /// The JSON response body; `None` (`null`) when it is not JSON, larger than 64 KiB,
    /// streamed by a fault, dropped to keep the log's memory bounded, or not answered yet.
    #[serde(default)]
    pub response: Option<Value>,
}

/// One entry of the log: the request and its raw JSON response body.
#[derive(Debug)]
struct LogEntry {
    request: RecordedRequest,
    response: Option<Bytes>,
}

/// The bounded request log.
#[derive(Debug, Default)]
pub(crate) struct RequestLog {
    entries: VecDeque<LogEntry>,
    /// Sequence number of `entries[0]`.
    first_seq: u64,
    /// Total size of the kept response bodies.
    response_bytes: usize,
    /// Entries before this sequence number have had their response bodies dropped.
    bodies_from: u64,
}

impl RequestLog {
    /// Appends a request that just arrived; returns its sequence number for [`Self::finish`].
    pub(crate) fn begin(&mut self, request: RecordedRequest) -> u64 {
        let seq = self.first_seq + self.entries.len() as u64;
        self.entries.push_back(LogEntry {
            request,
            response: None,
        });
        while self.entries.len() > REQUEST_LOG_CAPACITY {
            if let Some(evicted) = self.entries.pop_front() {
                self.response_bytes -= evicted.response.map_or(0, |body| body.len());
            }
            self.first_seq += 1;
        }
        seq
    }

    /// Records the response status (`None`: no answer) and JSON body (at most
    /// [`RESPONSE_BODY_MAX`] bytes) of request `seq` (ignored if it was dropped or cleared).
    pub(crate) fn finish(&mut self, seq: u64, status: Option<u16>, response: Option<Bytes>) {
        let Some(index) = seq
            .checked_sub(self.first_seq)
            .and_then(|index| usize::try_from(index).ok())
        else {
            return;
        };
        let Some(entry) = self.entries.get_mut(index) else {
            return;
        };
        entry.request.status = status;
        if let Some(body) = response.filter(|body| body.len() <= RESPONSE_BODY_MAX) {
            self.response_bytes += body.len();
            entry.response = Some(body);
        }
        // Keep memory bounded: drop the oldest bodies beyond the budget.
        self.bodies_from = self.bodies_from.max(self.first_seq);
        while self.response_bytes > RESPONSE_BYTES_BUDGET {
            let Some(entry) = usize::try_from(self.bodies_from - self.first_seq)
                .ok()
                .and_then(|index| self.entries.get_mut(index))
            else {
                break;
            };
            self.response_bytes -= entry.response.take().map_or(0, |body| body.len());
            self.bodies_from += 1;
        }
    }

    /// Every kept request, oldest first, with its response body parsed.
    pub(crate) fn snapshot(&self) -> Vec<RecordedRequest> {
        self.entries
            .iter()
            .map(|entry| {
                let mut request = entry.request.clone();
                request.response = entry
                    .response
                    .as_ref()
                    .and_then(|body| serde_json::from_slice(body).ok());
                request
            })
            .collect()
    }

    /// Forgets every request.
    pub(crate) fn clear(&mut self) {
        self.first_seq += self.entries.len() as u64;
        self.entries.clear();
        self.response_bytes = 0;
    }
}

/// Everything the handlers share.
#[derive(Debug)]
pub(crate) struct State {
    /// The accepted bot token.
    pub(crate) token: String,
    /// `ws://host:port`, returned by `GET /gateway` and `GET /gateway/bot`.
    pub(crate) gateway_url: String,
    /// The websocket gateway's sessions (lock the store before it when both are needed).
    pub(crate) gateway: crate::gateway::Gateway,
    /// The fixture, for `POST /_emulator/reset`.
    fixture: Fixture,
    store: Mutex<Store>,
    log: Mutex<RequestLog>,
    /// Rate limits, faults and latency in front of the REST routes.
    pub(crate) edge: Edge,
}

impl State {
    /// The state for `fixture`, served at `gateway_url`.
    pub(crate) fn new(fixture: &Fixture, gateway_url: String) -> Self {
        Self {
            token: fixture.token.clone(),
            gateway: crate::gateway::Gateway::new(
                crate::gateway::GatewayOptions::default(),
                gateway_url.clone(),
            ),
            gateway_url,
            fixture: fixture.clone(),
            store: Mutex::new(Store::new(fixture)),
            log: Mutex::new(RequestLog::default()),
            edge: Edge::new(
                crate::ratelimit::RateLimitConfig::for_fixture(fixture),
                std::time::Duration::ZERO,
            ),
        }
    }

    /// Replaces the gateway built by [`State::new`] with one configured by `options`.
    pub(crate) fn with_gateway(mut self, options: crate::gateway::GatewayOptions) -> Self {
        self.gateway = crate::gateway::Gateway::new(options, self.gateway_url.clone());
        self
    }

    /// Replaces the edge (rate limits, latency) built by [`State::new`].
    pub(crate) fn with_edge(mut self, edge: Edge) -> Self {
        self.edge = edge;
        self
    }

    /// Puts messages, DM channels, nonces, the request log, rate-limit state and faults back
    /// to the fixture's start (snowflakes keep increasing).
    pub(crate) fn reset(&self) {
        {
            let mut store = self.store();
            let mut fresh = Store::new(&self.fixture);
            std::mem::swap(&mut fresh.snowflakes, &mut store.snowflakes);
            *store = fresh;
        }
        self.log().clear();
        self.edge.reset();
    }

    /// Locks the Discord data.
    pub(crate) fn store(&self) -> MutexGuard<'_, Store> {
        self.store.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Locks the request log.
    pub(crate) fn log(&self) -> MutexGuard<'_, RequestLog> {
        self.log.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snowflakes_increase_and_encode_the_time() {
        let mut generator = SnowflakeGenerator::new(HashSet::new());
        let now = 1_700_000_000_000;
        let first = generator.next_at(now);
        let second = generator.next_at(now);
        let earlier = generator.next_at(now - 1000);
        assert!(first < second && second < earlier + 1 && second < earlier);
        assert_eq!(first >> 22, now - DISCORD_EPOCH_MS);
        assert_eq!(
            snowflake_timestamp(first),
            "2023-11-14T22:13:20.000000+00:00"
        );
    }

    #[test]
    fn snowflakes_skip_reserved_ids() {
        let now = 1_700_000_000_000;
        let expected = ((now - DISCORD_EPOCH_MS) << 22) | (WORKER_ID << 17);
        let mut generator = SnowflakeGenerator::new(HashSet::from([expected, expected + 1]));
        assert_eq!(generator.next_at(now), expected + 2);
    }

    #[test]
    fn timestamps_have_microseconds_and_offset() {
        assert_eq!(
            format_timestamp_ms(1_420_070_400_123),
            "2015-01-01T00:00:00.123000+00:00"
        );
        // The fixture's snowflake 175928847299117063 is Discord's documented example.
        assert_eq!(
            snowflake_timestamp(175928847299117063),
            "2016-04-30T11:18:25.796000+00:00"
        );
    }

    fn request(path: &str) -> RecordedRequest {
        RecordedRequest {
            method: "GET".into(),
            path: path.into(),
            query: String::new(),
            body: None,
            status: None,
            time: String::new(),
            response: None,
        }
    }

    #[test]
    fn request_log_records_status_and_clears() {
        let mut log = RequestLog::default();
        let a = log.begin(request("/a"));
        let b = log.begin(request("/b"));
        log.finish(b, Some(404), None);
        log.finish(a, Some(200), Some(Bytes::from_static(b"{\"a\":1}")));
        let entries = log.snapshot();
        assert_eq!(entries[0].path, "/a");
        assert_eq!(entries[0].status, Some(200));
        assert_eq!(entries[0].response, Some(json!({"a": 1})));
        assert_eq!(entries[1].status, Some(404));
        assert_eq!(entries[1].response, None);
        let c = log.begin(request("/c"));
        log.clear();
        log.finish(c, Some(200), None);
        assert!(log.snapshot().is_empty());
        let d = log.begin(request("/d"));
        log.finish(d, Some(201), None);
        assert_eq!(log.snapshot()[0].status, Some(201));
    }

    #[test]
    fn request_log_is_bounded() {
        let mut log = RequestLog::default();
        for index in 0..REQUEST_LOG_CAPACITY + 5 {
            log.begin(request(&format!("/{index}")));
        }
        let entries = log.snapshot();
        assert_eq!(entries.len(), REQUEST_LOG_CAPACITY);
        assert_eq!(entries[0].path, "/5");
        // An evicted request's late status is ignored.
        log.finish(0, Some(500), None);
        assert!(log.snapshot().iter().all(|entry| entry.status.is_none()));
    }

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
}
