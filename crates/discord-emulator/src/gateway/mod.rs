//! The websocket gateway ([docs](https://discord.com/developers/docs/events/gateway)), API v10
//! with `encoding=json`.
//!
//! Served at the URL `GET /api/v10/gateway` returns (`ws://127.0.0.1:PORT`, any path works
//! for the upgrade: twilight connects to `/?v=10…`, py-cord to `?v=10…`), with optional
//! `compress=zlib-stream` or `compress=zstd-stream`. A connection gets HELLO, identifies
//! (READY, then one GUILD_CREATE per guild of its shard) or resumes (the missed dispatches,
//! then RESUMED), heartbeats, and receives the MESSAGE_CREATE, MESSAGE_UPDATE, MESSAGE_DELETE
//! and MESSAGE_DELETE_BULK, the MESSAGE_REACTION_*, CHANNEL_PINS_UPDATE and TYPING_START events REST
//! changes cause, as its intents allow. The crate README
//! lists opcodes, close codes and the control API.
//!
//! Files: [`session`] (one connection), [`registry`] (sessions, sequence numbers, dispatch),
//! [`replay`] (per-session replay buffer), [`payload`] (opcodes and payload shapes),
//! [`messages`] (the message events of REST changes), [`reactions`] (the reaction events),
//! [`pins`] (CHANNEL_PINS_UPDATE), [`typing`] (TYPING_START), [`members`] (REQUEST_GUILD_MEMBERS
//! and PRESENCE_UPDATE), [`intents`], [`compression`],
//! [`control`] (`/_emulator/gateway/…`), `limits` (`GET /gateway/bot`'s shards and session
//! start limit, identify concurrency).

mod compression;
mod control;
pub mod intents;
mod limits;
pub mod members;
mod messages;
mod payload;
mod pins;
mod reactions;
mod registry;
mod replay;
mod session;
mod threads;
mod typing;

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::rejection::QueryRejection;
use axum::extract::ws::WebSocketUpgrade;
use axum::extract::ws::rejection::WebSocketUpgradeRejection;
use axum::extract::{Query, State as AxumState};
use axum::response::{IntoResponse, Response};
use axum::routing::any;
use serde_json::Value;
use tokio::sync::watch;

pub use limits::{LimitsChange, LimitsInfo};
pub(crate) use reactions::ReactionChange;
pub use registry::{ReceivedCommand, SessionInfo};

use compression::Compression;
use payload::CloseCode;
use registry::Registry;
use session::ConnectParams;

use crate::error::ApiError;
use crate::snowflake::parse_snowflake;
use crate::store::SharedStore;

/// How long [`Gateway::dispatch_many`] waits for a client that reads nothing before it stops
/// pacing.
pub const DISPATCH_STALL_LIMIT: Duration = Duration::from_secs(10);

/// How the gateway behaves. Build it with [`GatewayOptions::default`] and change fields.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct GatewayOptions {
    /// HELLO's `heartbeat_interval`. Default 41.25 s (Discord's). A connection that sends no
    /// heartbeat for 1.5 intervals plus 0.5 s is closed with 4009.
    pub heartbeat_interval: Duration,
    /// The privileged intents (GUILD_MEMBERS, GUILD_PRESENCES, MESSAGE_CONTENT bits) the bot
    /// may use; IDENTIFY asking for another one is closed with 4014. Default: all three (like a
    /// bot with every privileged intent switched on in the developer portal).
    pub privileged_intents: u64,
    /// How long a session without a connection can still be resumed. Default 5 minutes.
    pub session_ttl: Duration,
    /// How many dispatches each session keeps for RESUME. Default 1,000.
    pub replay_capacity: usize,
    /// `GET /gateway/bot`'s recommended `shards`. Default 1.
    pub shards: u32,
    /// `session_start_limit.max_concurrency`: IDENTIFYs per identify window, one per
    /// rate-limit key `shard_id % max_concurrency`. Default 1.
    pub max_concurrency: u32,
    /// `session_start_limit.total`: session starts (accepted IDENTIFYs) per
    /// [`session_start_period`](Self::session_start_period). Default 1,000.
    pub session_start_limit: u32,
    /// How long after the first session start the budget comes back. Default 24 h.
    pub session_start_period: Duration,
    /// The identify window of each rate-limit key. Default 5 s (Discord's).
    pub identify_window: Duration,
    /// Whether IDENTIFY beyond the concurrency is refused (INVALID_SESSION `false`) and an
    /// overrun of the session start budget resets the token (close 4004). Default on;
    /// [`Emulator::start`](crate::Emulator::start) turns it off with `RateLimits::Off`.
    pub identify_limits: bool,
}

