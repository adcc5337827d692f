//! Discord's edge in front of every REST request: added latency, injected faults, the
//! Cloudflare ban, the global and per-route rate limits with their headers, `Via`, and the
//! counters behind `GET /_emulator/stats`.
//!
//! Order for a request under `/api`: `--latency-ms` wait → the first matching fault (its wait,
//! then its answer, or normal handling for a latency-only fault; with `"handle": true` normal
//! handling first, then the wait and the fault's answer) → ban check → global limit → route
//! bucket → the handler → rate-limit headers → counting (429s by scope, invalid requests,
//! bans).

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use axum::extract::{ConnectInfo, Request, State as AxumState};
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;
use serde_json::Value;
use tokio::sync::watch;

use crate::auth::is_bot_token;
use crate::faults::{Fault, FaultAnswer, Faults};
use crate::ratelimit::limiter::{Decision, Limiter, Outcome};
use crate::ratelimit::route::{Route, classify, strip_api_prefix};
use crate::ratelimit::{
    self, RateLimitConfig, SCOPE, ScopeHeader, VIA_VALUE, apply_bucket_headers,
};

/// The edge's state: rate limits, faults and the added latency.
#[derive(Debug)]
pub(crate) struct Edge {
    /// The accepted bot token (requests with it count against the bot's global limit).
    token: String,
    limiter: Mutex<Limiter>,
    faults: Mutex<Faults>,
    /// Added before every REST request (`--latency-ms`).
    latency: Duration,
    scope_always: bool,
    /// Changing it ends every stalled fault body.
    release: watch::Sender<u64>,
}

impl Edge {
    /// An edge with `config` and `latency` added to every request, for the bot `token`.
    pub(crate) fn new(config: RateLimitConfig, latency: Duration, token: String) -> Self {
        Self {
            token,
            scope_always: config.scope_header == ScopeHeader::Always,
            limiter: Mutex::new(Limiter::new(config)),
            faults: Mutex::new(Faults::default()),
            latency,
            release: watch::channel(0).0,
        }
    }

    /// Locks the rate-limit state.
    pub(crate) fn limiter(&self) -> MutexGuard<'_, Limiter> {
        self.limiter.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Locks the fault list.
    pub(crate) fn faults(&self) -> MutexGuard<'_, Faults> {
        self.faults.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Ends every stalled fault body (their connections close).
    pub(crate) fn release_stalls(&self) {
        self.release.send_modify(|generation| *generation += 1);
    }

    /// Removes every fault and ends stalled bodies.
    pub(crate) fn clear_faults(&self) {
        self.faults().clear();
        self.release_stalls();
    }

    /// Forgets rate-limit state, counters and faults.
    pub(crate) fn reset(&self) {
        self.limiter().reset();
        self.clear_faults();
    }

    /// The JSON of `GET /_emulator/stats`.
    pub(crate) fn stats(&self) -> Value {
        let now = Instant::now();
        let wall = SystemTime::now();
        let to_epoch = |at: Instant| {
            let time = if at >= now {
                wall + (at - now)
            } else {
                wall - (now - at)
            };
            ratelimit::seconds(time.duration_since(UNIX_EPOCH).unwrap_or_default())
        };
        let mut stats = self.limiter().stats(now, to_epoch);
        stats["faults_pending"] = Value::from(self.faults().len());
        stats["latency_ms"] = Value::from(u64::try_from(self.latency.as_millis()).unwrap_or(0));
        stats
    }

    /// Counts a response for the stats and the invalid-request limit.
    fn count(&self, ip: IpAddr, response: &Response, cloudflare: bool) {
        let scope = response
            .headers()
            .get(SCOPE)
            .and_then(|value| value.to_str().ok());
        self.limiter().record(
            ip,
            Outcome {
                status: response.status().as_u16(),
                scope,
                cloudflare,
            },
            Instant::now(),
        );
    }
}

/// Middleware: applies the edge to every request under `/api`.
pub(crate) async fn edge(
    AxumState(edge): AxumState<Arc<Edge>>,
    request: Request,
    next: Next,
) -> Response {
    if strip_api_prefix(request.uri().path()).is_none() {
        return next.run(request).await;
    }
    let edge = &*edge;
    if !edge.latency.is_zero() {
        tokio::time::sleep(edge.latency).await;
    }
    let method = request.method().as_str().to_owned();
    let path = request.uri().path().to_owned();
    let ip = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map_or(IpAddr::V4(Ipv4Addr::LOCALHOST), |info| info.0.ip());
    let route = classify(&method, &path);
    let fault = edge.faults().take(&method, &path);
    if let Some(fault) = &fault {
        tracing::debug!(id = fault.id, handle = fault.handle, %method, %path, "injecting fault");
    }

    let response = match fault {
        // Answer with the fault instead of handling the request (after its wait).
        Some(fault) if !fault.handle => {
            if !fault.latency.is_zero() {
                tokio::time::sleep(fault.latency).await;
            }
            match answer(edge, &fault, &route) {
                Some(response) => response,
                None => handle(edge, request, next, ip, &route).await,
            }
        }
        // Handle the request, then wait and replace the answer.
        Some(fault) => {
            let handled = handle(edge, request, next, ip, &route).await;
            if !fault.latency.is_zero() {
                tokio::time::sleep(fault.latency).await;
            }
            answer(edge, &fault, &route).unwrap_or(handled)
        }
        None => handle(edge, request, next, ip, &route).await,
    };
    let cloudflare = response
        .extensions()
        .get::<FaultAnswer>()
        .is_some_and(|kind| kind.cloudflare);
    edge.count(ip, &response, cloudflare);
    response
}

/// The fault's answer (marked for the request log), or `None` for a latency-only fault.
fn answer(edge: &Edge, fault: &Fault, route: &Route) -> Option<Response> {
    let limiter = edge.limiter();
    let (mut response, kind) = fault.answer(
        |wait| limiter.fault_headers(route, wait),
        edge.release.subscribe(),
    )?;
    response.extensions_mut().insert(kind);
    Some(response)
}

/// The normal path: ban check, global and route limits, the handler, rate-limit headers, `Via`.
async fn handle(edge: &Edge, request: Request, next: Next, ip: IpAddr, route: &Route) -> Response {
    let authorized = is_bot_token(
        request
            .headers()
            .get(header::AUTHORIZATION)
            .and_then(|value| value.to_str().ok()),
        &edge.token,
    );
    let decision = edge.limiter().admit(ip, route, authorized, Instant::now());
    let mut response = match decision {
        Decision::Banned { retry_after } => {
            let mut response = ratelimit::ban_response(retry_after);
            response.extensions_mut().insert(FaultAnswer {
                cloudflare: true,
                ..FaultAnswer::default()
            });
            return response;
        }
        Decision::Limit(limited) => {
            tracing::debug!(route = %route.template, scope = limited.scope.as_str(), "rate limited");
            ratelimit::rate_limited_response(&limited)
        }
        Decision::Allow(headers) => {
            let mut response = next.run(request).await;
            apply_bucket_headers(response.headers_mut(), &headers, edge.scope_always);
            response
        }
        Decision::Pass => next.run(request).await,
    };
    response
        .headers_mut()
        .entry(header::VIA)
        .or_insert(HeaderValue::from_static(VIA_VALUE));
    response
}
