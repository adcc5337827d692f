//! The deployment's event stream: every instance's shards append their dispatches to one Redis
//! stream, and every instance reads it into its local [`EventBus`], so that `StreamEvents` on
//! any instance carries the events of every shard, with the same positions everywhere.
//!
//! - **Keys** (`dp:{H}:` namespace): `events` (the stream, `MAXLEN ~ --event-buffer`),
//!   `events:position` (the last position given), `events:epoch` (the stream's epoch) and
//!   `events:last` (each shard's last appended session id and sequence number).
//! - **No duplicates after a takeover**: a shard that moved to another instance resumes from
//!   the session saved in Redis, which may be a little older than the last event the dead
//!   instance appended; Discord replays the events after it. The script drops an event whose
//!   session is the shard's last and whose sequence number is not above the last appended
//!   (counted in `discordproxy_redis_events_deduplicated_total`).
//! - **Positions**: one script appends a batch and gives each event the next position `n` of
//!   the deployment, as the entry id `n-0`; the position is the `StreamEvents` cursor on every
//!   instance. One publisher task per instance sends its shards' events in the order they
//!   came, so each shard's events keep their order.
//! - **Epoch**: made by the first script that finds none (first start, or Redis restarted
//!   empty), which also drops the stream and the counter: positions of another epoch mean
//!   nothing. A bus that sees a new epoch starts it ([`EventBus::reset`]).
//! - **Readers**: each instance reads with `XREAD BLOCK` on a connection of its own, publishes
//!   into its bus at the stream's positions, and applies other instances' events to its cache
//!   (its own were applied when received). At start-up it first loads the retained entries, so
//!   a subscriber can resume on an instance that started after its events.
//! - **Redis unreachable**: the publisher keeps up to `--event-buffer` events (the oldest are
//!   dropped beyond that, counted in `discordproxy_redis_events_dropped_total`) and sends them
//!   when Redis answers again; readers retry every 250 ms and continue after their last entry.

use crate::{
    discord::{cache::GuildCache, redis::RedisShared},
    events::EventBus,
};
use discordproxy_proto::GatewayEvent;
use prost::Message as _;
use redis::{Value, aio::MultiplexedConnection};
use std::{
    collections::VecDeque,
    sync::{Arc, Mutex, PoisonError},
    time::Duration,
};
use tokio::sync::Notify;

/// Most events in one append script.
const BATCH: usize = 256;
/// How long one `XREAD` blocks.
const BLOCK: Duration = Duration::from_secs(1);
/// Pause after a failed Redis call.
const RETRY: Duration = Duration::from_millis(250);
/// Longest wait for one append or read (beyond `XREAD`'s block): events can be large (the
/// GUILD_CREATE of a big guild), more than `--redis-timeout-ms` is meant for. Appends and reads
/// have connections of their own, so they never hold up the REST limiter's calls.
const CALL_TIMEOUT: Duration = Duration::from_secs(5);

/// Finds or makes the epoch, then appends the events of `ARGV[4..]` as entries `n-0` with the
/// instance id, except those a shard's session already appended (a replay after a takeover).
/// KEYS: stream, position counter, epoch, last (hash: `SHARD:s` session id, `SHARD:q`
/// sequence). ARGV: max length, a proposed epoch, instance id, then per event its shard id,
/// session id (empty: not known), sequence number and encoding. Returns `{epoch, first
/// position (0: none appended), events dropped as duplicates}`.
const APPEND: &str = r"
local epoch = redis.call('GET', KEYS[3])
if not epoch then
  epoch = ARGV[2]
  redis.call('DEL', KEYS[1], KEYS[2], KEYS[4])
  redis.call('SET', KEYS[3], epoch)
end
local first = 0
local duplicates = 0
for i = 4, #ARGV, 4 do
  local shard, session, seq = ARGV[i], ARGV[i + 1], tonumber(ARGV[i + 2])
  local fresh = true
  if session ~= '' and seq > 0 then
    local known = redis.call('HMGET', KEYS[4], shard .. ':s', shard .. ':q')
    if known[1] == session and tonumber(known[2]) >= seq then
      fresh = false
    else
      redis.call('HSET', KEYS[4], shard .. ':s', session, shard .. ':q', seq)
    end
  end
  if fresh then
    local n = redis.call('INCR', KEYS[2])
    if first == 0 then first = n end
    redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], n .. '-0', 'e', ARGV[i + 3], 'i', ARGV[3])
  else
    duplicates = duplicates + 1
  end
end
return {epoch, first, duplicates}
";

/// A dispatch of this instance's shards waiting to be appended.
#[derive(Debug)]
struct Pending {
    event: GatewayEvent,
    /// The shard's session id when the event came (empty: not known).
    session: String,
}

