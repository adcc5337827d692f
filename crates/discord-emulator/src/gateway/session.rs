//! One websocket connection: HELLO, heartbeats, IDENTIFY / RESUME and the commands a client
//! may send, and everything the registry queues for it.
//!
//! The connection ends (and its session is kept for RESUME or forgotten) when:
//! - the client closes it (1000 or 1001 end the session; other codes keep it),
//! - the client vanishes (TCP closed or broken; the session is kept),
//! - no heartbeat came in time (close 4009, the session ends),
//! - the client breaks a rule (close 4001–4014, see [`CloseCode`]),
//! - the control API closes or drops it, or the emulator shuts down (close 1001).

use std::collections::VecDeque;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::ws::{CloseFrame, Message, WebSocket};
use futures_util::SinkExt as _;
use serde_json::Value;
use tokio::sync::{Notify, mpsc, watch};
use tokio::time::Instant;

use super::compression::{Compression, Encoded, Encoder};
use super::limits::Admission;
use super::members;
use super::payload::{self, CloseCode};
use super::registry::{Connection, Outgoing, Registry, ResumeOutcome};
use super::{ConnectContext, GatewayInner, intents};
use crate::snowflake::parse_snowflake;

/// Outgoing queue length per connection; a client this far behind is dropped (it can resume).
const QUEUE_CAPACITY: usize = 4096;

/// Largest payload a client may send (Discord closes with 4002 above 4096 bytes).
const MAX_PAYLOAD_BYTES: usize = 4096;

/// Commands (heartbeats excluded) a connection may send per [`COMMAND_WINDOW`] (Discord: 120).
const COMMAND_LIMIT: usize = 120;

/// The window of [`COMMAND_LIMIT`].
const COMMAND_WINDOW: Duration = Duration::from_secs(60);

/// How long the emulator waits for the client's answer to its close frame.
const CLOSE_WAIT: Duration = Duration::from_secs(1);

/// Extra time on top of 1.5 heartbeat intervals before a missing heartbeat closes with 4009.
const HEARTBEAT_SLACK: Duration = Duration::from_millis(500);

/// How a connection was asked to speak, from its URL.
#[derive(Debug, Clone)]
pub(crate) struct ConnectParams {
    /// `compress=…`.
    pub(crate) compression: Compression,
    /// A reason to close right after the handshake (bad `v`, `encoding` or `compress`).
    pub(crate) refuse: Option<(CloseCode, String)>,
}

/// How the connection ended, for the session's fate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum End {
    /// Gone without a close frame, or with a close code that keeps the session.
    KeepSession,
    /// Closed with a code that ends the session.
    EndSession,
}

/// A connection task's state.
struct ConnectionTask {
    socket: WebSocket,
    context: Arc<ConnectContext>,
    gateway: Arc<GatewayInner>,
    encoder: Encoder,
    compression: Compression,
    id: u64,
    tx: mpsc::Sender<Outgoing>,
    kick: Arc<Notify>,
    /// The session this connection is attached to (after IDENTIFY or RESUME).
    session: Option<String>,
    /// When a heartbeat is due at the latest.
    deadline: Instant,
    /// Arrival times of recent non-heartbeat commands.
    recent_commands: VecDeque<Instant>,
}

/// How an IDENTIFY that broke no rule went.
enum Identified {
    /// The session exists; READY is queued.
    Ready,
    /// Refused for the identify concurrency: answer INVALID_SESSION `false`.
    TooSoon,
}

/// What to do after handling a client payload.
enum Flow {
    Continue,
    Close(CloseCode),
}

/// Serves one upgraded websocket connection until it ends.
pub(crate) async fn serve(socket: WebSocket, context: Arc<ConnectContext>, params: ConnectParams) {
    let gateway = Arc::clone(&context.gateway.inner);
    let id = gateway.registry.next_connection_id();
    let (tx, mut rx) = mpsc::channel(QUEUE_CAPACITY);
    let mut shutdown = gateway.shutdown.subscribe();
    let mut task = ConnectionTask {
        socket,
        encoder: Encoder::new(params.compression),
        compression: params.compression,
        deadline: Instant::now() + heartbeat_timeout(gateway.options.heartbeat_interval),
        gateway,
        context,
        id,
        tx,
        kick: Arc::new(Notify::new()),
        session: None,
        recent_commands: VecDeque::new(),
    };
    tracing::debug!(connection = id, compression = ?params.compression, "gateway connection");
    if let Some((code, reason)) = params.refuse {
        task.close(code.code(), &reason).await;
        return;
    }
    let end = task.run(&mut rx, &mut shutdown).await;
    task.settle(end);
    tracing::debug!(connection = id, ?end, "gateway connection ended");
}

