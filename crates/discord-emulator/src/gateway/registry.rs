//! The gateway sessions: who is identified with which intents and shard, their sequence
//! numbers and replay buffers, and the connection (if any) each one is attached to.
//!
//! Everything is behind one mutex that is never held across an `.await`. Dispatching assigns
//! the sequence number, stores the payload for replay and hands it to the connection's queue
//! under that lock, so every connection sees its dispatches in sequence order. Lock order:
//! callers that also need the REST store lock it first (`crate::store::SharedStore`).

use std::collections::{HashMap, VecDeque};
use std::hash::{BuildHasher, Hasher, RandomState};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use serde_json::Value;
use time::OffsetDateTime;
use tokio::sync::{Notify, mpsc};

use super::payload;
use super::replay::ReplayBuffer;
use crate::timestamp::format_timestamp;

/// How many received commands `GET /_emulator/gateway/commands` keeps.
const COMMAND_LOG_CAPACITY: usize = 10_000;

/// What the registry asks a connection task to do.
#[derive(Debug)]
pub(crate) enum Outgoing {
    /// Send this payload (the connection compresses it if asked to).
    Payload(Arc<str>),
    /// Send a close frame with this code and reason, then end the connection.
    Close(u16, String),
    /// The connection's session was invalidated or resumed elsewhere: the connection is no
    /// longer identified (a new IDENTIFY or RESUME is allowed).
    Detach,
}

/// The registry's handle on a live connection.
#[derive(Debug, Clone)]
pub(crate) struct Connection {
    /// The connection's number (for telling a stale detach from a current one).
    pub(crate) id: u64,
    /// The connection's outgoing queue (bounded: a client that does not keep up is dropped).
    pub(crate) tx: mpsc::Sender<Outgoing>,
    /// Wakes the connection task to drop its TCP connection without a close frame.
    pub(crate) kick: Arc<Notify>,
    /// The connection's `compress` query value (`None` for plain text).
    pub(crate) compress: Option<&'static str>,
}

/// What a dispatch filter sees of a session.
#[derive(Debug, Clone, Copy)]
pub(crate) struct SessionView<'a> {
    /// The session id.
    pub(crate) id: &'a str,
    /// `[id, count]` from IDENTIFY, if any.
    pub(crate) shard: Option<[u64; 2]>,
    /// IDENTIFY's intents.
    pub(crate) intents: u64,
}

impl SessionView<'_> {
    /// Whether this session receives events of `guild_id` (its shard's guilds only).
    pub(crate) fn has_guild(&self, guild_id: u64) -> bool {
        let [id, count] = self.shard.unwrap_or([0, 1]);
        payload::shard_of(guild_id, count) == id
    }

    /// Whether this session receives DM events (shard 0 only).
    pub(crate) fn has_dms(&self) -> bool {
        self.shard.is_none_or(|[id, _]| id == 0)
    }
}

/// One gateway session, as listed by `GET /_emulator/gateway/sessions`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionInfo {
    /// The session id READY gave.
    pub session_id: String,
    /// `[shard_id, shard_count]` from IDENTIFY (`[0, 1]` when it sent none).
    pub shard: [u64; 2],
    /// IDENTIFY's intents.
    pub intents: u64,
    /// Whether a websocket connection is attached right now.
    pub connected: bool,
    /// The last sequence number dispatched to the session.
    pub seq: u64,
    /// How many times the session was resumed.
    pub resumes: u64,
    /// The `seq` of the last RESUME (the last sequence number the client said it had: the
    /// dispatches after it were replayed); `None` (`null`) until the session is resumed.
    #[serde(default)]
    pub resumed_from: Option<u64>,
    /// The transport compression of its last connection: `zlib-stream`, `zstd-stream`, or
    /// `None` (serialized as `null`) for plain JSON text frames.
    pub compress: Option<String>,
    /// When IDENTIFY created the session (ISO-8601, UTC).
    pub identified_at: String,
    /// The session's presence: IDENTIFY's `presence`, replaced by each valid PRESENCE_UPDATE
    /// (op 3) `d` as the client sent it; `None` (`null`) when it sent neither. RESUME keeps it.
    #[serde(default)]
    pub presence: Option<Value>,
}

