//! The request loop: one rate limiter, safe retries and ban protection for every request the
//! server makes to Discord's REST API.
//!
//! Each request waits for its rate-limit slot ([`RateLimiter`]), is sent once, and its answer
//! updates the limiter. 429s are waited out (never hammered), 5xx answers and network failures
//! are retried with backoff ([`retry`](super::retry)), and the answers that count towards
//! Discord's invalid-request ban are counted. A Cloudflare ban or a revoked token (401) stops
//! all REST traffic. Nothing is sent after the call's deadline.
//!
//! The endpoints themselves (route, body, decoding, docs link) are in
//! [`request`](super::request), one file each. Bodies are sent as raw JSON, so Discord judges
//! them and clients see Discord's status, code and field path.

use super::api_base::ApiBase;
use super::{
    api_error,
    invalid_requests::{self, InvalidRequests},
    outgoing::{Outgoing, Retry},
    ratelimit::{
        GlobalScope, LimitStore, MemoryStore, NoSlot, RateLimiter, Refused, Seen,
        headers::{self, Scope, TooManyRequests},
    },
    retry,
    route::Route,
    transport::{Auth, RawResponse, RequestBody, Transport, TransportError},
};
use crate::{
    error::{DiscordHttpError, Error, Result},
    metrics::{Metrics, RetryLabels, RouteLabel, ScopeLabel},
    token::BotToken,
};
use bytes::Bytes;
use serde_json::Value;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::time::Instant;

/// Discord's default global rate limit: requests per second per bot across all routes.
pub const DEFAULT_GLOBAL_LIMIT: u16 = 50;

/// Timeout of one HTTP request to Discord (the call's deadline bounds it further).
pub const HTTP_TIMEOUT: Duration = Duration::from_secs(30);

/// 429 answers one request waits out before giving up with the 429 (`RESOURCE_EXHAUSTED`).
const MAX_RATE_LIMITED: u32 = 5;

/// Settings of the REST layer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RestOptions {
    /// Global limit, requests per second across all routes (`--global-rate-limit`, 50).
    pub global_rate_limit: u16,
    /// Retries of a request after 5xx answers or network failures (`--max-retries`, 3).
    pub max_retries: u32,
    /// Invalid requests per 10 minutes Discord allows before a ban (`--invalid-request-budget`,
    /// 10,000); the log warns at 50% and 80%.
    pub invalid_request_budget: u32,
    /// Local address Discord requests are sent from (`--discord-source-ip`; default: the
    /// system's choice). With Redis it names the egress IP whose invalid requests and ban
    /// are counted.
    pub source_ip: Option<std::net::IpAddr>,
}

impl Default for RestOptions {
    fn default() -> Self {
        Self {
            global_rate_limit: DEFAULT_GLOBAL_LIMIT,
            max_retries: retry::DEFAULT_MAX_RETRIES,
            invalid_request_budget: invalid_requests::DEFAULT_BUDGET,
            source_ip: None,
        }
    }
}

/// A Discord REST client for one bot token: the request loop every endpoint goes through.
///
/// # Errors
/// Every endpoint method (one file each in `discord/request/`) fails with one of:
/// - [`Error::Discord`]: Discord's answer, gRPC code by the status table (e.g. 403/50007,
///   404/10003, 400/50035; a 429 that came back more than 5 times; a 5xx after the last
///   retry; 401 once the token was revoked).
/// - [`Error::RateLimited`]: no rate-limit slot before the deadline (`RESOURCE_EXHAUSTED`).
/// - [`Error::Unavailable`]: Discord unreachable after the retries, or REST traffic stopped by
///   a Cloudflare ban (`UNAVAILABLE`).
/// - [`Error::DeadlineExceeded`]: the deadline came before a retry could start or an answer
///   arrived (`DEADLINE_EXCEEDED`).
/// - [`Error::Internal`]: a 2xx body that is not the expected JSON, or an answer too large to
///   read (`INTERNAL`).
#[derive(Debug)]
pub struct DiscordClient {
    transport: Transport,
    limiter: RateLimiter,
    invalid: InvalidRequests,
    max_retries: u32,
    revoked: AtomicBool,
    banned_until: Mutex<Option<Instant>>,
    metrics: Arc<Metrics>,
}