/// How long after HELLO or a heartbeat the next heartbeat may arrive.
fn heartbeat_timeout(interval: Duration) -> Duration {
    interval + interval / 2 + HEARTBEAT_SLACK
}

impl ConnectionTask {
    /// The registry's handle on this connection.
    fn connection(&self) -> Connection {
        Connection {
            id: self.id,
            tx: self.tx.clone(),
            kick: Arc::clone(&self.kick),
            compress: self.compression.query_value(),
        }
    }

    fn registry(&self) -> &Registry {
        &self.gateway.registry
    }

    /// Detaches the connection from its session, keeping the session for RESUME or ending it.
    /// Called before a server-initiated close frame goes out, so that a client reacting to the
    /// close already finds the session's new state.
    fn settle(&mut self, end: End) {
        if let Some(session) = self.session.take() {
            self.registry()
                .connection_ended(&session, self.id, end == End::KeepSession);
        }
    }

    /// Settles the session for `code`, then closes with it.
    async fn close_with(&mut self, code: u16, reason: &str) -> End {
        let end = session_fate(code);
        self.settle(end);
        self.close(code, reason).await;
        end
    }

    /// The connection loop; returns how it ended.
    async fn run(
        &mut self,
        rx: &mut mpsc::Receiver<Outgoing>,
        shutdown: &mut watch::Receiver<bool>,
    ) -> End {
        let interval = self.gateway.options.heartbeat_interval;
        let hello = payload::hello(u64::try_from(interval.as_millis()).unwrap_or(u64::MAX));
        if !self.send(&hello).await {
            return End::KeepSession;
        }
        let kick = Arc::clone(&self.kick);
        loop {
            tokio::select! {
                biased;
                () = kick.notified() => {
                    // Drop the TCP connection without a close frame.
                    return End::KeepSession;
                }
                _ = shutdown.changed() => {
                    self.settle(End::KeepSession);
                    self.close(1001, "The emulator is shutting down.").await;
                    return End::KeepSession;
                }
                outgoing = rx.recv() => match outgoing {
                    Some(Outgoing::Payload(frame)) => {
                        // While more payloads are queued they are written without a flush
                        // each (one write for many under load); the last one flushes.
                        if !self.send_queued(&frame, rx.is_empty()).await {
                            return End::KeepSession;
                        }
                    }
                    Some(Outgoing::Close(code, reason)) => {
                        // The registry already decided the session's fate.
                        return self.close_with(code, &reason).await;
                    }
                    Some(Outgoing::Detach) => {
                        self.session = None;
                        // A payload written just before (INVALID_SESSION) goes out now.
                        if self.socket.flush().await.is_err() {
                            return End::KeepSession;
                        }
                    }
                    None => return End::KeepSession,
                },
                message = self.socket.recv() => match message {
                    None | Some(Err(_)) => return End::KeepSession,
                    Some(Ok(Message::Text(text))) => {
                        if let Flow::Close(code) = self.handle(text.as_str()).await {
                            return self.close_with(code.code(), code.reason()).await;
                        }
                    }
                    Some(Ok(Message::Binary(_))) => {
                        // Only `encoding=json` text payloads are understood.
                        let code = CloseCode::DecodeError;
                        return self.close_with(code.code(), code.reason()).await;
                    }
                    Some(Ok(Message::Close(frame))) => {
                        let code = frame.as_ref().map_or(1005, |frame| frame.code);
                        tracing::debug!(connection = self.id, code, "client closed");
                        self.drain().await;
                        return session_fate(code);
                    }
                    Some(Ok(Message::Ping(_) | Message::Pong(_))) => {}
                },
                () = tokio::time::sleep_until(self.deadline) => {
                    tracing::debug!(connection = self.id, "heartbeat missed");
                    let code = CloseCode::SessionTimedOut;
                    return self.close_with(code.code(), code.reason()).await;
                }
            }
        }
    }

    /// Encodes and sends one payload; `false` when the connection is gone.
    async fn send(&mut self, payload: &str) -> bool {
        self.send_queued(payload, true).await
    }