impl Default for GatewayOptions {
    fn default() -> Self {
        Self {
            heartbeat_interval: Duration::from_millis(41_250),
            privileged_intents: intents::PRIVILEGED,
            session_ttl: Duration::from_secs(300),
            replay_capacity: 1000,
            shards: 1,
            max_concurrency: 1,
            session_start_limit: 1000,
            session_start_period: Duration::from_secs(86_400),
            identify_window: Duration::from_secs(5),
            identify_limits: true,
        }
    }
}

/// What the connection tasks share.
#[derive(Debug)]
pub(crate) struct GatewayInner {
    pub(crate) options: GatewayOptions,
    pub(crate) registry: Registry,
    /// Shards, identify concurrency and session starts.
    pub(crate) limits: limits::Limits,
    /// `ws://host:port`: READY's `resume_gateway_url`.
    pub(crate) url: String,
    /// Set to `true` when the emulator stops: connections close with 1001.
    pub(crate) shutdown: watch::Sender<bool>,
}

/// The running gateway: its sessions and the means to push events to them. Cheap to clone.
///
/// Every method that takes a `session_id` acts on that session only, or on every session when
/// it is `None`, and returns the ids of the sessions it acted on.
#[derive(Debug, Clone)]
pub struct Gateway {
    pub(crate) inner: Arc<GatewayInner>,
}

impl Gateway {
    /// A gateway served at `url` (`ws://host:port`).
    pub(crate) fn new(options: GatewayOptions, url: String) -> Self {
        let registry = Registry::new(options.session_ttl, options.replay_capacity);
        let limits = limits::Limits::new(&options);
        Self {
            inner: Arc::new(GatewayInner {
                options,
                registry,
                limits,
                url,
                shutdown: watch::Sender::new(false),
            }),
        }
    }

    /// The gateway URL (`ws://127.0.0.1:PORT`), as `GET /gateway` and READY's
    /// `resume_gateway_url` give it.
    pub fn url(&self) -> &str {
        &self.inner.url
    }

    /// Every session (connected or waiting to be resumed), oldest first.
    pub fn sessions(&self) -> Vec<SessionInfo> {
        self.inner.registry.sessions()
    }

    /// The shard count, identify concurrency and session start budget (what `GET /gateway/bot`
    /// answers), with counters.
    pub fn limits(&self) -> LimitsInfo {
        self.inner.limits.info()
    }

    /// Changes the limits (unset fields stay); `Err` names a value out of range.
    ///
    /// # Errors
    ///
    /// When `shards` or `max_concurrency` is 0.
    pub fn change_limits(&self, change: &LimitsChange) -> Result<LimitsInfo, String> {
        self.inner.limits.change(change)
    }

    /// Every payload received from clients (opcode, connection, session), oldest first; at most
    /// the last 10,000.
    pub fn commands(&self) -> Vec<ReceivedCommand> {
        self.inner.registry.commands()
    }

    /// Dispatches event `event` with data `data` to the sessions whose intents allow it (see
    /// the README's intent table; unknown event names need no intent).
    ///
    /// `guild_id` (or else `data.guild_id`) makes it a guild event: only the sessions whose
    /// shard has that guild get it. Without one, message, reaction, typing and poll events are
    /// DM events (shard 0 only, DM intents); other events go to every session.
    pub fn dispatch(
        &self,
        event: &str,
        data: &Value,
        guild_id: Option<u64>,
        session_id: Option<&str>,
    ) -> Vec<String> {
        let guild_id = guild_id.or_else(|| data.get("guild_id").and_then(parse_snowflake));
        let required = intents::required_for(event, guild_id.is_none());
        let dm_only = guild_id.is_none()
            && required.is_some_and(|bits| {
                bits & (intents::DIRECT_MESSAGES
                    | intents::DIRECT_MESSAGE_REACTIONS
                    | intents::DIRECT_MESSAGE_TYPING
                    | intents::DIRECT_MESSAGE_POLLS)
                    != 0
            });
        self.inner.registry.dispatch(event, |view| {
            let chosen = session_id.is_none_or(|id| id == view.id);
            let intended = required.is_none_or(|bits| view.intents & bits != 0);
            let sharded = match guild_id {
                Some(guild_id) => view.has_guild(guild_id),
                None => !dm_only || view.has_dms(),
            };
            (chosen && intended && sharded).then(|| data.clone())
        })
    }