/// A 2xx JSON answer: parsed, and its text as Discord sent it (the `json` field of responses).
#[derive(Debug, Clone)]
pub struct JsonAnswer {
    /// The parsed body.
    pub value: Value,
    /// The body's text, unchanged.
    pub text: String,
}

/// What to do after one attempt.
enum Attempt {
    Done(u16, Bytes),
    /// Send again after a backoff (5xx, network failure); the error if no retry is left.
    Retry(Error, &'static str),
    /// Send again once the limiter allows (429).
    RateLimited(Error),
}

impl DiscordClient {
    /// A client sending `Authorization: Bot <token>` to `api`, with the default options.
    pub fn new(token: &BotToken, api: &ApiBase) -> Self {
        Self::with_options(
            token,
            api,
            &RestOptions::default(),
            Arc::new(Metrics::default()),
        )
    }

    /// A client with `options`, recording into `metrics`.
    pub fn with_options(
        token: &BotToken,
        api: &ApiBase,
        options: &RestOptions,
        metrics: Arc<Metrics>,
    ) -> Self {
        let store = Arc::new(MemoryStore::new(options.global_rate_limit));
        Self::with_store(token, api, options, metrics, store)
    }

    /// A client with `options` whose rate-limit state lives in `store` (e.g. the Redis store
    /// shared by several instances, `--redis-url`); `options.global_rate_limit` is the store's business then.
    pub fn with_store(
        token: &BotToken,
        api: &ApiBase,
        options: &RestOptions,
        metrics: Arc<Metrics>,
        store: Arc<dyn LimitStore>,
    ) -> Self {
        Self {
            transport: Transport::new(token, api, options.source_ip),
            limiter: RateLimiter::with_store(store),
            invalid: InvalidRequests::new(options.invalid_request_budget),
            max_retries: options.max_retries,
            revoked: AtomicBool::new(false),
            banned_until: Mutex::new(None),
            metrics,
        }
    }

    /// Whether Discord rejected the token (401) since start-up.
    pub fn token_revoked(&self) -> bool {
        self.revoked.load(Ordering::Relaxed)
    }

    /// How long a Cloudflare ban still stops REST traffic, if one does.
    pub fn banned_for(&self) -> Option<Duration> {
        let local =
            (*self.lock_ban()).and_then(|until| until.checked_duration_since(Instant::now()));
        local.max(self.limiter.store().banned_for())
    }

    /// Whether REST traffic is stopped (revoked token or ban).
    pub fn blocked(&self) -> bool {
        self.token_revoked() || self.banned_for().is_some()
    }

    /// Invalid requests (401, 403, 429 except shared) in the last 10 minutes.
    pub fn invalid_requests(&self) -> u32 {
        self.limiter
            .store()
            .invalid_in_window()
            .unwrap_or_else(|| self.invalid.in_window())
    }

    /// Rate-limit buckets currently known.
    pub fn bucket_count(&self) -> usize {
        self.limiter.bucket_count()
    }

    fn lock_ban(&self) -> std::sync::MutexGuard<'_, Option<Instant>> {
        self.banned_until
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Sends `route` with `body` through the request loop and parses the 2xx answer as JSON.
    ///
    /// # Errors
    /// See [`DiscordClient`]; [`Error::Internal`] when the body is no JSON. Nothing more is
    /// decoded here: each endpoint reads only the fields it needs, tolerantly (`convert::json`).
    pub(super) async fn json(
        &self,
        route: Route,
        body: Option<&Value>,
        deadline: Instant,
    ) -> Result<Value> {
        let mut outgoing = Outgoing::new(route);
        outgoing.body = body;
        Ok(self.json_answer(&outgoing, deadline).await?.value)
    }