    /// Encodes and writes one payload, flushing it (and everything written before) when
    /// `flush`; `false` when the connection is gone.
    async fn send_queued(&mut self, payload: &str, flush: bool) -> bool {
        let message = match self.encoder.encode(payload) {
            Ok(Encoded::Text(text)) => Message::Text(text.into()),
            Ok(Encoded::Binary(bytes)) => Message::Binary(bytes.into()),
            Err(error) => {
                tracing::error!(%error, "cannot compress a gateway payload");
                return false;
            }
        };
        if flush {
            self.socket.send(message).await.is_ok()
        } else {
            self.socket.feed(message).await.is_ok()
        }
    }

    /// Sends a close frame, then waits briefly for the client's answer.
    async fn close(&mut self, code: u16, reason: &str) {
        tracing::debug!(
            connection = self.id,
            code,
            reason,
            "closing gateway connection"
        );
        let frame = CloseFrame {
            code,
            reason: reason.into(),
        };
        if self.socket.send(Message::Close(Some(frame))).await.is_ok() {
            self.drain().await;
        }
    }

    /// Reads until the client's close frame or the end of the connection (at most
    /// [`CLOSE_WAIT`]), which also sends the automatic answer to a client's close frame.
    async fn drain(&mut self) {
        let _ = tokio::time::timeout(CLOSE_WAIT, async {
            while let Some(Ok(message)) = self.socket.recv().await {
                if matches!(message, Message::Close(_)) {
                    break;
                }
            }
        })
        .await;
    }

    /// Handles one text payload from the client.
    async fn handle(&mut self, text: &str) -> Flow {
        if text.len() > MAX_PAYLOAD_BYTES {
            return Flow::Close(CloseCode::DecodeError);
        }
        let Ok(Value::Object(mut payload)) = serde_json::from_str::<Value>(text) else {
            return Flow::Close(CloseCode::DecodeError);
        };
        let Some(op) = payload.get("op").and_then(Value::as_u64) else {
            return Flow::Close(CloseCode::DecodeError);
        };
        let d = payload.remove("d").unwrap_or(Value::Null);
        let logged_session = if op == payload::RESUME {
            d.get("session_id")
                .and_then(Value::as_str)
                .map(str::to_owned)
        } else {
            self.session.clone()
        };
        self.registry()
            .record_command(self.id, logged_session.as_deref(), op, {
                // IDENTIFY and RESUME carry the token: not kept.
                (op != payload::IDENTIFY && op != payload::RESUME).then(|| d.clone())
            });
        if op != payload::HEARTBEAT && self.over_command_limit() {
            return Flow::Close(CloseCode::RateLimited);
        }
        match op {
            payload::HEARTBEAT => {
                self.deadline =
                    Instant::now() + heartbeat_timeout(self.gateway.options.heartbeat_interval);
                if !self.send(&payload::heartbeat_ack()).await {
                    return Flow::Close(CloseCode::UnknownError);
                }
                Flow::Continue
            }
            payload::IDENTIFY => {
                if self.session.is_some() {
                    return Flow::Close(CloseCode::AlreadyAuthenticated);
                }
                match self.identify(&d) {
                    Ok(Identified::Ready) => Flow::Continue,
                    Ok(Identified::TooSoon) => {
                        // Discord: "If you hit this limit, the Gateway will respond with an
                        // Opcode 9 Invalid Session"; the connection stays open.
                        if !self.send(&payload::invalid_session(false)).await {
                            return Flow::Close(CloseCode::UnknownError);
                        }
                        Flow::Continue
                    }
                    Err(code) => Flow::Close(code),
                }
            }
            payload::RESUME => {
                if self.session.is_some() {
                    return Flow::Close(CloseCode::AlreadyAuthenticated);
                }
                self.resume(&d).await
            }
            payload::PRESENCE_UPDATE => {
                let Some(session) = self.session.clone() else {
                    return Flow::Close(CloseCode::NotAuthenticated);
                };
                if !members::valid_presence(&d) {
                    return Flow::Close(CloseCode::DecodeError);
                }
                self.registry().set_presence(&session, d);
                Flow::Continue
            }
            payload::VOICE_STATE_UPDATE => {
                if self.session.is_none() {
                    return Flow::Close(CloseCode::NotAuthenticated);
                }
                Flow::Continue
            }
            payload::REQUEST_GUILD_MEMBERS => {
                let Some(session) = self.session.clone() else {
                    return Flow::Close(CloseCode::NotAuthenticated);
                };
                self.request_guild_members(&session, &d)
            }
            payload::REQUEST_SOUNDBOARD_SOUNDS => {
                let Some(session) = self.session.clone() else {
                    return Flow::Close(CloseCode::NotAuthenticated);
                };
                self.request_soundboard_sounds(&session, &d);
                Flow::Continue
            }
            _ => Flow::Close(CloseCode::UnknownOpcode),
        }
    }

