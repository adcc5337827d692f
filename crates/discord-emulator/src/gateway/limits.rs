//! The bot's gateway limits: the shard count and `session_start_limit` that
//! `GET /gateway/bot` answers, the identify concurrency and the session start budget
//! ([docs](https://discord.com/developers/docs/events/gateway#rate-limiting),
//! [sharding](https://discord.com/developers/docs/events/gateway#sharding)).
//!
//! - **Identify concurrency**: shards are grouped by `rate_limit_key = shard_id %
//!   max_concurrency`; each key may identify once per window (Discord: 5 s). An IDENTIFY
//!   beyond that is answered with INVALID_SESSION (op 9) `d: false`, as Discord does; it starts
//!   no session and costs nothing.
//! - **Session starts**: each accepted IDENTIFY uses one of `total` starts; the budget comes
//!   back `reset_after` after the first start of the period (Discord: 1,000 per 24 h).
//!   RESUME is free. An IDENTIFY with none left is what Discord punishes by resetting the
//!   token and terminating the bot's sessions: the emulator closes it and every connected
//!   session with 4004 and refuses IDENTIFY and RESUME with 4004 until the limits are reset
//!   (`PATCH /_emulator/gateway/limits` with `"reset": true`). REST keeps accepting the token.
//!
//! Both are enforced only when [`GatewayOptions::identify_limits`](super::GatewayOptions) is
//! on (the default; `--rate-limits off` turns it off); session starts are counted either way.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use super::GatewayOptions;

/// What [`Limits::admit_identify`] decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Admission {
    /// Start the session (one session start was used).
    Start,
    /// Another shard of the same rate-limit key identified less than a window ago:
    /// INVALID_SESSION `false`.
    TooSoon,
    /// No session start left (now, or already before): the token is reset, close 4004.
    TokenReset,
}

/// The limits as `GET /_emulator/gateway/limits` shows them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LimitsInfo {
    /// `GET /gateway/bot`'s `shards`.
    pub shards: u32,
    /// `session_start_limit.max_concurrency`.
    pub max_concurrency: u32,
    /// `session_start_limit.total`.
    pub total: u32,
    /// `session_start_limit.remaining`.
    pub remaining: u32,
    /// `session_start_limit.reset_after` in milliseconds.
    pub reset_after: u64,
    /// The identify window per rate-limit key in milliseconds (Discord: 5000).
    pub identify_window_ms: u64,
    /// Whether the concurrency and the session start budget are enforced.
    pub enforced: bool,
    /// Session starts (accepted IDENTIFYs) since the emulator started or was reset.
    pub session_starts: u64,
    /// IDENTIFYs refused for concurrency (INVALID_SESSION) since then.
    pub refused_identifies: u64,
    /// Whether the session start budget was overrun (the token is "reset": 4004).
    pub token_reset: bool,
}

/// A change of the limits (`PATCH /_emulator/gateway/limits`); unset fields stay.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LimitsChange {
    /// New `shards`.
    pub shards: Option<u32>,
    /// New `max_concurrency`.
    pub max_concurrency: Option<u32>,
    /// New `session_start_limit.total` (the period's starts so far stay counted).
    pub session_start_limit: Option<u32>,
    /// Forget the period's starts, the identify times and a token reset.
    #[serde(default)]
    pub reset: bool,
}

#[derive(Debug)]
struct Inner {
    shards: u32,
    max_concurrency: u32,
    total: u32,
    /// Starts used in the current period.
    used: u32,
    /// When the current period began (its first start).
    period_start: Option<Instant>,
    /// The last accepted IDENTIFY per rate-limit key.
    last_identify: HashMap<u64, Instant>,
    session_starts: u64,
    refused: u64,
    token_reset: bool,
}

/// The gateway limits of the bot (one per emulator).
#[derive(Debug)]
pub(crate) struct Limits {
    inner: Mutex<Inner>,
    window: Duration,
    period: Duration,
    enforced: bool,
}

impl Limits {
    /// The limits `options` configure.
    pub(crate) fn new(options: &GatewayOptions) -> Self {
        Self {
            inner: Mutex::new(Inner {
                shards: options.shards.max(1),
                max_concurrency: options.max_concurrency.max(1),
                total: options.session_start_limit,
                used: 0,
                period_start: None,
                last_identify: HashMap::new(),
                session_starts: 0,
                refused: 0,
                token_reset: false,
            }),
            window: options.identify_window,
            period: options.session_start_period,
            enforced: options.identify_limits,
        }
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        let mut inner = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        if inner
            .period_start
            .is_some_and(|start| start.elapsed() >= self.period)
        {
            inner.period_start = None;
            inner.used = 0;
        }
        inner
    }

    /// Whether IDENTIFY and RESUME are refused with 4004 (the budget was overrun).
    pub(crate) fn token_reset(&self) -> bool {
        self.enforced && self.lock().token_reset
    }