/// One payload received from a client, as listed by `GET /_emulator/gateway/commands`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReceivedCommand {
    /// The connection's number (1 for the first websocket connection, and so on).
    pub connection: u64,
    /// The session the connection was attached to when the payload arrived (for IDENTIFY:
    /// none yet; for RESUME: the session asked for).
    pub session_id: Option<String>,
    /// The payload's opcode (1 heartbeat, 2 identify, 6 resume, …).
    pub op: u64,
    /// The payload's `d` as received, except for IDENTIFY and RESUME (which carry the token):
    /// `None` (`null`) for those.
    #[serde(default)]
    pub d: Option<Value>,
    /// When it arrived (ISO-8601, UTC).
    pub time: String,
}

/// A session's state.
#[derive(Debug)]
struct Session {
    /// Order of creation, for stable listings.
    order: u64,
    shard: Option<[u64; 2]>,
    intents: u64,
    seq: u64,
    replay: ReplayBuffer,
    connection: Option<Connection>,
    /// When the last connection went away (for expiry).
    disconnected_at: Option<Instant>,
    resumes: u64,
    resumed_from: Option<u64>,
    identified_at: String,
    /// The last connection's compression.
    compress: Option<&'static str>,
    /// IDENTIFY's `presence`, then the last valid op 3.
    presence: Option<Value>,
}

impl Session {
    /// Assigns the next sequence number to event `t`, remembers it for replay and queues it on
    /// the attached connection (dropping a connection whose queue is full).
    fn dispatch(&mut self, t: &str, d: &Value) {
        self.seq += 1;
        let frame: Arc<str> = Arc::from(payload::dispatch_frame(t, self.seq, d));
        self.replay.push(self.seq, Arc::clone(&frame));
        self.send(Outgoing::Payload(frame));
    }

    /// Queues `outgoing` on the attached connection; a full or closed queue detaches it (the
    /// client can resume).
    fn send(&mut self, outgoing: Outgoing) {
        let Some(connection) = &self.connection else {
            return;
        };
        if let Err(error) = connection.tx.try_send(outgoing) {
            if matches!(error, mpsc::error::TrySendError::Full(_)) {
                tracing::warn!(
                    connection = connection.id,
                    "gateway client does not keep up; dropping its connection"
                );
            }
            connection.kick.notify_one();
            self.disconnect();
        }
    }

    /// Marks the session as having no connection since now.
    fn disconnect(&mut self) {
        if let Some(connection) = &self.connection {
            self.compress = connection.compress;
        }
        self.connection = None;
        self.disconnected_at = Some(Instant::now());
    }

    fn view<'a>(&self, id: &'a str) -> SessionView<'a> {
        SessionView {
            id,
            shard: self.shard,
            intents: self.intents,
        }
    }
}

/// The sessions and the received-command log.
#[derive(Debug, Default)]
struct Inner {
    sessions: HashMap<String, Session>,
    next_order: u64,
    next_connection: u64,
    commands: VecDeque<ReceivedCommand>,
}

impl Inner {
    /// Forgets disconnected sessions older than `ttl`.
    fn purge(&mut self, ttl: Duration) {
        self.sessions.retain(|_, session| {
            session
                .disconnected_at
                .is_none_or(|since| since.elapsed() < ttl)
        });
    }

    /// Session ids in creation order, optionally only `target`.
    fn ids(&self, target: Option<&str>) -> Vec<String> {
        let mut ids: Vec<(&String, u64)> = self
            .sessions
            .iter()
            .filter(|(id, _)| target.is_none_or(|target| target == id.as_str()))
            .map(|(id, session)| (id, session.order))
            .collect();
        ids.sort_by_key(|(_, order)| *order);
        ids.into_iter().map(|(id, _)| id.clone()).collect()
    }
}

