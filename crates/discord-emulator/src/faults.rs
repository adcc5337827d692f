//! REST fault injection: `POST /_emulator/faults` makes the next N matching requests get a
//! chosen answer instead of Discord's (or wait first, then be handled normally).
//!
//! A fault is a JSON object (every key optional):
//!
//! ```jsonc
//! {
//!   "method": "POST",                              // any method when absent
//!   "route": "/channels/{channel_id}/messages",    // template ({name} = any one segment) or
//!                                                  // exact path; /api/vN prefix optional;
//!                                                  // every REST path when absent
//!   "count": 2,                                    // default 1; 0 = until cleared
//!   "latency_ms": 300,                             // wait first
//!   "handle": true,                                // handle the request first (its effects
//!                                                  // happen), then wait and answer
//!   "kind": "response",                            // see below
//!   "status": 500, "body": {…} | "text", "content_type": "…", "headers": {"X-A": "b"},
//!   "scope": "user" | "global" | "shared", "retry_after": 1.5, "bytes": 52428800
//! }
//! ```
//!
//! Kinds: `latency` (the default without `status`: only wait, then answer normally),
//! `response` (the default with `status`), `rate_limit`, `cloudflare_ban`, `large_body`,
//! `invalid_json`, `html`, `stall`, `disconnect`. The crate README describes each.

use std::convert::Infallible;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use futures_util::stream;
use serde_json::{Map, Value, json};
use tokio::sync::watch;

use crate::ratelimit::route::path_matches;
use crate::ratelimit::{self, BucketHeaders, RateLimited, Scope};

/// Chunk size of `large_body` answers.
const CHUNK: usize = 64 * 1024;
/// Largest `large_body` answer (1 GiB).
const MAX_BYTES: u64 = 1 << 30;
/// Longest `latency_ms` (10 minutes).
const MAX_LATENCY_MS: u64 = 600_000;
/// The truncated JSON of `invalid_json`.
const INVALID_JSON: &str = "{\"id\": \"1\", \"content\": \"trunc";
/// The first bytes of a `stall` body.
const STALL_PREFIX: &str = "{\"id\": \"";

/// What a fault answers.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Action {
    /// Only wait (`latency_ms`), then handle the request normally.
    Latency,
    /// A given status, body, content type and headers.
    Respond {
        status: StatusCode,
        body: Option<Value>,
        content_type: Option<String>,
    },
    /// A 429 of any scope with Discord's headers and body.
    RateLimit { scope: Scope, retry_after: Duration },
    /// Cloudflare's ban answer.
    CloudflareBan { retry_after: Duration },
    /// A JSON string body of exactly `bytes` bytes, streamed.
    LargeBody { status: StatusCode, bytes: u64 },
    /// Truncated JSON declared as `application/json`.
    InvalidJson { status: StatusCode },
    /// An HTML error page.
    Html { status: StatusCode },
    /// Headers and the first bytes of a body, then nothing until the faults are cleared.
    Stall { status: StatusCode },
    /// The connection is closed without an answer.
    Disconnect,
}

/// One injected fault.
#[derive(Debug, Clone)]
pub(crate) struct Fault {
    pub(crate) id: u64,
    method: Option<String>,
    route: Option<String>,
    /// Matches left; `None` = until cleared.
    remaining: Option<u64>,
    pub(crate) latency: Duration,
    /// Handle the request normally first (a message is created, …), then wait and answer
    /// with the fault instead of the normal answer.
    pub(crate) handle: bool,
    pub(crate) action: Action,
    /// Extra response headers.
    headers: Vec<(HeaderName, HeaderValue)>,
    /// The fault as posted (for `GET /_emulator/faults`).
    spec: Value,
}

/// How a fault answer must be treated by the request log and the counters.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct FaultAnswer {
    /// The body is streamed (or never ends): the request log does not read it.
    pub(crate) streamed: bool,
    /// No HTTP answer at all: the request log records status `null`.
    pub(crate) disconnect: bool,
    /// A Cloudflare ban answer (not an invalid request).
    pub(crate) cloudflare: bool,
}