/// Applies an event another instance's shard received to this instance's cache (its own
/// were applied when received).
fn apply_remote(cache: &GuildCache, event: &GatewayEvent) {
    let frame = format!(
        r#"{{"op":0,"s":{},"t":{},"d":{}}}"#,
        event.sequence,
        serde_json::Value::String(event.name.clone()),
        if event.payload_json.is_empty() {
            "null"
        } else {
            &event.payload_json
        }
    );
    if let Ok(Some(parsed)) =
        twilight_gateway::parse(frame, twilight_gateway::EventTypeFlags::all())
    {
        cache.update(&twilight_gateway::Event::from(parsed));
    }
}

/// The shared stream as one instance sees it.
pub struct SharedEvents {
    shared: Arc<RedisShared>,
    bus: EventBus,
    script: redis::Script,
    /// Events of this instance's shards not yet appended.
    queue: Mutex<VecDeque<Pending>>,
    wake: Notify,
}

impl std::fmt::Debug for SharedEvents {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SharedEvents")
            .field("bus", &self.bus)
            .finish_non_exhaustive()
    }
}

impl SharedEvents {
    /// Starts the publisher and the reader (which feeds `bus` and `cache`).
    pub fn start(shared: Arc<RedisShared>, bus: EventBus, cache: Arc<GuildCache>) -> Arc<Self> {
        let events = Arc::new(Self {
            shared,
            bus,
            script: redis::Script::new(APPEND),
            queue: Mutex::new(VecDeque::new()),
            wake: Notify::new(),
        });
        tokio::spawn(Arc::clone(&events).publish_loop());
        tokio::spawn(Arc::clone(&events).read_loop(cache));
        events
    }

    fn queue(&self) -> std::sync::MutexGuard<'_, VecDeque<Pending>> {
        self.queue.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Queues a dispatch of this instance's shards, received on session `session` (empty:
    /// not known), for the stream (never waits).
    pub fn push(&self, event: GatewayEvent, session: &str) {
        let mut queue = self.queue();
        if queue.len() >= self.bus.capacity() {
            queue.pop_front();
            self.shared.metrics().redis_events_dropped.inc();
            tracing::warn!(
                capacity = self.bus.capacity(),
                "Redis unreachable for longer than --event-buffer events: the oldest queued \
                 gateway event was dropped"
            );
        }
        queue.push_back(Pending {
            event,
            session: session.to_owned(),
        });
        drop(queue);
        self.wake.notify_one();
    }

    /// This instance's id in the deployment.
    pub fn instance(&self) -> &str {
        self.shared.instance()
    }

    fn keys(&self) -> [String; 4] {
        [
            self.shared.key("events"),
            self.shared.key("events:position"),
            self.shared.key("events:epoch"),
            self.shared.key("events:last"),
        ]
    }

    /// Runs the append script for `events` (possibly none) on `connection`: the epoch, the
    /// first position and how many were dropped as duplicates.
    async fn append(
        &self,
        connection: &mut MultiplexedConnection,
        events: &[Pending],
    ) -> Result<(String, u64, u64), String> {
        let [stream, position, epoch, last] = self.keys();
        let mut invocation = self.script.key(stream);
        invocation
            .key(position)
            .key(epoch)
            .key(last)
            .arg(self.bus.capacity())
            .arg(crate::events::new_epoch())
            .arg(self.shared.instance());
        for pending in events {
            invocation
                .arg(pending.event.shard_id)
                .arg(&pending.session)
                .arg(pending.event.sequence)
                .arg(pending.event.encode_to_vec());
        }
        let started = std::time::Instant::now();
        match tokio::time::timeout(CALL_TIMEOUT, invocation.invoke_async(connection)).await {
            Ok(Ok(answer)) => {
                self.shared
                    .metrics()
                    .redis_round_trip
                    .observe(started.elapsed().as_secs_f64());
                Ok(answer)
            }
            Ok(Err(error)) => Err(error.to_string()),
            Err(_) => Err(format!("no answer within {} s", CALL_TIMEOUT.as_secs())),
        }
    }

    /// Puts `batch` back in front, in order; the bound still holds (the oldest are dropped).
    fn requeue(&self, batch: Vec<Pending>) {
        let mut queue = self.queue();
        for event in batch.into_iter().rev() {
            queue.push_front(event);
        }
        while queue.len() > self.bus.capacity() {
            queue.pop_front();
            self.shared.metrics().redis_events_dropped.inc();
        }
    }