    /// Sends `outgoing` through the request loop and parses the 2xx answer as JSON, keeping
    /// the answer's text as Discord sent it.
    ///
    /// # Errors
    /// See [`DiscordClient`]; [`Error::Internal`] when the body is no JSON (an empty 204 body
    /// included: use [`execute`](Self::execute) for endpoints answering 204).
    pub(super) async fn json_answer(
        &self,
        outgoing: &Outgoing<'_>,
        deadline: Instant,
    ) -> Result<JsonAnswer> {
        let bytes = self.execute(outgoing, deadline).await?;
        let value = serde_json::from_slice(&bytes).map_err(|error| {
            Error::Internal(format!(
                "unexpected response body from Discord for {}: {error}",
                outgoing.route.template()
            ))
        })?;
        let text = String::from_utf8_lossy(&bytes).into_owned();
        Ok(JsonAnswer { value, text })
    }

    /// Refuses at once while REST traffic is stopped.
    fn check_blocked(&self) -> Result<()> {
        if self.token_revoked() {
            return Err(Error::Discord(DiscordHttpError {
                status: 401,
                code: 0,
                text: "401: Unauthorized (the bot token was revoked; no request sent)".into(),
            }));
        }
        if let Some(left) = self.banned_for() {
            return Err(Error::Unavailable(format!(
                "Discord's edge (Cloudflare) banned this server's IP for too many invalid \
                 requests (401, 403, 429); no REST request is sent for another {:.0} s",
                left.as_secs_f64().ceil()
            )));
        }
        Ok(())
    }

    /// Sends `route` with `body` through the request loop: waits for its rate-limit slot,
    /// sends, retries where safe; returns the 2xx answer's body.
    ///
    /// # Errors
    /// See [`DiscordClient`].
    pub(super) async fn send(
        &self,
        route: Route,
        body: Option<&Value>,
        deadline: Instant,
    ) -> Result<Bytes> {
        let mut outgoing = Outgoing::new(route);
        outgoing.body = body;
        self.execute(&outgoing, deadline).await
    }

    /// Sends `outgoing` through the request loop: waits for its rate-limit slot, sends it
    /// (with its query and `X-Audit-Log-Reason`), retries where its [`Retry`] policy allows;
    /// returns the 2xx answer's body (empty for a 204).
    ///
    /// Retries: 429s are waited out for every request (Discord did not act on them); 5xx
    /// answers, network failures and timeouts are retried only for [`Retry::Safe`] requests:
    /// GETs; PATCH and DELETE of one message (repeating an edit sets the same fields again; a
    /// repeated delete whose first attempt took effect answers 404/10008, and the message is
    /// gone either way); bulk delete (Discord counts ids that no longer exist without error);
    /// crosspost (a repeat is refused with 40033, never posted twice); the DM-channel open
    /// (Discord returns the existing channel); message creates with `enforce_nonce` (Discord
    /// answers a repeat with the first message); `CallDiscordApi` requests other than POST.
    /// A create without `enforce_nonce` and every `CallDiscordApi` POST are
    /// [`Retry::Never`]: the first failure is the answer.
    ///
    /// # Errors
    /// See [`DiscordClient`].
    pub(super) async fn execute(
        &self,
        outgoing: &Outgoing<'_>,
        deadline: Instant,
    ) -> Result<Bytes> {
        Ok(self.execute_with_status(outgoing, deadline).await?.1)
    }