    /// Decides on a valid IDENTIFY for shard `shard_id` and, when admitted, counts it.
    pub(crate) fn admit_identify(&self, shard_id: u64) -> Admission {
        let now = Instant::now();
        let mut inner = self.lock();
        if self.enforced {
            if inner.token_reset {
                return Admission::TokenReset;
            }
            let key = shard_id % u64::from(inner.max_concurrency);
            if inner
                .last_identify
                .get(&key)
                .is_some_and(|at| now.duration_since(*at) < self.window)
            {
                inner.refused += 1;
                return Admission::TooSoon;
            }
            if inner.used >= inner.total {
                inner.token_reset = true;
                return Admission::TokenReset;
            }
            inner.last_identify.insert(key, now);
        }
        inner.used = inner.used.saturating_add(1);
        inner.period_start.get_or_insert(now);
        inner.session_starts += 1;
        Admission::Start
    }

    /// The current limits.
    pub(crate) fn info(&self) -> LimitsInfo {
        let inner = self.lock();
        let reset_after = match inner.period_start {
            Some(start) => self.period.saturating_sub(start.elapsed()),
            None => self.period,
        };
        LimitsInfo {
            shards: inner.shards,
            max_concurrency: inner.max_concurrency,
            total: inner.total,
            remaining: inner.total.saturating_sub(inner.used),
            reset_after: u64::try_from(reset_after.as_millis()).unwrap_or(u64::MAX),
            identify_window_ms: u64::try_from(self.window.as_millis()).unwrap_or(u64::MAX),
            enforced: self.enforced,
            session_starts: inner.session_starts,
            refused_identifies: inner.refused,
            token_reset: self.enforced && inner.token_reset,
        }
    }

    /// Applies `change`; `Err` names a value out of range.
    pub(crate) fn change(&self, change: &LimitsChange) -> Result<LimitsInfo, String> {
        if change.shards == Some(0) {
            return Err("shards must be at least 1".to_owned());
        }
        if change.max_concurrency == Some(0) {
            return Err("max_concurrency must be at least 1".to_owned());
        }
        {
            let mut inner = self.lock();
            if let Some(shards) = change.shards {
                inner.shards = shards;
            }
            if let Some(max_concurrency) = change.max_concurrency {
                inner.max_concurrency = max_concurrency;
                inner.last_identify.clear();
            }
            if let Some(total) = change.session_start_limit {
                inner.total = total;
            }
            if change.reset {
                inner.used = 0;
                inner.period_start = None;
                inner.last_identify.clear();
                inner.token_reset = false;
            }
        }
        Ok(self.info())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options(max_concurrency: u32, total: u32, window: Duration) -> GatewayOptions {
        GatewayOptions {
            shards: 4,
            max_concurrency,
            session_start_limit: total,
            identify_window: window,
            ..GatewayOptions::default()
        }
    }

    #[test]
    fn one_identify_per_key_per_window() {
        let limits = Limits::new(&options(2, 1000, Duration::from_secs(60)));
        assert_eq!(limits.admit_identify(0), Admission::Start);
        assert_eq!(limits.admit_identify(1), Admission::Start);
        // Key 0 again (shard 2 % 2), key 1 again (shard 3 % 2).
        assert_eq!(limits.admit_identify(2), Admission::TooSoon);
        assert_eq!(limits.admit_identify(3), Admission::TooSoon);
        let info = limits.info();
        assert_eq!((info.remaining, info.session_starts), (998, 2));
        assert_eq!(info.refused_identifies, 2);
        assert!(info.reset_after <= 86_400_000 && info.reset_after > 86_000_000);
        // The window passes.
        let limits = Limits::new(&options(1, 1000, Duration::ZERO));
        assert_eq!(limits.admit_identify(0), Admission::Start);
        assert_eq!(limits.admit_identify(0), Admission::Start);
    }

    #[test]
    fn an_overrun_resets_the_token_until_reset() {
        let limits = Limits::new(&options(1, 2, Duration::ZERO));
        assert_eq!(limits.admit_identify(0), Admission::Start);
        assert_eq!(limits.admit_identify(1), Admission::Start);
        assert_eq!(limits.info().remaining, 0);
        assert!(!limits.token_reset());
        assert_eq!(limits.admit_identify(2), Admission::TokenReset);
        assert!(limits.token_reset());
        assert_eq!(limits.admit_identify(3), Admission::TokenReset);
        let info = limits
            .change(&LimitsChange {
                reset: true,
                ..LimitsChange::default()
            })
            .unwrap();
        assert_eq!((info.remaining, info.token_reset), (2, false));
        assert_eq!(limits.admit_identify(0), Admission::Start);
        assert!(
            limits
                .change(&LimitsChange {
                    max_concurrency: Some(0),
                    ..LimitsChange::default()
                })
                .is_err()
        );
    }

    #[test]
    fn not_enforced_counts_only() {
        let mut options = options(1, 1, Duration::from_secs(60));
        options.identify_limits = false;
        let limits = Limits::new(&options);
        for _ in 0..3 {
            assert_eq!(limits.admit_identify(0), Admission::Start);
        }
        let info = limits.info();
        assert_eq!((info.remaining, info.session_starts), (0, 3));
        assert!(!info.token_reset && !info.enforced);
    }

    #[test]
    fn the_period_ends() {
        let mut options = options(1, 1, Duration::ZERO);
        options.session_start_period = Duration::ZERO;
        let limits = Limits::new(&options);
        assert_eq!(limits.admit_identify(0), Admission::Start);
        assert_eq!(limits.admit_identify(0), Admission::Start);
        assert_eq!(limits.info().remaining, 1);
    }
}
