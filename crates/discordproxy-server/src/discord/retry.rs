//! When to send a failed Discord request again, and after how long.
//!
//! Retried: 500, 502, 503 and 504 answers, connection failures and timeouts — for every request
//! whose [`Retry`](super::outgoing::Retry) policy is `Safe`, because repeating it has no
//! further effect: GETs, the DM-channel open (Discord returns the existing channel), PATCH and
//! DELETE of one message, bulk delete, crosspost, and message creation with a `nonce` and
//! `enforce_nonce: true` (Discord answers a repeat with the first message).
//! <https://discord.com/developers/docs/resources/message#create-message-jsonform-params>
//! A message create whose caller turned `enforce_nonce` off is never retried (see
//! `DiscordClient::execute`). `CallDiscordApi` requests are retried unless they are POSTs
//! (GET, PUT, PATCH and DELETE are idempotent). Other 4xx answers are never retried; 429s are waited out by the
//! rate limiter.

use std::time::Duration;

/// Default `--max-retries`.
pub const DEFAULT_MAX_RETRIES: u32 = 3;

/// The first backoff; each retry doubles it.
const BASE: Duration = Duration::from_millis(100);
/// The longest backoff.
const CAP: Duration = Duration::from_secs(5);

/// Whether an answer with this HTTP status may be retried.
pub fn retryable_status(status: u16) -> bool {
    matches!(status, 500 | 502 | 503 | 504)
}

/// The wait before retry number `retry` (1-based): exponential, capped, with jitter between
/// half and the whole of it so that many clients do not retry in step.
pub fn backoff(retry: u32) -> Duration {
    let exponential = BASE
        .saturating_mul(1 << retry.saturating_sub(1).min(16))
        .min(CAP);
    let half = exponential / 2;
    half + half.mul_f64(fastrand::f64())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_and_stays_capped() {
        for _ in 0..100 {
            let first = backoff(1);
            assert!(first >= Duration::from_millis(50) && first <= Duration::from_millis(100));
            let third = backoff(3);
            assert!(third >= Duration::from_millis(200) && third <= Duration::from_millis(400));
            assert!(backoff(40) <= CAP);
        }
    }

    #[test]
    fn only_server_errors_are_retried() {
        for status in [500, 502, 503, 504] {
            assert!(retryable_status(status));
        }
        for status in [400, 401, 403, 404, 429, 501] {
            assert!(!retryable_status(status));
        }
    }
}
