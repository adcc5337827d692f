//! A Discord API v10 emulator (REST and websocket gateway) for tests, benchmarks and
//! `discordproxyserver --sandbox`.
//!
//! It serves Discord's paths under `/api/v10` (also `/api/v9` and unversioned `/api`) with
//! Discord's status codes, JSON error bodies and object shapes (snowflakes as exact strings),
//! from a [`Fixture`] of users, guilds and channels, behind Discord's rate limits
//! ([`RateLimitConfig`]: per-route buckets, the global limit, `X-RateLimit-*` headers, 429s and
//! the Cloudflare ban); plus inspection and control endpoints under `/_emulator/` (request log,
//! stats, REST fault injection, reset, messages written by other users). The crate README lists every route, the fixture format,
//! the default rate-limit table, every fault kind and what is not emulated yet.
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! use discord_emulator::{Emulator, Fixture, Options};
//!
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
//! let emulator = Emulator::start(listener, Options::new(Fixture::default_fixture())).await?;
//! // Point a Discord client at emulator.api_base_url() with token emulator.token() …
//! let requests = emulator.requests(); // what the client sent
//! emulator.shutdown().await;
//! # Ok(()) }
//! ```
//!
//! # Layout
//!
//! Modules depend only on modules listed before them (no cycles):
//!
//! - `error`, `timestamp`, `request_log`, `audit_log`, `ratelimit/`: Discord's error bodies,
//!   time formats, the request log, the `X-Audit-Log-Reason` header, rate-limit settings and
//!   state;
//! - `snowflake` (parsing, timestamps, generation), `nonce`, `faults`, `auth`, `validate`;
//! - `fixture/` (parsing the fixture), `store` (the Discord data the REST routes serve),
//!   `multipart` (`multipart/form-data` uploads: parsing, attachment objects, stored files);
//! - `gateway/` (the websocket gateway, reads the store), `edge` (latency, faults and rate
//!   limits in front of REST), `options` ([`Options`]);
//! - `state` (what the handlers share: token, store, request log, gateway, edge);
//! - `recorder`, `content_type`, `rest/`, `control`, `edge_control` (the routes and
//!   middleware), `config` (the command line); this file wires them into one router.

pub mod config;
pub mod gateway;

mod audit_log;
mod auth;
mod content_type;
mod control;
mod edge;
mod edge_control;
mod error;
mod faults;
mod fixture;
mod multipart;
mod nonce;
mod options;
mod ratelimit;
mod recorder;
mod request_log;
mod rest;
mod snowflake;
mod state;
mod store;
mod timestamp;
mod validate;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::middleware::from_fn_with_state;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub use fixture::{Fixture, FixtureError};
pub use gateway::{
    Gateway, GatewayOptions, LimitsChange, LimitsInfo, ReceivedCommand, SessionInfo,
};
pub use options::Options;
pub use ratelimit::config::{
    DEFAULT_BAN_DURATION, DEFAULT_GLOBAL_PER_SECOND, DEFAULT_INVALID_REQUEST_LIMIT,
    DEFAULT_INVALID_REQUEST_WINDOW, parse_route_flag,
};
pub use ratelimit::{RateLimitConfig, RouteLimit, ScopeHeader};
pub use request_log::{RecordedPart, RecordedRequest};

use state::State;

/// How long [`Emulator::shutdown`] waits for open connections before closing them.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

/// A running emulator; stops when [`Emulator::shutdown`] is called or it is dropped.
#[derive(Debug)]
pub struct Emulator {
    addr: SocketAddr,
    token: String,
    state: Arc<State>,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<std::io::Result<()>>>,
}

