//! What every handler shares: the bot token, the REST store, the request log, the gateway and
//! the edge (rate limits, faults, latency).
//!
//! The Discord data lives in the [`SharedStore`] (also used by the gateway's connections); the
//! request log has its own mutex so that recording a request never waits for message handling.

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use crate::edge::Edge;
use crate::fixture::Fixture;
use crate::gateway::{ConnectContext, Gateway};
use crate::options::Options;
use crate::ratelimit::RateLimits;
use crate::request_log::RequestLog;
use crate::store::{SharedStore, Store};

/// Everything the handlers share.
#[derive(Debug)]
pub(crate) struct State {
    /// The accepted bot token.
    pub(crate) token: String,
    /// `ws://host:port`, returned by `GET /gateway` and `GET /gateway/bot`.
    pub(crate) gateway_url: String,
    /// The websocket gateway's sessions (lock the store before it when both are needed).
    pub(crate) gateway: Gateway,
    /// The fixture, for `POST /_emulator/reset`.
    fixture: Fixture,
    store: SharedStore,
    log: Mutex<RequestLog>,
    /// Rate limits, faults and latency in front of the REST routes.
    pub(crate) edge: Arc<Edge>,
}

impl State {
    /// The state for `options`, with the gateway served at `gateway_url`.
    pub(crate) fn new(options: &Options, gateway_url: String) -> Self {
        let fixture = &options.fixture;
        let mut gateway_options = options.gateway.clone();
        // `--rate-limits off` lifts the gateway's identify limits too (benchmarks, tests).
        gateway_options.identify_limits &= options.rate_limits.mode == RateLimits::Discord;
        Self {
            token: fixture.token.clone(),
            gateway: Gateway::new(gateway_options, gateway_url.clone()),
            gateway_url,
            fixture: fixture.clone(),
            store: SharedStore::new(Store::new(fixture)),
            log: Mutex::new(RequestLog::default()),
            edge: Arc::new(Edge::new(
                options.rate_limits.clone(),
                options.latency,
                fixture.token.clone(),
            )),
        }
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

    /// `http://host:port`, the emulator's own address (attachment URLs point there).
    pub(crate) fn base_url(&self) -> String {
        self.gateway_url.replacen("ws://", "http://", 1)
    }

    /// Locks the Discord data.
    pub(crate) fn store(&self) -> MutexGuard<'_, Store> {
        self.store.lock()
    }

    /// Locks the request log.
    pub(crate) fn log(&self) -> MutexGuard<'_, RequestLog> {
        self.log.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// What the gateway's websocket connections need: the gateway, this store and the token.
    pub(crate) fn connect_context(&self) -> ConnectContext {
        ConnectContext {
            gateway: self.gateway.clone(),
            store: self.store.clone(),
            token: self.token.clone(),
        }
    }
}