    /// Counts a command; whether the connection sent more than allowed in the window.
    fn over_command_limit(&mut self) -> bool {
        let now = Instant::now();
        while self
            .recent_commands
            .front()
            .is_some_and(|at| now.duration_since(*at) >= COMMAND_WINDOW)
        {
            self.recent_commands.pop_front();
        }
        self.recent_commands.push_back(now);
        self.recent_commands.len() > COMMAND_LIMIT
    }

    /// Whether `d.token` is the bot token, bare or `Bot `-prefixed.
    fn token_ok(&self, d: &Value) -> bool {
        d.get("token")
            .and_then(Value::as_str)
            .is_some_and(|token| token.strip_prefix("Bot ").unwrap_or(token) == self.context.token)
    }

    /// IDENTIFY: checks the token, intents and shard, then the identify limits
    /// ([`super::limits`]), creates the session and queues READY and one GUILD_CREATE per guild
    /// of the shard (with the GUILDS intent).
    fn identify(&mut self, d: &Value) -> Result<Identified, CloseCode> {
        if !d.is_object() {
            return Err(CloseCode::DecodeError);
        }
        if !self.token_ok(d) || self.gateway.limits.token_reset() {
            return Err(CloseCode::AuthenticationFailed);
        }
        let intent_bits = d
            .get("intents")
            .and_then(Value::as_u64)
            .ok_or(CloseCode::DecodeError)?;
        intents::check(intent_bits, self.gateway.options.privileged_intents).map_err(|error| {
            match error {
                intents::IntentsError::Invalid => CloseCode::InvalidIntents,
                intents::IntentsError::Disallowed => CloseCode::DisallowedIntents,
            }
        })?;
        let shard = match d.get("shard") {
            None | Some(Value::Null) => None,
            Some(Value::Array(items)) => match items.as_slice() {
                [id, count] => match (id.as_u64(), count.as_u64()) {
                    (Some(id), Some(count)) if count >= 1 && id < count => Some([id, count]),
                    _ => return Err(CloseCode::InvalidShard),
                },
                _ => return Err(CloseCode::InvalidShard),
            },
            Some(_) => return Err(CloseCode::InvalidShard),
        };
        let large_threshold = d
            .get("large_threshold")
            .and_then(Value::as_u64)
            .unwrap_or(payload::DEFAULT_LARGE_THRESHOLD)
            .clamp(50, 250);
        let [shard_id, shard_count] = shard.unwrap_or([0, 1]);
        match self.gateway.limits.admit_identify(shard_id) {
            Admission::Start => {}
            Admission::TooSoon => {
                tracing::debug!(
                    connection = self.id,
                    shard_id,
                    "IDENTIFY beyond max_concurrency"
                );
                return Ok(Identified::TooSoon);
            }
            Admission::TokenReset => {
                tracing::warn!(
                    connection = self.id,
                    "session start limit overrun: the bot's token is reset and its sessions end"
                );
                let code = CloseCode::AuthenticationFailed;
                self.registry().close(None, code.code(), code.reason());
                return Err(code);
            }
        }
        let session_id = Registry::new_session_id();
        {
            // Store before registry (the lock order), so no MESSAGE_CREATE slips in between.
            let store = self.context.store.lock();
            let ready = payload::ready(
                &store,
                &payload::ReadyInfo {
                    session_id: &session_id,
                    resume_gateway_url: &self.gateway.url,
                    shard,
                    allowed_privileged: self.gateway.options.privileged_intents,
                },
            );
            let mut events = vec![("READY", ready)];
            if intent_bits & intents::GUILDS != 0 {
                for guild_id in payload::guild_ids(&store) {
                    if payload::shard_of(guild_id, shard_count) != shard_id {
                        continue;
                    }
                    if let Some(guild) =
                        payload::guild_create(&store, guild_id, intent_bits, large_threshold)
                    {
                        events.push(("GUILD_CREATE", guild));
                    }
                }
            }
            self.registry()
                .create(&session_id, shard, intent_bits, self.connection(), &events);
            if let Some(presence) = d.get("presence").filter(|p| p.is_object()) {
                self.registry().set_presence(&session_id, presence.clone());
            }
        }
        tracing::debug!(connection = self.id, %session_id, intents = intent_bits, ?shard, "identified");
        self.session = Some(session_id);
        Ok(Identified::Ready)
    }