/// What RESUME led to.
#[derive(Debug)]
pub(crate) enum ResumeOutcome {
    /// Attached: send these missed dispatches first (RESUMED is already queued after them).
    Resumed {
        /// The dispatches after the client's sequence number, oldest first.
        replay: Vec<Arc<str>>,
    },
    /// Unknown or expired session, or a sequence number that cannot be replayed: INVALID_SESSION
    /// `false`.
    Invalid,
}

/// The gateway's sessions.
#[derive(Debug)]
pub(crate) struct Registry {
    inner: Mutex<Inner>,
    /// How long a session without a connection can still be resumed.
    ttl: Duration,
    /// Dispatches kept per session for RESUME.
    replay_capacity: usize,
}

impl Registry {
    /// An empty registry.
    pub(crate) fn new(ttl: Duration, replay_capacity: usize) -> Self {
        Self {
            inner: Mutex::new(Inner::default()),
            ttl,
            replay_capacity,
        }
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        let mut inner = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        inner.purge(self.ttl);
        inner
    }

    /// A number for a new connection (1, 2, …).
    pub(crate) fn next_connection_id(&self) -> u64 {
        let mut inner = self.lock();
        inner.next_connection += 1;
        inner.next_connection
    }

    /// A new random session id (32 hex digits, like Discord's).
    pub(crate) fn new_session_id() -> String {
        let random = || RandomState::new().build_hasher().finish();
        format!("{:016x}{:016x}", random(), random())
    }

    /// Logs a payload received from a client (`d`: none for IDENTIFY and RESUME).
    pub(crate) fn record_command(
        &self,
        connection: u64,
        session_id: Option<&str>,
        op: u64,
        d: Option<Value>,
    ) {
        let mut inner = self.lock();
        inner.commands.push_back(ReceivedCommand {
            connection,
            session_id: session_id.map(str::to_owned),
            op,
            d,
            time: format_timestamp(OffsetDateTime::now_utc()),
        });
        while inner.commands.len() > COMMAND_LOG_CAPACITY {
            inner.commands.pop_front();
        }
    }

    /// The received-command log, oldest first.
    pub(crate) fn commands(&self) -> Vec<ReceivedCommand> {
        self.lock().commands.iter().cloned().collect()
    }

    /// Creates session `id` attached to `connection` and dispatches `events` (READY, then the
    /// GUILD_CREATEs) to it before anything else can be.
    pub(crate) fn create(
        &self,
        id: &str,
        shard: Option<[u64; 2]>,
        intents: u64,
        connection: Connection,
        events: &[(&str, Value)],
    ) {
        let mut inner = self.lock();
        inner.next_order += 1;
        let mut session = Session {
            order: inner.next_order,
            shard,
            intents,
            compress: connection.compress,
            seq: 0,
            replay: ReplayBuffer::new(self.replay_capacity),
            connection: Some(connection),
            disconnected_at: None,
            resumes: 0,
            resumed_from: None,
            identified_at: format_timestamp(OffsetDateTime::now_utc()),
            presence: None,
        };
        for (t, d) in events {
            session.dispatch(t, d);
        }
        inner.sessions.insert(id.to_owned(), session);
    }

    /// Sets session `id`'s presence (IDENTIFY's `presence`, or an op 3 `d`).
    pub(crate) fn set_presence(&self, id: &str, presence: Value) {
        if let Some(session) = self.lock().sessions.get_mut(id) {
            session.presence = Some(presence);
        }
    }

    /// Session `id`'s intents and presence, `None` for an unknown session.
    pub(crate) fn intents_and_presence(&self, id: &str) -> Option<(u64, Option<Value>)> {
        let inner = self.lock();
        let session = inner.sessions.get(id)?;
        Some((session.intents, session.presence.clone()))
    }