    async fn publish_loop(self: Arc<Self>) {
        let mut connection: Option<MultiplexedConnection> = None;
        loop {
            let batch: Vec<Pending> = {
                let mut queue = self.queue();
                let n = queue.len().min(BATCH);
                queue.drain(..n).collect()
            };
            if batch.is_empty() {
                self.wake.notified().await;
                continue;
            }
            if connection.is_none() {
                connection = self.shared.dedicated(CALL_TIMEOUT).await.ok();
            }
            let appended = match connection.as_mut() {
                Some(connection) => self.append(connection, &batch).await,
                None => Err("Redis cannot be reached".to_owned()),
            };
            match appended {
                // A new epoch is the reader's to start (it also restarts its cursor).
                Ok((_, _, duplicates)) => {
                    if duplicates > 0 {
                        tracing::debug!(
                            duplicates,
                            "gateway events replayed by a resumed session were appended before"
                        );
                        self.shared
                            .metrics()
                            .redis_events_deduplicated
                            .inc_by(duplicates);
                    }
                }
                Err(reason) => {
                    tracing::debug!(reason, "could not append gateway events to Redis");
                    connection = None;
                    self.requeue(batch);
                    tokio::time::sleep(RETRY).await;
                }
            }
        }
    }

    async fn read_loop(self: Arc<Self>, cache: Arc<GuildCache>) {
        let mut cursor = ReadCursor {
            last: String::from("0-0"),
            epoch: None,
            loaded: false,
        };
        loop {
            let Ok(mut connection) = self.shared.dedicated(BLOCK + CALL_TIMEOUT).await else {
                tokio::time::sleep(RETRY).await;
                continue;
            };
            match self.read(&mut connection, &mut cursor, &cache).await {
                Ok(()) => {}
                Err(error) => {
                    tracing::debug!(%error, "reading the shared event stream failed; retrying");
                    tokio::time::sleep(RETRY).await;
                }
            }
        }
    }

    /// Reads until a call fails or the epoch changes: the epoch, the retained entries (once
    /// per epoch), then new ones.
    async fn read(
        &self,
        connection: &mut MultiplexedConnection,
        cursor: &mut ReadCursor,
        cache: &GuildCache,
    ) -> redis::RedisResult<()> {
        let [stream, _, epoch_key, _] = self.keys();
        let (epoch, _, _) = self
            .append(connection, &[])
            .await
            .map_err(|reason| redis::RedisError::from((redis::ErrorKind::Io, "append", reason)))?;
        if cursor.epoch.as_deref() != Some(epoch.as_str()) {
            if cursor.epoch.is_some() {
                tracing::warn!(
                    "the shared event stream was made anew (Redis lost its state): event \
                     positions start again; resuming streams are told that what they missed is \
                     unknown"
                );
            }
            self.bus.reset(&epoch);
            cursor.epoch = Some(epoch);
            "0-0".clone_into(&mut cursor.last);
            cursor.loaded = false;
        }
        let last = &mut cursor.last;
        if !cursor.loaded {
            // The retained entries, newest first, so that resuming works on a new instance.
            let newest: Value = redis::cmd("XREVRANGE")
                .arg(&stream)
                .arg("+")
                .arg("-")
                .arg("COUNT")
                .arg(self.bus.capacity())
                .query_async(connection)
                .await?;
            let mut entries = entries(&newest);
            entries.reverse();
            self.deliver(entries, last, cache);
            cursor.loaded = true;
        }
        loop {
            let answer: Value = redis::cmd("XREAD")
                .arg("COUNT")
                .arg(BATCH)
                .arg("BLOCK")
                .arg(BLOCK.as_millis() as u64)
                .arg("STREAMS")
                .arg(&stream)
                .arg(last.as_str())
                .query_async(connection)
                .await?;
            let read = streams(&answer);
            if read.is_empty() {
                // Quiet: check that the stream is still the same epoch.
                let now: Option<String> = redis::cmd("GET")
                    .arg(&epoch_key)
                    .query_async(connection)
                    .await?;
                if now != cursor.epoch {
                    return Ok(());
                }
                continue;
            }
            self.deliver(read, last, cache);
        }
    }

    fn deliver(&self, entries: Vec<Entry>, last: &mut String, cache: &GuildCache) {
        for entry in entries {
            entry.id.clone_into(last);
            let Some(position) = entry.position() else {
                continue;
            };
            let Some(event) = entry
                .event
                .as_deref()
                .and_then(|bytes| GatewayEvent::decode(bytes).ok())
            else {
                tracing::warn!(
                    id = entry.id,
                    "an entry of the shared event stream is not an event"
                );
                continue;
            };
            if entry.origin.as_deref() != Some(self.shared.instance()) {
                apply_remote(cache, &event);
            }
            self.bus.publish_at(event, position);
        }
    }
}