/// The list of pending faults.
#[derive(Debug, Default)]
pub(crate) struct Faults {
    next_id: u64,
    list: Vec<Fault>,
}

impl Faults {
    /// Adds a fault from its JSON description; returns its id.
    pub(crate) fn add(&mut self, spec: Value) -> Result<u64, String> {
        self.next_id += 1;
        let fault = parse(self.next_id, spec)?;
        let id = fault.id;
        self.list.push(fault);
        Ok(id)
    }

    /// Takes one use of the oldest fault matching `method path`.
    pub(crate) fn take(&mut self, method: &str, path: &str) -> Option<Fault> {
        let index = self.list.iter().position(|fault| {
            fault
                .method
                .as_deref()
                .is_none_or(|wanted| wanted.eq_ignore_ascii_case(method))
                && fault
                    .route
                    .as_deref()
                    .is_none_or(|route| path_matches(route, path))
        })?;
        let fault = &mut self.list[index];
        let taken = fault.clone();
        if let Some(remaining) = &mut fault.remaining {
            *remaining -= 1;
            if *remaining == 0 {
                self.list.remove(index);
            }
        }
        Some(taken)
    }

    /// Removes every fault.
    pub(crate) fn clear(&mut self) {
        self.list.clear();
    }

    /// How many faults are pending.
    pub(crate) fn len(&self) -> usize {
        self.list.len()
    }

    /// The pending faults: `[{"id", "remaining", "fault": <as posted>}]`.
    pub(crate) fn list(&self) -> Value {
        Value::Array(
            self.list
                .iter()
                .map(|fault| {
                    json!({"id": fault.id, "remaining": fault.remaining, "fault": fault.spec})
                })
                .collect(),
        )
    }
}

/// A status code from the fault, or `default`.
fn status(object: &Map<String, Value>, default: StatusCode) -> Result<StatusCode, String> {
    match object.get("status") {
        None | Some(Value::Null) => Ok(default),
        Some(value) => value
            .as_u64()
            .and_then(|code| u16::try_from(code).ok())
            .and_then(|code| StatusCode::from_u16(code).ok())
            .filter(|code| code.as_u16() >= 200)
            .ok_or_else(|| format!("status: expected an HTTP status 200-999, found {value}")),
    }
}

/// Seconds (a non-negative number) from the fault, or `default`.
fn duration_seconds(
    object: &Map<String, Value>,
    key: &str,
    default: Duration,
) -> Result<Duration, String> {
    match object.get(key) {
        None | Some(Value::Null) => Ok(default),
        Some(value) => value
            .as_f64()
            .filter(|secs| secs.is_finite() && *secs >= 0.0 && *secs <= 86_400.0)
            .map(Duration::from_secs_f64)
            .ok_or_else(|| format!("{key}: expected seconds (0-86400), found {value}")),
    }
}

