//! Discord's rate limits: per-route buckets, the global limit, invalid-request accounting and
//! Cloudflare bans ([docs](https://discord.com/developers/docs/topics/rate-limits)).
//!
//! - [`config`]: the settings ([`RateLimitConfig`], [`RateLimits`]) and what the fixture's
//!   `rate_limits` key overrides.
//! - [`route`]: route templates and major parameters.
//! - [`limiter`]: the state machine (time is passed in, so it is testable without sleeping).
//! - this module: the HTTP shape of the answers (headers, 429 bodies, the ban page).

pub(crate) mod config;
pub(crate) mod limiter;
pub(crate) mod route;

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

pub use config::{RateLimitConfig, RateLimits, RouteLimit, ScopeHeader};
pub(crate) use limiter::{BucketHeaders, RateLimited, Scope, seconds};

/// `X-RateLimit-Limit`.
pub(crate) const LIMIT: HeaderName = HeaderName::from_static("x-ratelimit-limit");
/// `X-RateLimit-Remaining`.
pub(crate) const REMAINING: HeaderName = HeaderName::from_static("x-ratelimit-remaining");
/// `X-RateLimit-Reset` (Unix seconds, fractional).
pub(crate) const RESET: HeaderName = HeaderName::from_static("x-ratelimit-reset");
/// `X-RateLimit-Reset-After` (seconds, fractional).
pub(crate) const RESET_AFTER: HeaderName = HeaderName::from_static("x-ratelimit-reset-after");
/// `X-RateLimit-Bucket`.
pub(crate) const BUCKET: HeaderName = HeaderName::from_static("x-ratelimit-bucket");
/// `X-RateLimit-Scope`: `user`, `global` or `shared`.
pub(crate) const SCOPE: HeaderName = HeaderName::from_static("x-ratelimit-scope");
/// `X-RateLimit-Global: true` on global 429s.
pub(crate) const GLOBAL: HeaderName = HeaderName::from_static("x-ratelimit-global");
/// What Discord's edge (Google's load balancer) adds; Cloudflare's ban answers lack it.
pub(crate) const VIA_VALUE: &str = "1.1 google";

/// Unix seconds of `SystemTime::now() + after`, with milliseconds.
fn epoch_seconds_after(after: Duration) -> f64 {
    let at = SystemTime::now() + after;
    let since = at.duration_since(UNIX_EPOCH).unwrap_or_default();
    seconds(since)
}