/// Where the reader is.
struct ReadCursor {
    /// The id of the last entry read ("0-0": none yet).
    last: String,
    /// The epoch being read (`None` before the first read).
    epoch: Option<String>,
    /// Whether the retained entries of this epoch were loaded.
    loaded: bool,
}

/// One stream entry.
#[derive(Debug, Default)]
struct Entry {
    id: String,
    event: Option<Vec<u8>>,
    origin: Option<String>,
}

impl Entry {
    /// The position: the id's first part.
    fn position(&self) -> Option<u64> {
        self.id.split_once('-')?.0.parse().ok()
    }
}

fn bytes(value: &Value) -> Option<&[u8]> {
    match value {
        Value::BulkString(bytes) => Some(bytes),
        Value::SimpleString(text) => Some(text.as_bytes()),
        _ => None,
    }
}

fn array(value: &Value) -> &[Value] {
    match value {
        Value::Array(items) | Value::Set(items) => items,
        _ => &[],
    }
}

/// The entries of an `XRANGE`/`XREVRANGE` answer: `[[id, [field, value, …]], …]`.
fn entries(value: &Value) -> Vec<Entry> {
    array(value)
        .iter()
        .filter_map(|item| {
            let [id, fields] = array(item) else {
                return None;
            };
            let mut entry = Entry {
                id: String::from_utf8_lossy(bytes(id)?).into_owned(),
                ..Entry::default()
            };
            for pair in array(fields).chunks(2) {
                if let [field, value] = pair {
                    match bytes(field) {
                        Some(b"e") => entry.event = bytes(value).map(<[u8]>::to_vec),
                        Some(b"i") => {
                            entry.origin =
                                bytes(value).map(|v| String::from_utf8_lossy(v).into_owned());
                        }
                        _ => {}
                    }
                }
            }
            Some(entry)
        })
        .collect()
}

/// The entries of an `XREAD` answer of one stream: `[[name, entries]]` (nil: none).
fn streams(value: &Value) -> Vec<Entry> {
    match value {
        Value::Map(pairs) => pairs
            .iter()
            .flat_map(|(_, entries_value)| entries(entries_value))
            .collect(),
        _ => array(value)
            .iter()
            .flat_map(|stream| match array(stream) {
                [_, list] => entries(list),
                _ => Vec::new(),
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bulk(text: &str) -> Value {
        Value::BulkString(text.as_bytes().to_vec())
    }

    #[test]
    fn xread_answers_become_entries_with_positions_and_origins() {
        let answer = Value::Array(vec![Value::Array(vec![
            bulk("dp:{x}:events"),
            Value::Array(vec![
                Value::Array(vec![
                    bulk("7-0"),
                    Value::Array(vec![bulk("e"), bulk("\x0a\x01A"), bulk("i"), bulk("me")]),
                ]),
                Value::Array(vec![bulk("8-0"), Value::Array(vec![bulk("i"), bulk("b")])]),
            ]),
        ])]);
        let read = streams(&answer);
        assert_eq!(read.len(), 2);
        assert_eq!(read[0].position(), Some(7));
        assert_eq!(read[0].origin.as_deref(), Some("me"));
        let event = GatewayEvent::decode(read[0].event.as_deref().unwrap()).unwrap();
        assert_eq!(event.name, "A");
        assert_eq!(
            (read[1].position(), read[1].event.is_none()),
            (Some(8), true)
        );
        assert!(streams(&Value::Nil).is_empty());
    }

    #[test]
    fn remote_events_reach_the_cache() {
        let cache = GuildCache::new();
        let guild = serde_json::json!({
            "id": "5", "name": "g", "icon": null, "owner_id": "1", "afk_timeout": 60,
            "verification_level": 0, "default_message_notifications": 0,
            "explicit_content_filter": 0, "roles": [], "emojis": [], "features": [],
            "mfa_level": 0, "system_channel_flags": 0, "premium_tier": 0,
            "preferred_locale": "en-US", "nsfw_level": 0, "premium_progress_bar_enabled": false,
            "channels": [{"id": "9", "type": 0, "name": "general", "position": 0,
                          "permission_overwrites": []}],
            "members": [], "threads": [], "stickers": [], "voice_states": [], "presences": [],
            "joined_at": "2024-01-01T00:00:00+00:00", "large": false, "member_count": 1,
            "unavailable": false, "nsfw": false
        });
        apply_remote(
            &cache,
            &GatewayEvent {
                name: "GUILD_CREATE".into(),
                payload_json: guild.to_string(),
                ..GatewayEvent::default()
            },
        );
        let channels = cache.guild_channels(5).expect("the guild is cached");
        assert_eq!(channels.len(), 1);
        assert_eq!(channels[0].id, 9);
    }
}