/// Parses a fault description.
fn parse(id: u64, spec: Value) -> Result<Fault, String> {
    let Value::Object(object) = &spec else {
        return Err("a fault is a JSON object".into());
    };
    const KEYS: [&str; 14] = [
        "method",
        "route",
        "count",
        "latency_ms",
        "handle",
        "kind",
        "status",
        "body",
        "content_type",
        "headers",
        "scope",
        "retry_after",
        "bytes",
        "comment",
    ];
    if let Some(key) = object.keys().find(|key| !KEYS.contains(&key.as_str())) {
        return Err(format!("unknown key {key:?} (expected one of {KEYS:?})"));
    }
    let string = |key: &str| -> Result<Option<String>, String> {
        match object.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(text)) => Ok(Some(text.clone())),
            Some(other) => Err(format!("{key}: expected a string, found {other}")),
        }
    };
    let method = string("method")?.map(|method| method.to_ascii_uppercase());
    let route = string("route")?;
    if route
        .as_deref()
        .is_some_and(|route| !route.starts_with('/'))
    {
        return Err("route: expected a path starting with '/'".into());
    }
    let remaining = match object.get("count") {
        None | Some(Value::Null) => Some(1),
        Some(value) => match value.as_u64() {
            Some(0) => None,
            Some(count) => Some(count),
            None => return Err(format!("count: expected a count >= 0, found {value}")),
        },
    };
    let latency = match object.get("latency_ms") {
        None | Some(Value::Null) => Duration::ZERO,
        Some(value) => value
            .as_u64()
            .filter(|ms| *ms <= MAX_LATENCY_MS)
            .map(Duration::from_millis)
            .ok_or_else(|| format!("latency_ms: expected 0-{MAX_LATENCY_MS}, found {value}"))?,
    };
    let handle = match object.get("handle") {
        None | Some(Value::Null) => false,
        Some(Value::Bool(handle)) => *handle,
        Some(other) => return Err(format!("handle: expected true or false, found {other}")),
    };
    let mut headers = Vec::new();
    match object.get("headers") {
        None | Some(Value::Null) => {}
        Some(Value::Object(map)) => {
            for (name, value) in map {
                let name = HeaderName::try_from(name.as_str())
                    .map_err(|_| format!("headers: invalid header name {name:?}"))?;
                let text = match value {
                    Value::String(text) => text.clone(),
                    Value::Number(number) => number.to_string(),
                    Value::Bool(flag) => flag.to_string(),
                    other => {
                        return Err(format!("headers.{name}: expected a string, found {other}"));
                    }
                };
                let value = HeaderValue::try_from(text)
                    .map_err(|_| format!("headers.{name}: invalid header value"))?;
                headers.push((name, value));
            }
        }
        Some(other) => return Err(format!("headers: expected an object, found {other}")),
    }
    let kind = string("kind")?.unwrap_or_else(|| {
        if object.get("status").is_some_and(|status| !status.is_null()) {
            "response".into()
        } else {
            "latency".into()
        }
    });
    let action = match kind.as_str() {
        "latency" => Action::Latency,
        "response" => {
            let status = match object.get("status") {
                None | Some(Value::Null) => return Err("status: required for a response".into()),
                Some(_) => status(object, StatusCode::OK)?,
            };
            Action::Respond {
                status,
                body: object.get("body").filter(|body| !body.is_null()).cloned(),
                content_type: string("content_type")?,
            }
        }
        "rate_limit" => {
            let scope = match string("scope")? {
                None => Scope::User,
                Some(scope) => Scope::parse(&scope).ok_or_else(|| {
                    format!("scope: expected user, global or shared, found {scope:?}")
                })?,
            };
            Action::RateLimit {
                scope,
                retry_after: duration_seconds(object, "retry_after", Duration::from_secs(1))?,
            }
        }
        "cloudflare_ban" => Action::CloudflareBan {
            retry_after: duration_seconds(object, "retry_after", Duration::from_secs(3600))?,
        },
        "large_body" => {
            let bytes = object
                .get("bytes")
                .and_then(Value::as_u64)
                .filter(|bytes| (2..=MAX_BYTES).contains(bytes))
                .ok_or_else(|| format!("bytes: required, 2-{MAX_BYTES}"))?;
            Action::LargeBody {
                status: status(object, StatusCode::OK)?,
                bytes,
            }
        }
        "invalid_json" => Action::InvalidJson {
            status: status(object, StatusCode::OK)?,
        },
        "html" => Action::Html {
            status: status(object, StatusCode::BAD_GATEWAY)?,
        },
        "stall" => Action::Stall {
            status: status(object, StatusCode::OK)?,
        },
        "disconnect" => Action::Disconnect,
        other => {
            return Err(format!(
                "kind: expected latency, response, rate_limit, cloudflare_ban, large_body, \
                 invalid_json, html, stall or disconnect, found {other:?}"
            ));
        }
    };
    Ok(Fault {
        id,
        method,
        route,
        remaining,
        latency,
        handle,
        action,
        headers,
        spec,
    })
}