/// A header value from text that is always valid (numbers, hashes).
fn value(text: String) -> HeaderValue {
    HeaderValue::try_from(text).unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// Adds the `X-RateLimit-*` bucket headers (and `X-RateLimit-Scope: user` when
/// `scope_always`).
pub(crate) fn apply_bucket_headers(
    headers: &mut HeaderMap,
    bucket: &BucketHeaders,
    scope_always: bool,
) {
    headers.insert(LIMIT, value(bucket.limit.to_string()));
    headers.insert(REMAINING, value(bucket.remaining.to_string()));
    headers.insert(
        RESET,
        value(format!("{:.3}", epoch_seconds_after(bucket.reset_after))),
    );
    headers.insert(
        RESET_AFTER,
        value(format!("{:.3}", seconds(bucket.reset_after))),
    );
    headers.insert(BUCKET, value(bucket.bucket.clone()));
    if scope_always {
        headers.insert(SCOPE, HeaderValue::from_static("user"));
    }
}

/// The integer `Retry-After` for a wait (rounded up, at least 1 s when there is any wait).
pub(crate) fn retry_after_header(wait: Duration) -> HeaderValue {
    let millis = wait.as_micros().div_ceil(1000);
    value(millis.div_ceil(1000).to_string())
}

/// Discord's 429: JSON `{"message": "You are being rate limited.", "retry_after": 1.234,
/// "global": false}`, `Retry-After`, `X-RateLimit-Scope`, the bucket headers for route scopes,
/// `X-RateLimit-Global: true` for the global limit, and `Via`.
pub(crate) fn rate_limited_response(limited: &RateLimited) -> Response {
    let global = limited.scope == Scope::Global;
    let body = json!({
        "message": "You are being rate limited.",
        "retry_after": seconds(limited.retry_after),
        "global": global,
    });
    let mut response = (StatusCode::TOO_MANY_REQUESTS, axum::Json(body)).into_response();
    let headers = response.headers_mut();
    if let Some(bucket) = &limited.headers {
        apply_bucket_headers(headers, bucket, false);
    }
    headers.insert(header::RETRY_AFTER, retry_after_header(limited.retry_after));
    headers.insert(SCOPE, HeaderValue::from_static(limited.scope.as_str()));
    if global {
        headers.insert(GLOBAL, HeaderValue::from_static("true"));
    }
    headers.insert(header::VIA, HeaderValue::from_static(VIA_VALUE));
    response
}

/// Cloudflare's ban answer: 429, `text/plain` body `error code: 1015`, `Retry-After`, no
/// rate-limit headers and no `Via`.
pub(crate) fn ban_response(retry_after: Duration) -> Response {
    let mut response = (
        StatusCode::TOO_MANY_REQUESTS,
        [(header::CONTENT_TYPE, "text/plain; charset=UTF-8")],
        "error code: 1015",
    )
        .into_response();
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, retry_after_header(retry_after));
    response
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::to_bytes;

    fn header<'a>(response: &'a Response, name: &str) -> Option<&'a str> {
        response
            .headers()
            .get(name)
            .map(|value| value.to_str().unwrap())
    }

    #[tokio::test]
    async fn user_429_has_headers_and_body() {
        let limited = RateLimited {
            scope: Scope::User,
            retry_after: Duration::from_micros(1_234_500),
            headers: Some(BucketHeaders {
                limit: 5,
                remaining: 0,
                reset_after: Duration::from_micros(1_234_500),
                bucket: "abc".into(),
            }),
        };
        let response = rate_limited_response(&limited);
        assert_eq!(response.status(), 429);
        assert_eq!(header(&response, "retry-after"), Some("2"));
        assert_eq!(header(&response, "x-ratelimit-scope"), Some("user"));
        assert_eq!(header(&response, "x-ratelimit-limit"), Some("5"));
        assert_eq!(header(&response, "x-ratelimit-remaining"), Some("0"));
        assert_eq!(header(&response, "x-ratelimit-reset-after"), Some("1.235"));
        assert_eq!(header(&response, "x-ratelimit-bucket"), Some("abc"));
        assert_eq!(header(&response, "via"), Some("1.1 google"));
        assert_eq!(header(&response, "x-ratelimit-global"), None);
        let reset: f64 = header(&response, "x-ratelimit-reset")
            .unwrap()
            .parse()
            .unwrap();
        assert!(reset > 1.7e9);
        let body = to_bytes(response.into_body(), 1000).await.unwrap();
        assert_eq!(
            serde_json::from_slice::<serde_json::Value>(&body).unwrap(),
            json!({"message": "You are being rate limited.", "retry_after": 1.235, "global": false})
        );
    }

    #[tokio::test]
    async fn global_429_and_ban() {
        let response = rate_limited_response(&RateLimited {
            scope: Scope::Global,
            retry_after: Duration::from_millis(300),
            headers: None,
        });
        assert_eq!(header(&response, "x-ratelimit-global"), Some("true"));
        assert_eq!(header(&response, "x-ratelimit-scope"), Some("global"));
        assert_eq!(header(&response, "retry-after"), Some("1"));
        assert_eq!(header(&response, "x-ratelimit-bucket"), None);
        let body = to_bytes(response.into_body(), 1000).await.unwrap();
        assert_eq!(
            serde_json::from_slice::<serde_json::Value>(&body).unwrap()["global"],
            json!(true)
        );

        let response = ban_response(Duration::from_secs(90));
        assert_eq!(response.status(), 429);
        assert_eq!(header(&response, "retry-after"), Some("90"));
        assert_eq!(header(&response, "via"), None);
        assert_eq!(header(&response, "x-ratelimit-scope"), None);
        assert!(
            header(&response, "content-type")
                .unwrap()
                .starts_with("text/plain")
        );
        let body = to_bytes(response.into_body(), 1000).await.unwrap();
        assert_eq!(&body[..], b"error code: 1015");
    }
}