    /// Resumes session `id` from sequence number `seq` on `connection`: queues RESUMED and
    /// returns the missed dispatches. A connection still attached to the session is dropped.
    /// A session that cannot be resumed is forgotten.
    pub(crate) fn resume(&self, id: &str, seq: u64, connection: Connection) -> ResumeOutcome {
        let mut inner = self.lock();
        let Some(session) = inner.sessions.get_mut(id) else {
            return ResumeOutcome::Invalid;
        };
        let Some(replay) = session.replay.after(seq, session.seq) else {
            inner.sessions.remove(id);
            return ResumeOutcome::Invalid;
        };
        if let Some(old) = session.connection.take() {
            tracing::debug!(connection = old.id, "session resumed elsewhere; dropping");
            old.kick.notify_one();
        }
        session.compress = connection.compress;
        session.connection = Some(connection);
        session.disconnected_at = None;
        session.resumes += 1;
        session.resumed_from = Some(seq);
        session.dispatch("RESUMED", &payload::resumed());
        ResumeOutcome::Resumed { replay }
    }

    /// Called by a connection task when its connection ends: detaches it from session `id`
    /// (if still attached) and keeps the session for RESUME or forgets it.
    pub(crate) fn connection_ended(&self, id: &str, connection: u64, keep_session: bool) {
        let mut inner = self.lock();
        let attached = inner.sessions.get(id).is_some_and(|session| {
            session
                .connection
                .as_ref()
                .is_some_and(|c| c.id == connection)
        });
        if !attached {
            return;
        }
        if keep_session {
            if let Some(session) = inner.sessions.get_mut(id) {
                session.disconnect();
            }
        } else {
            inner.sessions.remove(id);
        }
    }