    /// [`execute`](Self::execute), returning the 2xx answer's status with its body.
    ///
    /// A path holding a webhook or interaction token is never logged: log lines, errors and
    /// metric labels name the route template only.
    ///
    /// # Errors
    /// See [`DiscordClient`].
    pub(super) async fn execute_with_status(
        &self,
        outgoing: &Outgoing<'_>,
        deadline: Instant,
    ) -> Result<(u16, Bytes)> {
        if outgoing.audit_log_reason_chars > super::outgoing::MAX_AUDIT_LOG_REASON {
            return Err(Error::InvalidArgument(format!(
                "audit_log_reason has {} characters; Discord keeps at most {}",
                outgoing.audit_log_reason_chars,
                super::outgoing::MAX_AUDIT_LOG_REASON
            )));
        }
        let route = outgoing.route.template();
        let key = outgoing.route.key();
        let method = outgoing.route.method();
        let path = outgoing.path_and_query();
        // What logs may show of the path: the template for token routes.
        let shown_path = if outgoing.route.secret() {
            route
        } else {
            path.as_str()
        };
        let body = if outgoing.files.is_empty() {
            match outgoing.json_text {
                Some(text) => Some(RequestBody::json_text(text)),
                None => outgoing.body.map(RequestBody::json),
            }
        } else {
            let payload = outgoing
                .body
                .map_or_else(|| b"{}".to_vec(), |body| body.to_string().into_bytes());
            let built = super::multipart::build(&payload, outgoing.files);
            super::multipart::check_request_size(built.body.len())?;
            Some(RequestBody {
                content_type: http::HeaderValue::from_str(&built.content_type)
                    .map_err(|error| Error::Internal(format!("multipart boundary: {error}")))?,
                bytes: built.body,
            })
        };
        let mut retries = 0;
        let mut rate_limited = 0;
        loop {
            self.check_blocked()?;
            let scope = if outgoing.route.global_exempt() {
                GlobalScope::Exempt
            } else {
                GlobalScope::Counted
            };
            let slot = match self.limiter.acquire_in(key, scope, deadline).await {
                Ok(slot) => slot,
                Err(Refused::NoSlot(no_slot)) => {
                    return Err(no_slot_error(route, &no_slot, deadline, Instant::now()));
                }
                Err(Refused::Banned(_)) => {
                    // Another instance on this egress IP was banned: the store knows.
                    self.check_blocked()?;
                    continue;
                }
            };
            self.metrics
                .ratelimit_wait
                .get_or_create(&RouteLabel { route })
                .observe(slot.waited.as_secs_f64());
            // A ban or revocation may have begun while this request waited.
            self.check_blocked()?;
            let timeout = HTTP_TIMEOUT.min(deadline.saturating_duration_since(Instant::now()));
            if timeout.is_zero() {
                return Err(deadline_error(route));
            }
            let mut permit = slot.permit;
            permit.sent();
            tracing::debug!(route, path = shown_path, "Discord request");
            let result = self
                .transport
                .send(
                    method.clone(),
                    &path,
                    body.as_ref(),
                    outgoing.audit_log_reason.as_ref(),
                    timeout,
                    if outgoing.route.anonymous() {
                        Auth::None
                    } else {
                        Auth::Bot
                    },
                )
                .await;
            let attempt = match result {
                Ok(response) => {
                    self.metrics
                        .discord_request(route, Some(response.status.as_u16()));
                    if let Some(ip) = response.local_ip {
                        self.limiter.store().egress_seen(ip);
                    }
                    let too_many = (response.status.as_u16() == 429)
                        .then(|| headers::too_many_requests(&response.headers, &response.body));
                    let bucket_headers = headers::bucket_headers(&response.headers);
                    let limited = match too_many {
                        Some(TooManyRequests::Limited {
                            scope: Scope::User | Scope::Shared,
                            retry_after,
                        }) => Some(retry_after),
                        _ => None,
                    };
                    let seen = Seen {
                        headers: bucket_headers.as_ref(),
                        unlimited: bucket_headers.is_none() && response.status.is_success(),
                        limited,
                    };
                    self.limiter.observe(&mut permit, key, seen).await;
                    if let Some(id) = bucket_headers.as_ref().and_then(|h| h.bucket.as_ref()) {
                        self.limiter.learn_bucket_id(key, permit.bucket(), id);
                    }
                    self.judge(
                        route,
                        &response,
                        too_many,
                        permit.bucket(),
                        outgoing.route.secret(),
                    )
                    .await?
                }
                Err(TransportError::Timeout(_)) if timeout < HTTP_TIMEOUT => {
                    // The attempt was cut short by the call's deadline, not by Discord.
                    self.metrics.discord_request(route, None);
                    return Err(Error::DeadlineExceeded(format!(
                        "no answer from Discord to {route} before the call's deadline"
                    )));
                }
                Err(error @ TransportError::Unsendable(_)) => {
                    // Nothing was sent; sending it again cannot help.
                    return Err(Error::InvalidArgument(format!(
                        "{error} (for {route}): the URL (path and query) or a header is too \
                         long or malformed; no request was sent"
                    )));
                }
                Err(error @ TransportError::TooLarge { status }) => {
                    self.metrics.discord_request(route, Some(status.as_u16()));
                    return Err(Error::Internal(format!("{error} (for {route})")));
                }
                Err(error) => {
                    self.metrics.discord_request(route, None);
                    let reason = if matches!(error, TransportError::Timeout(_)) {
                        "timeout"
                    } else {
                        "network"
                    };
                    Attempt::Retry(Error::Unavailable(error.to_string()), reason)
                }
            };
            drop(permit);
            match attempt {
                Attempt::Done(status, bytes) => return Ok((status, bytes)),
                Attempt::RateLimited(error) => {
                    rate_limited += 1;
                    if rate_limited > MAX_RATE_LIMITED {
                        return Err(error);
                    }
                    self.count_retry(route, "429");
                }
                Attempt::Retry(error, reason) => {
                    retries += 1;
                    if outgoing.retry == Retry::Never || retries > self.max_retries {
                        return Err(error);
                    }
                    let wait = retry::backoff(retries);
                    if Instant::now() + wait >= deadline {
                        return Err(error);
                    }
                    tracing::warn!(
                        route,
                        retry = retries,
                        wait_ms = wait.as_millis(),
                        error = %crate::log_text::OneLine(&error),
                        "Discord request failed; sending it again"
                    );
                    self.count_retry(route, reason);
                    tokio::time::sleep(wait).await;
                }
            }
        }
    }