    /// RESUME: replays what the session missed and queues RESUMED, or answers INVALID_SESSION
    /// `false` (the connection stays open for a new IDENTIFY).
    async fn resume(&mut self, d: &Value) -> Flow {
        if !d.is_object() {
            return Flow::Close(CloseCode::DecodeError);
        }
        if !self.token_ok(d) || self.gateway.limits.token_reset() {
            return Flow::Close(CloseCode::AuthenticationFailed);
        }
        let Some(session_id) = d.get("session_id").and_then(Value::as_str) else {
            return Flow::Close(CloseCode::DecodeError);
        };
        let seq = match d.get("seq") {
            None | Some(Value::Null) => 0,
            Some(value) => match value.as_u64() {
                Some(seq) => seq,
                None => return Flow::Close(CloseCode::DecodeError),
            },
        };
        match self.registry().resume(session_id, seq, self.connection()) {
            ResumeOutcome::Resumed { replay } => {
                tracing::debug!(
                    connection = self.id,
                    session_id,
                    seq,
                    replayed = replay.len(),
                    "resumed"
                );
                self.session = Some(session_id.to_owned());
                for frame in replay {
                    if !self.send(&frame).await {
                        return Flow::Close(CloseCode::UnknownError);
                    }
                }
            }
            ResumeOutcome::Invalid => {
                tracing::debug!(connection = self.id, session_id, seq, "cannot resume");
                if !self.send(&payload::invalid_session(false)).await {
                    return Flow::Close(CloseCode::UnknownError);
                }
            }
        }
        Flow::Continue
    }

    /// REQUEST_GUILD_MEMBERS: the GUILD_MEMBERS_CHUNK events [`members::request_guild_members`]
    /// makes, for a guild of the session's shard; close 4002 for a payload it cannot decode.
    fn request_guild_members(&self, session: &str, d: &Value) -> Flow {
        let store = self.context.store.lock();
        let Some((intents, presence)) = self.registry().intents_and_presence(session) else {
            return Flow::Continue;
        };
        let requester = members::Requester {
            intents,
            presence: presence.as_ref(),
        };
        match members::request_guild_members(&store, d, requester) {
            members::MembersAnswer::Chunks { guild_id, chunks } => {
                for chunk in chunks {
                    let mut chunk = Some(chunk);
                    self.registry().dispatch("GUILD_MEMBERS_CHUNK", |view| {
                        (view.id == session && view.has_guild(guild_id))
                            .then(|| chunk.take())
                            .flatten()
                    });
                }
                Flow::Continue
            }
            members::MembersAnswer::Nothing(why) => {
                tracing::debug!(
                    connection = self.id,
                    why,
                    "REQUEST_GUILD_MEMBERS answered with nothing"
                );
                Flow::Continue
            }
            members::MembersAnswer::Invalid => Flow::Close(CloseCode::DecodeError),
        }
    }

    /// REQUEST_SOUNDBOARD_SOUNDS: one SOUNDBOARD_SOUNDS (always empty) per requested guild.
    fn request_soundboard_sounds(&self, session: &str, d: &Value) {
        let guild_ids = d
            .get("guild_ids")
            .and_then(Value::as_array)
            .map(|ids| ids.iter().filter_map(parse_snowflake).collect::<Vec<_>>())
            .unwrap_or_default();
        let store = self.context.store.lock();
        for guild_id in guild_ids {
            if !store.guilds.contains_key(&guild_id) {
                continue;
            }
            self.registry().dispatch("SOUNDBOARD_SOUNDS", |view| {
                (view.id == session && view.has_guild(guild_id)).then(|| {
                    serde_json::json!({"soundboard_sounds": [], "guild_id": guild_id.to_string()})
                })
            });
        }
    }
}

/// The session's fate after a close with `code`.
fn session_fate(code: u16) -> End {
    if payload::close_keeps_session(code) {
        End::KeepSession
    } else {
        End::EndSession
    }
}
