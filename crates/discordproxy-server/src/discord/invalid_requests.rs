//! Counts invalid requests (401, 403 and 429 except `shared` scope) in Discord's sliding
//! 10-minute window and warns at 50% and 80% of the budget before Cloudflare bans the IP.
//! <https://discord.com/developers/docs/topics/rate-limits#invalid-request-limit-aka-cloudflare-bans>

use std::sync::Mutex;
use std::time::Duration;
use tokio::time::Instant;

/// Discord's window of the invalid-request count.
pub const WINDOW: Duration = Duration::from_secs(600);
/// Default `--invalid-request-budget`: Discord bans after 10,000 invalid requests in the window.
pub const DEFAULT_BUDGET: u32 = 10_000;

/// The count in one-second slots, so memory stays fixed (600 slots).
#[derive(Debug)]
pub struct InvalidRequests {
    budget: u32,
    started: Instant,
    state: Mutex<State>,
}

#[derive(Debug)]
struct State {
    /// Count per second, indexed by second modulo the window.
    slots: Vec<u32>,
    /// The second each slot currently counts.
    seconds: Vec<u64>,
    /// The highest warning level already logged (0, 50, 80) in this rise of the count.
    warned: u32,
}

impl InvalidRequests {
    /// A counter warning at 50% and 80% of `budget` (at least 1).
    pub fn new(budget: u32) -> Self {
        let slots = usize::try_from(WINDOW.as_secs()).unwrap_or(600);
        Self {
            budget: budget.max(1),
            started: Instant::now(),
            state: Mutex::new(State {
                slots: vec![0; slots],
                seconds: vec![u64::MAX; slots],
                warned: 0,
            }),
        }
    }

    fn second(&self, now: Instant) -> u64 {
        now.saturating_duration_since(self.started).as_secs()
    }

    /// Counts one invalid request (`status` for the log) and returns the count in the window.
    pub fn record(&self, status: u16) -> u32 {
        let now = self.second(Instant::now());
        let mut state = self.lock();
        let index = usize::try_from(now % WINDOW.as_secs()).unwrap_or(0);
        if state.seconds[index] != now {
            state.seconds[index] = now;
            state.slots[index] = 0;
        }
        state.slots[index] += 1;
        let count = count(&state, now);
        let percent = u64::from(count) * 100 / u64::from(self.budget);
        let level = match percent {
            80.. => 80,
            50.. => 50,
            _ => 0,
        };
        if level > state.warned {
            state.warned = level;
            tracing::warn!(
                invalid_requests = count,
                budget = self.budget,
                last_status = status,
                "{level}% of the invalid-request budget used in the last 10 minutes; Discord bans \
                 the IP (Cloudflare) at {} invalid requests (401, 403, 429)",
                self.budget
            );
        } else if level < state.warned {
            state.warned = level;
        }
        count
    }

    /// Invalid requests in the last 10 minutes.
    pub fn in_window(&self) -> u32 {
        let now = self.second(Instant::now());
        count(&self.lock(), now)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

fn count(state: &State, now: u64) -> u32 {
    let oldest = now.saturating_sub(WINDOW.as_secs() - 1);
    state
        .seconds
        .iter()
        .zip(&state.slots)
        .filter(|(second, _)| **second != u64::MAX && **second >= oldest && **second <= now)
        .map(|(_, count)| *count)
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_in_the_window_and_warns_once_per_level() {
        let counter = InvalidRequests::new(10);
        for expected in 1..=9 {
            assert_eq!(counter.record(403), expected);
        }
        assert_eq!(counter.in_window(), 9);
        assert_eq!(counter.lock().warned, 80);
    }

    #[test]
    fn old_seconds_leave_the_window() {
        let counter = InvalidRequests::new(100);
        {
            let mut state = counter.lock();
            state.seconds[5] = 5;
            state.slots[5] = 7;
        }
        assert_eq!(count(&counter.lock(), 10), 7);
        assert_eq!(count(&counter.lock(), 604), 7);
        assert_eq!(count(&counter.lock(), 605), 0);
    }
}
