//! Reading Discord's rate-limit headers and 429 answers.
//! <https://discord.com/developers/docs/topics/rate-limits#header-format>
//!
//! Unlike twilight-http 0.18, the bucket headers are read from every response, whether or not
//! `X-RateLimit-Scope` is present (Discord sends that header on 429s only).

use http::HeaderMap;
use std::time::Duration;

/// The bucket state Discord reported with a response.
#[derive(Debug, Clone, PartialEq)]
pub struct BucketHeaders {
    /// `X-RateLimit-Limit`: requests per window.
    pub limit: u32,
    /// `X-RateLimit-Remaining`: requests left in the current window.
    pub remaining: u32,
    /// `X-RateLimit-Reset-After`: time until the window ends.
    pub reset_after: Duration,
    /// `X-RateLimit-Reset`: Unix time (seconds) the window ends; identifies the window.
    pub reset: Option<f64>,
    /// `X-RateLimit-Bucket`: Discord's opaque bucket id, shared by routes of one bucket.
    pub bucket: Option<String>,
}

/// `X-RateLimit-Scope` of a 429 (`user` when absent: a plain route limit).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// The bot's own limit of this bucket.
    User,
    /// The bot's global limit (all routes).
    Global,
    /// A resource's limit shared by all bots; does not count as an invalid request.
    Shared,
}

impl Scope {
    /// The header's spelling: `user`, `global` or `shared`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::User => "user",
            Self::Global => "global",
            Self::Shared => "shared",
        }
    }
}

/// What a 429 answer means.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum TooManyRequests {
    /// A rate limit of `scope`: wait `retry_after`, then the request may be sent again.
    Limited {
        /// Whose limit was hit.
        scope: Scope,
        /// How long to wait (body `retry_after`, else the `Retry-After` header).
        retry_after: Duration,
    },
    /// Cloudflare's IP ban after too many invalid requests (no `Via` header, or the body
    /// `error code: 1015`): nothing may be sent for `retry_after`.
    /// <https://discord.com/developers/docs/topics/rate-limits#invalid-request-limit-aka-cloudflare-bans>
    Ban {
        /// The `Retry-After` header (1 hour when absent).
        retry_after: Duration,
    },
}

/// The bucket headers of a response, if it has all the required ones.
pub fn bucket_headers(headers: &HeaderMap) -> Option<BucketHeaders> {
    Some(BucketHeaders {
        limit: number(headers, "x-ratelimit-limit")?,
        remaining: number(headers, "x-ratelimit-remaining")?,
        reset_after: seconds(headers, "x-ratelimit-reset-after")?,
        reset: number(headers, "x-ratelimit-reset"),
        bucket: text(headers, "x-ratelimit-bucket").map(str::to_owned),
    })
}

/// Reads a 429 answer's headers and body.
pub fn too_many_requests(headers: &HeaderMap, body: &[u8]) -> TooManyRequests {
    let header_retry = seconds(headers, "retry-after");
    let json: Option<serde_json::Value> = serde_json::from_slice(body).ok();
    let cloudflare = body
        .windows(b"error code: 1015".len())
        .any(|w| w == b"error code: 1015");
    if cloudflare || headers.get("via").is_none() {
        return TooManyRequests::Ban {
            retry_after: header_retry.unwrap_or(Duration::from_secs(3600)),
        };
    }
    let global = text(headers, "x-ratelimit-global") == Some("true")
        || json
            .as_ref()
            .and_then(|v| v.get("global"))
            .and_then(serde_json::Value::as_bool)
            .unwrap_or(false);
    let scope = match text(headers, "x-ratelimit-scope") {
        Some("shared") => Scope::Shared,
        Some("global") => Scope::Global,
        _ if global => Scope::Global,
        _ => Scope::User,
    };
    let body_retry = json
        .as_ref()
        .and_then(|v| v.get("retry_after"))
        .and_then(serde_json::Value::as_f64)
        .and_then(|s| Duration::try_from_secs_f64(s).ok());
    TooManyRequests::Limited {
        scope,
        retry_after: body_retry
            .or(header_retry)
            .unwrap_or(Duration::from_secs(1)),
    }
}

fn text<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name)?.to_str().ok().map(str::trim)
}

fn number<T: std::str::FromStr>(headers: &HeaderMap, name: &str) -> Option<T> {
    text(headers, name)?.parse().ok()
}

fn seconds(headers: &HeaderMap, name: &str) -> Option<Duration> {
    Duration::try_from_secs_f64(number(headers, name)?).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        pairs
            .iter()
            .map(|(k, v)| (http::HeaderName::from_static(k), v.parse().unwrap()))
            .collect()
    }

    #[test]
    fn bucket_headers_are_read_without_a_scope_header() {
        let headers = map(&[
            ("x-ratelimit-limit", "5"),
            ("x-ratelimit-remaining", "4"),
            ("x-ratelimit-reset", "1767268800.123"),
            ("x-ratelimit-reset-after", "4.999"),
            ("x-ratelimit-bucket", "abc"),
        ]);
        let read = bucket_headers(&headers).unwrap();
        assert_eq!((read.limit, read.remaining), (5, 4));
        assert_eq!(read.reset_after, Duration::from_millis(4999));
        assert_eq!(read.reset, Some(1_767_268_800.123));
        assert_eq!(read.bucket.as_deref(), Some("abc"));
        assert_eq!(bucket_headers(&map(&[("x-ratelimit-limit", "5")])), None);
    }

    #[test]
    fn a_429_is_classified_by_scope_via_and_body() {
        let via = ("via", "1.1 google");
        let user = too_many_requests(
            &map(&[via, ("x-ratelimit-scope", "user"), ("retry-after", "1")]),
            br#"{"message":"You are being rate limited.","retry_after":0.734,"global":false}"#,
        );
        assert_eq!(
            user,
            TooManyRequests::Limited {
                scope: Scope::User,
                retry_after: Duration::from_millis(734)
            }
        );
        let global = too_many_requests(
            &map(&[via, ("x-ratelimit-global", "true")]),
            br#"{"retry_after":0.5,"global":true}"#,
        );
        assert!(matches!(
            global,
            TooManyRequests::Limited {
                scope: Scope::Global,
                ..
            }
        ));
        let shared = too_many_requests(&map(&[via, ("x-ratelimit-scope", "shared")]), b"{}");
        assert!(matches!(
            shared,
            TooManyRequests::Limited {
                scope: Scope::Shared,
                retry_after
            } if retry_after == Duration::from_secs(1)
        ));
        let ban = too_many_requests(&map(&[("retry-after", "3600")]), b"error code: 1015");
        assert_eq!(
            ban,
            TooManyRequests::Ban {
                retry_after: Duration::from_secs(3600)
            }
        );
        // Without Via the answer did not come from Discord's API but from Cloudflare.
        assert!(matches!(
            too_many_requests(&map(&[("retry-after", "5")]), b"{}"),
            TooManyRequests::Ban { .. }
        ));
    }
}