    /// Dispatches event `t` to every session for which `make` returns a payload (in creation
    /// order); returns the ids of the sessions that got it.
    pub(crate) fn dispatch(
        &self,
        t: &str,
        mut make: impl FnMut(SessionView<'_>) -> Option<Value>,
    ) -> Vec<String> {
        let mut inner = self.lock();
        let mut sent = Vec::new();
        for id in inner.ids(None) {
            let Some(session) = inner.sessions.get_mut(&id) else {
                continue;
            };
            if let Some(d) = make(session.view(&id)) {
                session.dispatch(t, &d);
                sent.push(id);
            }
        }
        sent
    }

    /// The free room in the outgoing queues of the connected sessions (all, or `target`): the
    /// smallest, or `None` when no such session is connected.
    pub(crate) fn queue_room(&self, target: Option<&str>) -> Option<usize> {
        let inner = self.lock();
        inner
            .sessions
            .iter()
            .filter(|(id, _)| target.is_none_or(|target| target == id.as_str()))
            .filter_map(|(_, session)| session.connection.as_ref())
            .map(|connection| connection.tx.capacity())
            .min()
    }

    /// Sends a non-dispatch payload to the connected sessions (all, or `target`); with
    /// `invalidate`, the sessions are then forgotten and their connections detached. Returns
    /// the ids of the sessions it was sent to.
    pub(crate) fn send_op(
        &self,
        target: Option<&str>,
        frame: &str,
        invalidate: bool,
    ) -> Vec<String> {
        let mut inner = self.lock();
        let frame: Arc<str> = Arc::from(frame);
        let mut sent = Vec::new();
        for id in inner.ids(target) {
            let Some(session) = inner.sessions.get_mut(&id) else {
                continue;
            };
            if session.connection.is_none() {
                continue;
            }
            session.send(Outgoing::Payload(Arc::clone(&frame)));
            if invalidate {
                session.send(Outgoing::Detach);
                inner.sessions.remove(&id);
            }
            sent.push(id);
        }
        sent
    }

    /// Closes the connections of the connected sessions (all, or `target`) with `code`; the
    /// sessions stay resumable unless the code ends them (see
    /// [`payload::close_keeps_session`]). Returns the affected session ids.
    pub(crate) fn close(&self, target: Option<&str>, code: u16, reason: &str) -> Vec<String> {
        let mut inner = self.lock();
        let mut closed = Vec::new();
        for id in inner.ids(target) {
            let Some(session) = inner.sessions.get_mut(&id) else {
                continue;
            };
            if session.connection.is_none() {
                continue;
            }
            session.send(Outgoing::Close(code, reason.to_owned()));
            if payload::close_keeps_session(code) {
                session.disconnect();
            } else {
                inner.sessions.remove(&id);
            }
            closed.push(id);
        }
        closed
    }

    /// Drops the TCP connections of the connected sessions (all, or `target`) without a close
    /// frame; the sessions stay resumable. Returns the affected session ids.
    pub(crate) fn drop_connections(&self, target: Option<&str>) -> Vec<String> {
        let mut inner = self.lock();
        let mut dropped = Vec::new();
        for id in inner.ids(target) {
            let Some(session) = inner.sessions.get_mut(&id) else {
                continue;
            };
            if let Some(connection) = session.connection.take() {
                connection.kick.notify_one();
                session.disconnect();
                dropped.push(id);
            }
        }
        dropped
    }

    /// Drops every connection and forgets every session and the command log.
    pub(crate) fn reset(&self) {
        let mut inner = self.lock();
        for session in inner.sessions.values() {
            if let Some(connection) = &session.connection {
                connection.kick.notify_one();
            }
        }
        inner.sessions.clear();
        inner.commands.clear();
    }

    /// Every session, oldest first.
    pub(crate) fn sessions(&self) -> Vec<SessionInfo> {
        let inner = self.lock();
        inner
            .ids(None)
            .into_iter()
            .filter_map(|id| {
                let session = inner.sessions.get(&id)?;
                Some(SessionInfo {
                    shard: session.shard.unwrap_or([0, 1]),
                    intents: session.intents,
                    connected: session.connection.is_some(),
                    seq: session.seq,
                    resumes: session.resumes,
                    resumed_from: session.resumed_from,
                    compress: session
                        .connection
                        .as_ref()
                        .map_or(session.compress, |c| c.compress)
                        .map(str::to_owned),
                    identified_at: session.identified_at.clone(),
                    presence: session.presence.clone(),
                    session_id: id,
                })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn connection(id: u64) -> (Connection, mpsc::Receiver<Outgoing>) {
        let (tx, rx) = mpsc::channel(16);
        (
            Connection {
                id,
                tx,
                kick: Arc::new(Notify::new()),
                compress: None,
            },
            rx,
        )
    }

    fn payload_of(outgoing: Outgoing) -> Value {
        match outgoing {
            Outgoing::Payload(text) => serde_json::from_str(&text).unwrap(),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn dispatch_numbers_and_replays() {
        let registry = Registry::new(Duration::from_secs(60), 100);
        let (conn, mut rx) = connection(1);
        registry.create("s1", None, 1, conn, &[("READY", json!({}))]);
        assert_eq!(payload_of(rx.try_recv().unwrap())["s"], json!(1));
        registry.connection_ended("s1", 1, true);
        let sent = registry.dispatch("X", |_| Some(json!({"n": 1})));
        assert_eq!(sent, vec!["s1".to_owned()]);
        registry.dispatch("X", |_| Some(json!({"n": 2})));
        let sessions = registry.sessions();
        assert_eq!(sessions[0].seq, 3);
        assert!(!sessions[0].connected);
        let (conn, mut rx) = connection(2);
        let ResumeOutcome::Resumed { replay } = registry.resume("s1", 1, conn) else {
            panic!("resumable");
        };
        let seqs: Vec<Value> = replay
            .iter()
            .map(|text| serde_json::from_str::<Value>(text).unwrap()["s"].clone())
            .collect();
        assert_eq!(seqs, vec![json!(2), json!(3)]);
        let resumed = payload_of(rx.try_recv().unwrap());
        assert_eq!(resumed["t"], json!("RESUMED"));
        assert_eq!(resumed["s"], json!(4));
        assert_eq!(registry.sessions()[0].resumes, 1);
        assert_eq!(registry.sessions()[0].resumed_from, Some(1));
        // Newer than the session: invalid, and the session is gone.
        let (conn, _rx) = connection(3);
        assert!(matches!(
            registry.resume("s1", 99, conn),
            ResumeOutcome::Invalid
        ));
        assert!(registry.sessions().is_empty());
    }

    #[test]
    fn presences_are_kept_per_session_and_listed() {
        let registry = Registry::new(Duration::from_secs(60), 100);
        let (conn, _rx) = connection(1);
        registry.create("s1", None, 3, conn, &[]);
        assert_eq!(registry.sessions()[0].presence, None);
        registry.set_presence("s1", json!({"status": "idle", "activities": []}));
        registry.set_presence("nope", json!({}));
        assert_eq!(
            registry.sessions()[0].presence,
            Some(json!({"status": "idle", "activities": []}))
        );
        let (intents, presence) = registry.intents_and_presence("s1").unwrap();
        assert_eq!(
            (intents, presence.unwrap()["status"].clone()),
            (3, json!("idle"))
        );
        assert!(registry.intents_and_presence("nope").is_none());
        // Old listings without the field still read.
        let old: SessionInfo = serde_json::from_value(json!({
            "session_id": "s", "shard": [0, 1], "intents": 1, "connected": true, "seq": 1,
            "resumes": 0, "compress": null, "identified_at": "t"
        }))
        .unwrap();
        assert_eq!(old.presence, None);
    }

    #[test]
    fn expired_sessions_cannot_resume() {
        let registry = Registry::new(Duration::ZERO, 100);
        let (conn, _rx) = connection(1);
        registry.create("s1", None, 1, conn, &[]);
        registry.connection_ended("s1", 1, true);
        let (conn, _rx) = connection(2);
        assert!(matches!(
            registry.resume("s1", 0, conn),
            ResumeOutcome::Invalid
        ));
    }

    #[test]
    fn closing_codes_decide_resumability() {
        let registry = Registry::new(Duration::from_secs(60), 100);
        let (a, mut rx_a) = connection(1);
        let (b, _rx_b) = connection(2);
        registry.create("a", None, 1, a, &[]);
        registry.create("b", None, 1, b, &[]);
        assert_eq!(registry.close(Some("a"), 4000, "x"), vec!["a".to_owned()]);
        assert!(matches!(rx_a.try_recv().unwrap(), Outgoing::Close(4000, _)));
        assert_eq!(registry.sessions().len(), 2);
        assert_eq!(registry.close(None, 4009, "x"), vec!["b".to_owned()]);
        assert_eq!(registry.sessions().len(), 1);
        // A stale connection end does not touch the session.
        registry.connection_ended("a", 1, false);
        assert_eq!(registry.sessions().len(), 1);
    }

    #[test]
    fn shards_and_dms() {
        let view = SessionView {
            id: "x",
            shard: Some([1, 2]),
            intents: 0,
        };
        assert!(!view.has_dms());
        let guild = 3 << 22;
        assert!(view.has_guild(guild));
        assert!(!view.has_guild(2 << 22));
        let unsharded = SessionView {
            shard: None,
            ..view
        };
        assert!(unsharded.has_dms() && unsharded.has_guild(guild));
    }

    #[test]
    fn session_ids_are_random_hex() {
        let a = Registry::new_session_id();
        assert_eq!(a.len(), 32);
        assert!(a.bytes().all(|b| b.is_ascii_hexdigit()));
        assert_ne!(a, Registry::new_session_id());
    }
}