impl Emulator {
    /// Serves on an already-bound listener (tests bind `127.0.0.1:0`) and returns at once; the
    /// server runs in a spawned tokio task.
    ///
    /// # Errors
    ///
    /// When the listener's local address cannot be read.
    pub async fn start(listener: TcpListener, options: Options) -> std::io::Result<Emulator> {
        let addr = listener.local_addr()?;
        let state = Arc::new(State::new(&options, format!("ws://{addr}")));
        let app = app(&state);
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            axum::serve(
                listener,
                app.into_make_service_with_connect_info::<SocketAddr>(),
            )
            .with_graceful_shutdown(async {
                let _ = stopped.await;
            })
            .await
        });
        tracing::info!(%addr, "discord emulator listening");
        Ok(Emulator {
            addr,
            token: options.fixture.token,
            state,
            stop: Some(stop),
            task: Some(task),
        })
    }

    /// The address the emulator listens on.
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT` (the listener's address).
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// `http://127.0.0.1:PORT/api/v10`, the REST base a Discord client should use.
    pub fn api_base_url(&self) -> String {
        format!("{}/api/v10", self.base_url())
    }

    /// `ws://127.0.0.1:PORT`, the gateway URL (what `GET /api/v10/gateway` returns).
    pub fn gateway_url(&self) -> String {
        format!("ws://{}", self.addr)
    }

    /// The websocket gateway: its sessions, and events, reconnects and disconnects to push to
    /// them (the same as the `/_emulator/gateway/…` routes).
    pub fn gateway(&self) -> &Gateway {
        &self.state.gateway
    }

    /// The bot token the emulator accepts.
    pub fn token(&self) -> &str {
        &self.token
    }

    /// Every REST request received under `/api` so far, oldest first (the same data as
    /// `GET /_emulator/requests`; at most the last 100,000).
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.state.log().snapshot()
    }

    /// Forgets the recorded requests (like `DELETE /_emulator/requests`).
    pub fn clear_requests(&self) {
        self.state.log().clear();
    }

    /// The counters and rate-limit state of `GET /_emulator/stats` (see the crate README).
    pub fn stats(&self) -> serde_json::Value {
        self.state.edge.stats()
    }

    /// Injects a REST fault, described as for `POST /_emulator/faults`; returns its id.
    ///
    /// # Errors
    ///
    /// A message saying what is wrong with the description.
    pub fn add_fault(&self, fault: serde_json::Value) -> Result<u64, String> {
        self.state.edge.faults().add(fault)
    }

    /// Removes every pending fault and ends stalled answers (like `DELETE /_emulator/faults`).
    pub fn clear_faults(&self) {
        self.state.edge.clear_faults();
    }

    /// Puts messages, DM channels, the request log, rate-limit state and faults back to the
    /// fixture's start (like `POST /_emulator/reset`).
    pub fn reset(&self) {
        self.state.reset();
    }

    /// Stops accepting connections, lets in-flight requests finish (up to 5 s), then returns.
    /// Stalled fault answers are ended first.
    pub async fn shutdown(mut self) {
        self.state.gateway.shutdown();
        self.state.edge.release_stalls();
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(mut task) = self.task.take() {
            match tokio::time::timeout(SHUTDOWN_GRACE, &mut task).await {
                Ok(Ok(Ok(()))) => {}
                Ok(Ok(Err(error))) => tracing::warn!(%error, "emulator server failed"),
                Ok(Err(error)) => tracing::warn!(%error, "emulator task failed"),
                Err(_) => {
                    tracing::warn!("emulator connections still open after the grace period");
                    task.abort();
                }
            }
        }
        tracing::info!(addr = %self.addr, "discord emulator stopped");
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        self.state.gateway.shutdown();
        self.state.edge.release_stalls();
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// The whole HTTP application: REST routes, control routes, fallbacks and the request log.
fn app(state: &Arc<State>) -> Router {
    rest::router(state)
        .merge(control::router())
        .merge(gateway::router(state.connect_context()))
        .merge(edge_control::router())
        .route(
            "/attachments/{channel_id}/{attachment_id}/{filename}",
            axum::routing::get(rest::attachments::serve),
        )
        .fallback(rest::not_found)
        .method_not_allowed_fallback(rest::method_not_allowed)
        .layer(from_fn_with_state(Arc::clone(&state.edge), edge::edge))
        .layer(from_fn_with_state(Arc::clone(state), recorder::record))
        .layer(DefaultBodyLimit::max(recorder::BODY_LIMIT))
        .with_state(Arc::clone(state))
}