    fn count_retry(&self, route: &'static str, reason: &'static str) {
        self.metrics
            .retries
            .get_or_create(&RetryLabels { route, reason })
            .inc();
    }

    /// Decides what an answer means for the request and the REST layer.
    ///
    /// A 401 of a token route (`secret`: 50027 Invalid Webhook Token) is about that token, not
    /// the bot's: it does not stop REST traffic.
    async fn judge(
        &self,
        route: &'static str,
        response: &RawResponse,
        too_many: Option<TooManyRequests>,
        bucket: &Arc<super::ratelimit::bucket::Bucket>,
        secret: bool,
    ) -> Result<Attempt> {
        let status = response.status.as_u16();
        if response.status.is_success() {
            return Ok(Attempt::Done(status, response.body.clone()));
        }
        let error = || Error::Discord(api_error::from_response(status, &response.body));
        match status {
            429 => match too_many
                .unwrap_or_else(|| headers::too_many_requests(&response.headers, &response.body))
            {
                TooManyRequests::Ban { retry_after } => {
                    self.count_429("cloudflare");
                    self.ban(retry_after);
                    self.check_blocked().map(|()| Attempt::RateLimited(error()))
                }
                TooManyRequests::Limited { scope, retry_after } => {
                    self.count_429(scope.as_str());
                    if scope != Scope::Shared {
                        self.record_invalid(status);
                    }
                    tracing::warn!(
                        route,
                        bucket = bucket.name(),
                        scope = scope.as_str(),
                        retry_after_ms = retry_after.as_millis(),
                        "Discord answered 429; waiting before sending again"
                    );
                    if scope == Scope::Global {
                        self.limiter.pause_global(retry_after).await;
                    }
                    // A bucket's 429 was recorded with the answer (`Seen::limited`).
                    Ok(Attempt::RateLimited(error()))
                }
            },
            401 if secret => {
                self.record_invalid(status);
                Err(error())
            }
            401 => {
                self.record_invalid(status);
                if !self.revoked.swap(true, Ordering::Relaxed) {
                    tracing::error!(
                        "Discord answered 401 Unauthorized: the bot token was revoked or reset; \
                         no further Discord requests are made until the server is restarted \
                         with a valid token"
                    );
                }
                Err(error())
            }
            403 => {
                self.record_invalid(status);
                Err(error())
            }
            status if retry::retryable_status(status) => {
                let error = if serde_json::from_slice::<Value>(&response.body).is_ok() {
                    error()
                } else {
                    // An edge or proxy error page (HTML, plain text), not Discord's API.
                    Error::Unavailable(non_json_answer(status, response))
                };
                Ok(Attempt::Retry(error, "5xx"))
            }
            _ => Err(error()),
        }
    }