/// Cloudflare-style HTML error page for `status`.
fn html_page(status: StatusCode) -> String {
    let code = status.as_u16();
    let reason = status.canonical_reason().unwrap_or("Error");
    format!(
        "<!DOCTYPE html>\n<html>\n<head><title>{code} {reason}</title></head>\n<body>\n\
         <center><h1>{code} {reason}</h1></center>\n<hr><center>cloudflare</center>\n\
         </body>\n</html>\n"
    )
}

/// The `large_body` stream: `"aaa…a"`, exactly `total` bytes, in 64 KiB chunks.
fn large_body(total: u64) -> Body {
    let filler = Bytes::from(vec![b'a'; CHUNK]);
    let chunk_size = CHUNK as u64;
    let chunks = total.div_ceil(chunk_size);
    let body = stream::iter((0..chunks).map(move |index| {
        let start = index * chunk_size;
        let len = usize::try_from((total - start).min(chunk_size)).unwrap_or(CHUNK);
        let first = index == 0;
        let last = index + 1 == chunks;
        let chunk = if first || last {
            let mut bytes = vec![b'a'; len];
            if first {
                bytes[0] = b'"';
            }
            if last {
                bytes[len - 1] = b'"';
            }
            Bytes::from(bytes)
        } else {
            filler.slice(..len)
        };
        Ok::<Bytes, Infallible>(chunk)
    }));
    Body::from_stream(body)
}

/// A body that sends `prefix`, then waits for `release` to change, then fails (the connection
/// is closed mid-body).
fn stalled_body(mut release: watch::Receiver<u64>) -> Body {
    let first = stream::once(async { Ok::<Bytes, std::io::Error>(Bytes::from(STALL_PREFIX)) });
    let rest = stream::once(async move {
        let _ = release.changed().await;
        Err(std::io::Error::other("stalled response released"))
    });
    Body::from_stream(futures_util::StreamExt::chain(first, rest))
}

/// A body that fails at once: the connection closes without an answer.
fn failing_body() -> Body {
    Body::from_stream(stream::once(async {
        Err::<Bytes, _>(std::io::Error::other("fault: disconnect"))
    }))
}