    /// Dispatches `count` copies of an event, each like [`Gateway::dispatch`] (its own
    /// dispatch with its own sequence number), for load tests. It paces itself so that the
    /// outgoing queue of a connected session never overflows (which would drop the connection):
    /// it sends while there is room and waits for the clients to read otherwise. A client that
    /// reads nothing for [`DISPATCH_STALL_LIMIT`] gets the rest at once (and is dropped as
    /// usual when it is 4,096 payloads behind). Returns the ids of the sessions that got at
    /// least one copy.
    pub async fn dispatch_many(
        &self,
        event: &str,
        data: &Value,
        guild_id: Option<u64>,
        session_id: Option<&str>,
        count: u64,
    ) -> Vec<String> {
        /// Room left in a queue for other payloads (heartbeat ACKs, …).
        const HEADROOM: usize = 16;
        /// Copies dispatched between two yields.
        const BATCH: u64 = 512;
        let mut acted: Vec<String> = Vec::new();
        let mut left = count;
        let mut stalled_since: Option<std::time::Instant> = None;
        while left > 0 {
            let room = self
                .inner
                .registry
                .queue_room(session_id)
                .unwrap_or(usize::MAX)
                .saturating_sub(HEADROOM);
            let mut batch = u64::try_from(room).unwrap_or(u64::MAX).min(left).min(BATCH);
            if batch == 0 {
                let since = *stalled_since.get_or_insert_with(std::time::Instant::now);
                if since.elapsed() < DISPATCH_STALL_LIMIT {
                    tokio::time::sleep(Duration::from_millis(1)).await;
                    continue;
                }
                batch = left.min(BATCH);
            } else {
                stalled_since = None;
            }
            for _ in 0..batch {
                for id in self.dispatch(event, data, guild_id, session_id) {
                    if !acted.contains(&id) {
                        acted.push(id);
                    }
                }
            }
            left -= batch;
            tokio::task::yield_now().await;
        }
        acted
    }

    /// Sends RECONNECT (op 7) to connected sessions; clients reconnect and resume.
    pub fn reconnect(&self, session_id: Option<&str>) -> Vec<String> {
        self.inner
            .registry
            .send_op(session_id, &payload::reconnect(), false)
    }

    /// Sends INVALID_SESSION (op 9) with `d` = `resumable` to connected sessions. When not
    /// resumable the sessions are forgotten (a RESUME gets INVALID_SESSION `false`); their
    /// connections stay open for a new IDENTIFY.
    pub fn invalidate_session(&self, session_id: Option<&str>, resumable: bool) -> Vec<String> {
        self.inner
            .registry
            .send_op(session_id, &payload::invalid_session(resumable), !resumable)
    }

    /// Sends a heartbeat request (op 1) to connected sessions; clients answer with a heartbeat.
    pub fn request_heartbeat(&self, session_id: Option<&str>) -> Vec<String> {
        self.inner
            .registry
            .send_op(session_id, &payload::heartbeat_request(), false)
    }

    /// Closes the connections of connected sessions with a close frame `code` and `reason`.
    /// The sessions stay resumable, except for 1000, 1001, 4004, 4007 and 4009–4014.
    pub fn close(&self, session_id: Option<&str>, code: u16, reason: &str) -> Vec<String> {
        self.inner.registry.close(session_id, code, reason)
    }

    /// Drops the TCP connections of connected sessions without a close frame; the sessions
    /// stay resumable and buffer what is dispatched meanwhile.
    pub fn drop_connections(&self, session_id: Option<&str>) -> Vec<String> {
        self.inner.registry.drop_connections(session_id)
    }

    /// Drops every connection (no close frame) and forgets every session and the command log.
    pub fn reset(&self) {
        self.inner.registry.reset();
    }

    /// Closes every connection with 1001 (the emulator is stopping).
    pub(crate) fn shutdown(&self) {
        self.inner.shutdown.send_replace(true);
    }

    /// The REST hook for changes to a guild's resources: dispatches `event` (e.g.
    /// `CHANNEL_CREATE`) with `data` to the sessions whose shard has `guild_id` and whose
    /// intents allow the event (CHANNEL_* need GUILDS). Called with the store locked, so the
    /// events go out in the order of the changes.
    pub(crate) fn dispatch_guild_event(&self, guild_id: u64, event: &str, data: &Value) {
        self.dispatch(event, data, Some(guild_id), None);
    }
}