    fn count_429(&self, scope: &'static str) {
        self.metrics
            .rate_limited
            .get_or_create(&ScopeLabel { scope })
            .inc();
    }

    /// Counts an invalid request locally and in the store (per egress IP).
    fn record_invalid(&self, status: u16) {
        self.invalid.record(status);
        self.limiter.store().record_invalid(status);
    }

    fn ban(&self, retry_after: Duration) {
        let until = Instant::now() + retry_after;
        *self.lock_ban() = Some(until);
        self.limiter.store().ban(retry_after);
        tracing::error!(
            retry_after_s = retry_after.as_secs(),
            "Discord's edge (Cloudflare) banned this IP for too many invalid requests; all REST \
             traffic stops until the ban ends"
        );
    }
}

/// Describes a non-JSON error answer in one line: status, content type, size and the start of
/// the body with its markup and whitespace squeezed.
fn non_json_answer(status: u16, response: &RawResponse) -> String {
    let content_type = response
        .headers
        .get(http::header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .unwrap_or("no content type");
    let text = String::from_utf8_lossy(&response.body);
    let squeezed: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let start: String = squeezed.chars().take(120).collect();
    format!(
        "Discord answered HTTP {status} with a non-JSON body ({content_type}, {} bytes): {start}",
        response.body.len()
    )
}

/// The error of a request that got no rate-limit slot: `DEADLINE_EXCEEDED` when the deadline
/// had already passed (a 1 ms deadline is a timeout, not a rate limit), else `RateLimited`.
fn no_slot_error(route: &'static str, no_slot: &NoSlot, deadline: Instant, now: Instant) -> Error {
    if deadline <= now {
        deadline_error(route)
    } else {
        rate_limit_error(route, no_slot)
    }
}

fn rate_limit_error(route: &'static str, no_slot: &NoSlot) -> Error {
    tracing::warn!(
        route,
        bucket = %no_slot.bucket,
        wait_ms = no_slot.wait.as_millis(),
        "no rate-limit slot before the call's deadline"
    );
    Error::RateLimited {
        bucket: no_slot.bucket.clone(),
        retry_after: no_slot.wait,
    }
}

fn deadline_error(route: &'static str) -> Error {
    Error::DeadlineExceeded(format!(
        "the call's deadline passed before {route} could be sent"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn no_slot(wait_ms: u64) -> NoSlot {
        NoSlot {
            bucket: "GET /users/@me".into(),
            wait: Duration::from_millis(wait_ms),
        }
    }

    #[test]
    fn no_slot_after_the_deadline_passed_is_a_timeout_not_a_rate_limit() {
        let now = Instant::now();
        let error = no_slot_error("GET /users/@me", &no_slot(0), now, now);
        assert!(matches!(error, Error::DeadlineExceeded(_)), "{error:?}");
        let earlier = now.checked_sub(Duration::from_millis(5)).unwrap_or(now);
        let error = no_slot_error("GET /users/@me", &no_slot(0), earlier, now);
        assert!(matches!(error, Error::DeadlineExceeded(_)), "{error:?}");
    }

    #[test]
    fn no_slot_before_the_deadline_is_rate_limited_with_the_wait() {
        let now = Instant::now();
        let error = no_slot_error(
            "GET /users/@me",
            &no_slot(3000),
            now + Duration::from_secs(1),
            now,
        );
        assert!(
            matches!(&error, Error::RateLimited { retry_after, .. } if *retry_after == Duration::from_secs(3)),
            "{error:?}"
        );
    }
}