impl Fault {
    /// The answer, or `None` for a latency-only fault. `bucket` gives the route's bucket
    /// headers for a `user` or `shared` 429 with the given wait; `release` ends stalled bodies.
    pub(crate) fn answer(
        &self,
        bucket: impl FnOnce(Duration) -> BucketHeaders,
        release: watch::Receiver<u64>,
    ) -> Option<(Response, FaultAnswer)> {
        let mut kind = FaultAnswer::default();
        let mut response = match &self.action {
            Action::Latency => return None,
            Action::Respond {
                status,
                body,
                content_type,
            } => {
                let (bytes, default_type) = match body {
                    None => (Vec::new(), None),
                    Some(Value::String(text)) => {
                        (text.clone().into_bytes(), Some("text/plain; charset=utf-8"))
                    }
                    Some(json) => (json.to_string().into_bytes(), Some("application/json")),
                };
                let mut response = (*status, bytes).into_response();
                response.headers_mut().remove(header::CONTENT_TYPE);
                if let Some(content_type) = content_type.as_deref().or(default_type)
                    && let Ok(value) = HeaderValue::try_from(content_type)
                {
                    response.headers_mut().insert(header::CONTENT_TYPE, value);
                }
                response
            }
            Action::RateLimit { scope, retry_after } => {
                ratelimit::rate_limited_response(&RateLimited {
                    scope: *scope,
                    retry_after: *retry_after,
                    headers: (*scope != Scope::Global).then(|| bucket(*retry_after)),
                })
            }
            Action::CloudflareBan { retry_after } => {
                kind.cloudflare = true;
                ratelimit::ban_response(*retry_after)
            }
            Action::LargeBody { status, bytes } => {
                kind.streamed = true;
                let mut response = (*status, large_body(*bytes)).into_response();
                let headers = response.headers_mut();
                headers.insert(
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("application/json"),
                );
                headers.insert(header::CONTENT_LENGTH, HeaderValue::from(*bytes));
                response
            }
            Action::InvalidJson { status } => (
                *status,
                [(header::CONTENT_TYPE, "application/json")],
                INVALID_JSON,
            )
                .into_response(),
            Action::Html { status } => (
                *status,
                [(header::CONTENT_TYPE, "text/html; charset=UTF-8")],
                html_page(*status),
            )
                .into_response(),
            Action::Stall { status } => {
                kind.streamed = true;
                (
                    *status,
                    [(header::CONTENT_TYPE, "application/json")],
                    stalled_body(release),
                )
                    .into_response()
            }
            Action::Disconnect => {
                kind.streamed = true;
                kind.disconnect = true;
                (StatusCode::OK, failing_body()).into_response()
            }
        };
        for (name, value) in &self.headers {
            response.headers_mut().insert(name.clone(), value.clone());
        }
        Some((response, kind))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::to_bytes;

    fn bucket(wait: Duration) -> BucketHeaders {
        BucketHeaders {
            limit: 5,
            remaining: 0,
            reset_after: wait,
            bucket: "hash".into(),
        }
    }

    fn release() -> watch::Receiver<u64> {
        watch::channel(0).1
    }

    #[test]
    fn matching_counts_and_order() {
        let mut faults = Faults::default();
        faults
            .add(json!({"method": "post", "route": "/channels/{channel_id}/messages", "status": 500, "count": 2}))
            .unwrap();
        faults
            .add(json!({"route": "/api/v10/users/@me", "latency_ms": 5, "count": 0}))
            .unwrap();
        assert!(faults.take("GET", "/api/v10/channels/1/messages").is_none());
        let first = faults.take("POST", "/api/v9/channels/1/messages").unwrap();
        assert_eq!(first.id, 1);
        assert!(
            faults
                .take("POST", "/api/v10/channels/2/messages")
                .is_some()
        );
        assert!(
            faults
                .take("POST", "/api/v10/channels/2/messages")
                .is_none()
        );
        for _ in 0..5 {
            let fault = faults.take("GET", "/api/users/@me").unwrap();
            assert_eq!(fault.latency, Duration::from_millis(5));
            assert_eq!(fault.action, Action::Latency);
        }
        assert_eq!(faults.len(), 1);
        assert_eq!(faults.list()[0]["remaining"], Value::Null);
        faults.clear();
        assert_eq!(faults.len(), 0);
    }

    #[test]
    fn every_kind_parses_and_errors_are_explained() {
        let mut faults = Faults::default();
        for spec in [
            json!({"status": 502}),
            json!({"kind": "rate_limit", "scope": "shared", "retry_after": 2.5}),
            json!({"kind": "cloudflare_ban", "retry_after": 30}),
            json!({"kind": "large_body", "bytes": 1000}),
            json!({"kind": "invalid_json"}),
            json!({"kind": "html", "status": 503}),
            json!({"kind": "stall"}),
            json!({"kind": "disconnect"}),
            json!({"latency_ms": 100}),
            json!({"handle": true, "kind": "disconnect"}),
        ] {
            faults
                .add(spec.clone())
                .unwrap_or_else(|e| panic!("{spec}: {e}"));
        }
        for (spec, message) in [
            (json!([]), "JSON object"),
            (json!({"stauts": 500}), "unknown key"),
            (json!({"status": 42}), "status"),
            (json!({"kind": "response"}), "status: required"),
            (json!({"kind": "rate_limit", "scope": "bot"}), "scope"),
            (json!({"kind": "large_body"}), "bytes"),
            (json!({"kind": "boom"}), "kind"),
            (json!({"route": "channels"}), "route"),
            (json!({"count": -1}), "count"),
            (json!({"headers": {"bad header": "x"}}), "headers"),
            (json!({"latency_ms": 10_000_000}), "latency_ms"),
            (json!({"handle": 1}), "handle"),
        ] {
            let error = faults.add(spec.clone()).unwrap_err();
            assert!(error.contains(message), "{spec}: {error}");
        }
    }

    async fn answer(spec: Value) -> (Response, FaultAnswer) {
        let mut faults = Faults::default();
        faults.add(spec).unwrap();
        faults
            .take("GET", "/api/v10/x")
            .unwrap()
            .answer(bucket, release())
            .unwrap()
    }

    #[tokio::test]
    async fn responses_have_the_requested_shape() {
        let (response, kind) = answer(json!({"status": 500, "body": {"message": "boom", "code": 0}, "headers": {"X-Test": 1}})).await;
        assert_eq!(response.status(), 500);
        assert_eq!(kind, FaultAnswer::default());
        assert_eq!(response.headers()["content-type"], "application/json");
        assert_eq!(response.headers()["x-test"], "1");
        let body = to_bytes(response.into_body(), 1000).await.unwrap();
        assert_eq!(&body[..], br#"{"message":"boom","code":0}"#);

        let (response, _) =
            answer(json!({"status": 503, "body": "upstream", "content_type": "text/x-custom"}))
                .await;
        assert_eq!(response.headers()["content-type"], "text/x-custom");

        let (response, _) =
            answer(json!({"kind": "rate_limit", "scope": "shared", "retry_after": 2.5})).await;
        assert_eq!(response.status(), 429);
        assert_eq!(response.headers()["x-ratelimit-scope"], "shared");
        assert_eq!(response.headers()["x-ratelimit-bucket"], "hash");
        assert_eq!(response.headers()["retry-after"], "3");

        let (response, _) = answer(json!({"kind": "rate_limit", "scope": "global"})).await;
        assert_eq!(response.headers()["x-ratelimit-global"], "true");
        assert!(response.headers().get("x-ratelimit-bucket").is_none());

        let (response, kind) = answer(json!({"kind": "cloudflare_ban", "retry_after": 30})).await;
        assert!(kind.cloudflare);
        assert_eq!(response.headers()["retry-after"], "30");
        assert!(response.headers().get("via").is_none());

        let (response, _) = answer(json!({"kind": "invalid_json"})).await;
        let body = to_bytes(response.into_body(), 1000).await.unwrap();
        assert!(serde_json::from_slice::<Value>(&body).is_err());

        let (response, _) = answer(json!({"kind": "html"})).await;
        assert_eq!(response.status(), 502);
        assert!(
            response.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with("text/html")
        );
        let body = to_bytes(response.into_body(), 10_000).await.unwrap();
        assert!(String::from_utf8_lossy(&body).contains("502 Bad Gateway"));
    }

    #[tokio::test]
    async fn large_bodies_are_exact_json_strings() {
        for bytes in [2_u64, 3, 65_536, 65_537, 200_000] {
            let (response, kind) = answer(json!({"kind": "large_body", "bytes": bytes})).await;
            assert!(kind.streamed);
            assert_eq!(
                response.headers()["content-length"],
                bytes.to_string().as_str()
            );
            let body = to_bytes(response.into_body(), usize::MAX).await.unwrap();
            assert_eq!(body.len() as u64, bytes);
            let text: String = serde_json::from_slice(&body).unwrap();
            assert_eq!(text.len() as u64, bytes - 2);
        }
    }

    #[tokio::test]
    async fn stalled_bodies_end_when_released() {
        let (sender, receiver) = watch::channel(0);
        let mut faults = Faults::default();
        faults.add(json!({"kind": "stall"})).unwrap();
        let (response, kind) = faults
            .take("GET", "/api/v10/x")
            .unwrap()
            .answer(bucket, receiver)
            .unwrap();
        assert!(kind.streamed);
        let reading = tokio::spawn(to_bytes(response.into_body(), 1000));
        tokio::time::sleep(Duration::from_millis(20)).await;
        assert!(!reading.is_finished());
        sender.send_modify(|generation| *generation += 1);
        assert!(reading.await.unwrap().is_err());
    }
}