/// What the websocket connections share: the gateway, the REST store (READY, GUILD_CREATE,
/// member chunks) and the bot token (IDENTIFY).
#[derive(Debug)]
pub(crate) struct ConnectContext {
    pub(crate) gateway: Gateway,
    /// Lock it before the gateway's registry when both are needed.
    pub(crate) store: SharedStore,
    pub(crate) token: String,
}

/// The websocket route (every path, so that any gateway URL form works; plain HTTP requests
/// get Discord's 404) and the `/_emulator/gateway/…` control routes.
pub(crate) fn router<S>(context: ConnectContext) -> Router<S>
where
    S: Clone + Send + Sync + 'static,
{
    let control = control::router().with_state(context.gateway.clone());
    let upgrades = Router::new()
        .route("/", any(upgrade))
        .route("/gateway", any(upgrade))
        .route("/gateway/", any(upgrade))
        .with_state(Arc::new(context));
    control.merge(upgrades)
}

/// Accepts a websocket upgrade; checks `v`, `encoding` and `compress`.
async fn upgrade(
    AxumState(context): AxumState<Arc<ConnectContext>>,
    query: Result<Query<HashMap<String, String>>, QueryRejection>,
    ws: Result<WebSocketUpgrade, WebSocketUpgradeRejection>,
) -> Response {
    let Ok(ws) = ws else {
        return ApiError::NotFound.into_response();
    };
    let query = query.map(|Query(query)| query).unwrap_or_default();
    let params = connect_params(&query);
    ws.on_upgrade(move |socket| session::serve(socket, context, params))
}

/// Reads the connection URL's query: `v` (9 or 10; absent means 10), `encoding` (`json` only)
/// and `compress`.
fn connect_params(query: &HashMap<String, String>) -> ConnectParams {
    let mut refuse = None;
    let compression = Compression::from_query(query.get("compress").map(String::as_str))
        .unwrap_or_else(|| {
            refuse = Some((
                CloseCode::DecodeError,
                "Unknown compress value (zlib-stream or zstd-stream).".to_owned(),
            ));
            Compression::None
        });
    match query.get("encoding").map(String::as_str) {
        None | Some("json") => {}
        Some(other) => {
            refuse = Some((
                CloseCode::DecodeError,
                format!("encoding={other} is not supported by the emulator (json only)."),
            ));
        }
    }
    match query.get("v").map(String::as_str) {
        None | Some("9" | "10") => {}
        Some(_) => {
            refuse = Some((
                CloseCode::InvalidApiVersion,
                CloseCode::InvalidApiVersion.reason().to_owned(),
            ))
        }
    }
    ConnectParams {
        compression,
        refuse,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn connection_urls() {
        let plain = connect_params(&query(&[("v", "10"), ("encoding", "json")]));
        assert_eq!(plain.compression, Compression::None);
        assert!(plain.refuse.is_none());
        let zstd = connect_params(&query(&[("compress", "zstd-stream")]));
        assert_eq!(zstd.compression, Compression::ZstdStream);
        assert!(zstd.refuse.is_none());
        let etf = connect_params(&query(&[("encoding", "etf")]));
        assert_eq!(
            etf.refuse.map(|(code, _)| code),
            Some(CloseCode::DecodeError)
        );
        let v6 = connect_params(&query(&[("v", "6")]));
        assert_eq!(
            v6.refuse.map(|(code, _)| code),
            Some(CloseCode::InvalidApiVersion)
        );
        let gzip = connect_params(&query(&[("compress", "gzip")]));
        assert!(gzip.refuse.is_some());
    }

    #[test]
    fn default_options() {
        let options = GatewayOptions::default();
        assert_eq!(options.heartbeat_interval, Duration::from_millis(41_250));
        assert_eq!(options.privileged_intents, intents::PRIVILEGED);
        assert_eq!(options.session_ttl, Duration::from_secs(300));
        assert_eq!(options.replay_capacity, 1000);
        assert_eq!((options.shards, options.max_concurrency), (1, 1));
        assert_eq!(options.session_start_limit, 1000);
        assert_eq!(options.identify_window, Duration::from_secs(5));
        assert!(options.identify_limits);
    }
}
