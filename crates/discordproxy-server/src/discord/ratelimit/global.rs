//! The bot's global rate limit: at most N requests in any second across all routes (Discord's
//! default is 50), plus the pause a global 429 asks for.
//! <https://discord.com/developers/docs/topics/rate-limits#global-rate-limit>

use std::collections::VecDeque;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;
use tokio::time::Instant;

/// The window of the global limit, with a margin for network jitter: Discord counts arrivals,
/// we count departures.
pub const WINDOW: Duration = Duration::from_millis(1020);

/// A sliding-window log of the last `limit` departures.
#[derive(Debug)]
pub struct GlobalLimit {
    limit: AtomicUsize,
    state: Mutex<State>,
}

#[derive(Debug, Default)]
struct State {
    sent: VecDeque<Instant>,
    paused_until: Option<Instant>,
}

impl GlobalLimit {
    /// At most `per_second` requests in any window of a second (at least 1).
    pub fn new(per_second: u16) -> Self {
        let limit = usize::from(per_second.max(1));
        Self {
            limit: AtomicUsize::new(limit),
            state: Mutex::new(State {
                sent: VecDeque::with_capacity(limit),
                paused_until: None,
            }),
        }
    }

    /// Takes a place in the current second, waiting for one when the limit is reached.
    ///
    /// # Errors
    /// The wait, at once, when the place would come after `deadline`.
    pub async fn acquire(&self, deadline: Instant) -> Result<(), Duration> {
        loop {
            let now = Instant::now();
            let free_at = self.try_take(now);
            match free_at {
                None => return Ok(()),
                Some(at) if at > deadline => return Err(at - now),
                Some(at) => tokio::time::sleep_until(at).await,
            }
        }
    }

    /// Takes a place now, or tells when the next one is free.
    fn try_take(&self, now: Instant) -> Option<Instant> {
        let mut state = self
            .state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(until) = state.paused_until {
            if until > now {
                return Some(until);
            }
            state.paused_until = None;
        }
        while state.sent.front().is_some_and(|&at| at + WINDOW <= now) {
            state.sent.pop_front();
        }
        if state.sent.len() < self.limit.load(Ordering::Relaxed) {
            state.sent.push_back(now);
            return None;
        }
        // With a lowered limit more than `limit` may be logged: the next place is free when
        // the one that brings the log under the limit leaves the window.
        let excess = state.sent.len() - self.limit.load(Ordering::Relaxed);
        state.sent.get(excess).map(|&at| at + WINDOW)
    }

    /// Sets the limit to `per_second` (at least 1): the share of an instance while Redis is
    /// degraded.
    pub fn set_limit(&self, per_second: usize) {
        self.limit.store(per_second.max(1), Ordering::Relaxed);
    }

    /// Logs a departure decided elsewhere (by the shared store), so a switch to this limiter
    /// counts it.
    pub fn record(&self, now: Instant) {
        let mut state = self.lock();
        while state.sent.front().is_some_and(|&at| at + WINDOW <= now) {
            state.sent.pop_front();
        }
        state.sent.push_back(now);
    }

    /// Ages of the departures in the current window (for rebuilding a shared store), and the
    /// pause left, if any.
    pub fn recent(&self, now: Instant) -> (Vec<Duration>, Option<Duration>) {
        let state = self.lock();
        let ages = state
            .sent
            .iter()
            .filter(|&&at| at + WINDOW > now)
            .map(|&at| now.saturating_duration_since(at))
            .collect();
        let pause = state
            .paused_until
            .and_then(|until| until.checked_duration_since(now));
        (ages, pause)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Pauses every request for `retry_after` (a global 429).
    pub fn pause(&self, retry_after: Duration) {
        let until = Instant::now() + retry_after;
        let mut state = self
            .state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        state.paused_until = Some(state.paused_until.map_or(until, |known| known.max(until)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_more_than_the_limit_leave_within_a_window() {
        let limit = GlobalLimit::new(3);
        let now = Instant::now();
        for _ in 0..3 {
            assert_eq!(limit.try_take(now), None);
        }
        assert_eq!(limit.try_take(now), Some(now + WINDOW));
        assert_eq!(limit.try_take(now + WINDOW), None);
    }

    #[tokio::test]
    async fn a_pause_beyond_the_deadline_fails_at_once() {
        let limit = GlobalLimit::new(50);
        limit.pause(Duration::from_secs(2));
        let wait = limit
            .acquire(Instant::now() + Duration::from_millis(100))
            .await
            .unwrap_err();
        assert!(wait > Duration::from_millis(1900));
    }
}
