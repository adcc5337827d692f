//! One Discord rate-limit bucket: its learned state and the FIFO queue of requests waiting for
//! a slot.
//!
//! A bucket starts unknown: one request goes alone ("discovery") and its `X-RateLimit-*`
//! headers tell the limit, what remains and when the window resets. Afterwards up to
//! `remaining` requests leave at once; the rest wait for the reset. Requests leave in the order
//! they asked for a slot (the gate is a fair tokio mutex).
//! <https://discord.com/developers/docs/topics/rate-limits#rate-limits>

use super::headers::BucketHeaders;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;
use tokio::sync::Notify;
use tokio::time::Instant;

/// Two `X-RateLimit-Reset` values closer than this (seconds) name the same window.
const SAME_WINDOW: f64 = 0.002;

/// What the gate holder does next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Step {
    /// Send now; `counted` when a slot of the window was taken.
    Go { counted: bool },
    /// The window is used up until this instant.
    Sleep(Instant),
    /// A response in flight will tell more.
    Wait,
}

/// The learned state of a bucket.
#[derive(Debug, Default)]
struct State {
    /// Requests per window; `None` until a response told it.
    limit: Option<u32>,
    /// Slots left in the current window.
    remaining: u32,
    /// When the current window ends (local clock); `None`: not known (yet).
    reset_at: Option<Instant>,
    /// `X-RateLimit-Reset` of the window the state describes.
    window: Option<f64>,
    /// The window was refilled locally after `reset_at`; answers of the old window are stale.
    refilled: bool,
    /// Requests sent and not answered yet.
    in_flight: u32,
    /// A 2xx came without rate-limit headers: the route is not limited.
    unlimited: bool,
    /// The longest window seen (`X-RateLimit-Reset-After` of a fresh window).
    period: Duration,
}

impl State {
    fn step(&mut self, now: Instant) -> Step {
        self.step_shared(now, 1)
    }

    /// [`step`](Self::step) with a refilled window giving only `1 / share` of its slots (at
    /// least one): the local limiter's share while Redis is degraded and `share` instances
    /// use the bucket without telling each other.
    fn step_shared(&mut self, now: Instant, share: u32) -> Step {
        if self.unlimited {
            return Step::Go { counted: false };
        }
        let Some(limit) = self.limit else {
            // A 429 without bucket headers still tells when to send again.
            if let Some(reset_at) = self.reset_at.filter(|&reset_at| reset_at > now) {
                return Step::Sleep(reset_at);
            }
            return if self.in_flight == 0 {
                Step::Go { counted: false }
            } else {
                Step::Wait
            };
        };
        if self.reset_at.is_some_and(|reset_at| now >= reset_at) {
            self.remaining = if share > 1 {
                (limit / share).max(1)
            } else {
                limit
            };
            self.reset_at = None;
            self.refilled = true;
        }
        if self.remaining > 0 {
            self.remaining -= 1;
            return Step::Go { counted: true };
        }
        match self.reset_at {
            Some(reset_at) => Step::Sleep(reset_at),
            // Nothing in flight can tell when the window ends: probe with one request.
            None if self.in_flight == 0 => Step::Go { counted: false },
            None => Step::Wait,
        }
    }

    /// The request holding a slot leaves at `now`, possibly later than it took the slot (it
    /// waited for the global limit meanwhile). When the window its slot was `counted` in has
    /// ended by now, Discord counts it in the next window: it takes a slot of that one.
    fn leave(&mut self, now: Instant, counted: bool) {
        if counted
            && !self.unlimited
            && self.limit.is_some()
            && self.reset_at.is_some_and(|reset_at| now >= reset_at)
        {
            // step() refills the ended window and takes one of its slots.
            let taken = self.step(now);
            debug_assert_eq!(taken, Step::Go { counted: true });
        }
    }

    /// Time a request that finds `ahead` requests queued before it will wait for its slot.
    fn estimate(&self, now: Instant, ahead: usize) -> Duration {
        let Some(limit) = self.limit.filter(|&limit| limit > 0 && !self.unlimited) else {
            return Duration::ZERO;
        };
        let period = self.period.max(Duration::from_millis(1));
        let (available, first_reset) = match self.reset_at {
            Some(reset_at) if reset_at > now => (self.remaining, reset_at - now),
            Some(_) => (limit, period),
            None => (self.remaining, period),
        };
        let needed = u32::try_from(ahead).unwrap_or(u32::MAX).saturating_add(1);
        if needed <= available {
            return Duration::ZERO;
        }
        let later_windows = (needed - available - 1) / limit;
        first_reset + period * later_windows
    }

    fn observe(&mut self, headers: &BucketHeaders, now: Instant) {
        self.observe_as(headers, now, false);
    }

    /// [`observe`](Self::observe); `mirror`: the slots were counted elsewhere (a shared
    /// store), so a fresh window takes Discord's `remaining` as it is instead of the lower of
    /// it and the local count (which this instance did not keep).
    fn observe_as(&mut self, headers: &BucketHeaders, now: Instant, mirror: bool) {
        let fresh = match (self.window, headers.reset) {
            (Some(known), Some(reset)) if reset < known - SAME_WINDOW => return,
            (Some(known), Some(reset)) if reset <= known + SAME_WINDOW => {
                if self.refilled {
                    // An answer of the window before the local refill.
                    return;
                }
                false
            }
            _ => true,
        };
        let reset_at = now + headers.reset_after;
        if fresh {
            self.window = headers.reset;
            self.refilled = false;
            self.reset_at = Some(reset_at);
            self.remaining = match self.limit {
                Some(_) if !mirror => self.remaining.min(headers.remaining),
                _ => headers.remaining,
            };
        } else {
            self.remaining = self.remaining.min(headers.remaining);
            self.reset_at = Some(self.reset_at.map_or(reset_at, |known| known.max(reset_at)));
        }
        self.limit = Some(headers.limit);
        self.period = self.period.max(headers.reset_after);
        // Rate-limit headers mean the route is limited, whatever an earlier answer without
        // them suggested.
        self.unlimited = false;
    }
}

/// One bucket: the routes and major parameter sharing a Discord rate limit.
#[derive(Debug)]
pub struct Bucket {
    /// Route template and major parameter, for logs and errors.
    name: String,
    /// Held by the request whose turn it is to take a slot.
    gate: tokio::sync::Mutex<()>,
    state: Mutex<State>,
    /// Signalled when an answer arrived or a permit was given back.
    changed: Notify,
    /// Requests waiting for the gate or holding it.
    waiting: AtomicUsize,
}

/// Why no slot could be had in time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoSlot {
    /// The bucket's name.
    pub bucket: String,
    /// How long until a slot would be free.
    pub wait: Duration,
}

/// The right to send one request of a bucket. Dropping it without [`Permit::sent`] gives the
/// slot back.
#[derive(Debug)]
pub struct Permit {
    bucket: Arc<Bucket>,
    counted: bool,
    sent: bool,
    /// Granted by this bucket's local state (a slot to give back locally when unsent), not
    /// by a shared store.
    local: bool,
    /// The shared store's part, told when the permit ends without an observed answer.
    ticket: Option<Box<dyn Ticket>>,
}

/// A shared store's hold on a permit it granted: told when the permit ends without the
/// answer having been observed (no answer, or never sent).
pub trait Ticket: Send + Sync + std::fmt::Debug {
    /// The permit ended unobserved; `counted`: it took a slot of the window; `sent`: the
    /// request was handed to the network.
    fn unobserved(&mut self, counted: bool, sent: bool);
}

impl Permit {
    /// The request was handed to the network: the slot is used even if no answer comes.
    pub fn sent(&mut self) {
        self.sent = true;
    }

    /// The request leaves now: a slot taken in a window that has ended meanwhile (while the
    /// request waited for the global limit) is counted in the current window instead.
    pub fn leave(&self) {
        self.bucket.lock().leave(Instant::now(), self.counted);
    }

    /// The bucket this permit belongs to.
    pub fn bucket(&self) -> &Arc<Bucket> {
        &self.bucket
    }

    /// Whether the permit took a slot of the bucket's window.
    pub fn counted(&self) -> bool {
        self.counted
    }

    /// Attaches a shared store's ticket.
    pub fn attach(&mut self, ticket: Box<dyn Ticket>) {
        self.ticket = Some(ticket);
    }

    /// Takes the shared store's ticket (the answer is being observed).
    pub fn take_ticket(&mut self) -> Option<Box<dyn Ticket>> {
        self.ticket.take()
    }
}

impl Drop for Permit {
    fn drop(&mut self) {
        if let Some(ticket) = self.ticket.as_mut() {
            ticket.unobserved(self.counted, self.sent);
        }
        {
            let mut state = self.bucket.lock();
            state.in_flight = state.in_flight.saturating_sub(1);
            if self.local && self.counted && !self.sent {
                let limit = state.limit.unwrap_or(u32::MAX);
                state.remaining = (state.remaining + 1).min(limit);
            }
        }
        self.bucket.changed.notify_one();
    }
}

/// Holds a bucket's gate; further waiters queue behind it.
pub struct Turn<'a> {
    bucket: &'a Arc<Bucket>,
    _gate: tokio::sync::MutexGuard<'a, ()>,
}

impl Bucket {
    /// A bucket not seen before, named `name` (e.g. `POST /channels/{channel_id}/messages
    /// (major 123)`).
    pub fn new(name: String) -> Self {
        Self {
            name,
            gate: tokio::sync::Mutex::new(()),
            state: Mutex::new(State::default()),
            changed: Notify::new(),
            waiting: AtomicUsize::new(0),
        }
    }

    /// The bucket's name for logs and errors.
    pub fn name(&self) -> &str {
        &self.name
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Waits for this bucket's turn, in arrival order.
    ///
    /// # Errors
    /// [`NoSlot`] at once when the requests queued ahead and the known window cannot let this
    /// one leave before `deadline`.
    pub async fn turn(self: &Arc<Self>, deadline: Instant) -> Result<Turn<'_>, NoSlot> {
        let ahead = self.waiting.fetch_add(1, Ordering::SeqCst);
        let _waiting = Leave(&self.waiting);
        let now = Instant::now();
        let wait = self.lock().estimate(now, ahead);
        if now + wait > deadline {
            return Err(self.no_slot(wait));
        }
        let gate = self.gate.lock().await;
        Ok(Turn {
            bucket: self,
            _gate: gate,
        })
    }

    /// A [`NoSlot`] of this bucket with `wait`.
    pub fn no_slot(&self, wait: Duration) -> NoSlot {
        NoSlot {
            bucket: self.name.clone(),
            wait,
        }
    }

    /// Records the rate-limit headers of an answer (any status).
    pub fn observe(&self, headers: &BucketHeaders) {
        self.lock().observe(headers, Instant::now());
        self.changed.notify_one();
    }

    /// Records the rate-limit headers of an answer to a request a shared store granted: the
    /// local state follows Discord's count (see [`State::observe_as`]), so its estimates and a
    /// switch to the local limiter start from what Discord said.
    pub fn observe_mirrored(&self, headers: &BucketHeaders) {
        self.lock().observe_as(headers, Instant::now(), true);
        self.changed.notify_one();
    }

    /// Records a 2xx answer without rate-limit headers: the route is not limited.
    pub fn observe_unlimited(&self) {
        let mut state = self.lock();
        if state.limit.is_none() {
            state.unlimited = true;
        }
    }

    /// Records a 429 of this bucket: nothing more until `retry_after` from now.
    pub fn observe_limited(&self, retry_after: Duration) {
        {
            let mut state = self.lock();
            state.unlimited = false;
            state.remaining = 0;
            state.refilled = false;
            let until = Instant::now() + retry_after;
            state.reset_at = Some(state.reset_at.map_or(until, |known| known.max(until)));
        }
        self.changed.notify_one();
    }

    /// Whether nothing waits, nothing is in flight and no window is open: the bucket can be
    /// forgotten without losing anything.
    pub fn is_idle(&self, now: Instant) -> bool {
        let state = self.lock();
        self.waiting.load(Ordering::SeqCst) == 0
            && state.in_flight == 0
            && state.reset_at.is_none_or(|reset_at| reset_at <= now)
    }
}

impl Turn<'_> {
    /// Waits until the bucket has a free slot and takes it.
    ///
    /// # Errors
    /// [`NoSlot`] as soon as it is known that the slot comes after `deadline`.
    pub async fn slot(&self, deadline: Instant) -> Result<Permit, NoSlot> {
        self.bucket.slot_shared(deadline, 1).await
    }
}

impl Bucket {
    /// Waits until the bucket has a free slot and takes it; a refilled window gives `1 /
    /// share` of its slots. Only for the holder of the bucket's [`Turn`].
    ///
    /// # Errors
    /// [`NoSlot`] as soon as it is known that the slot comes after `deadline`.
    pub async fn slot_shared(
        self: &Arc<Self>,
        deadline: Instant,
        share: u32,
    ) -> Result<Permit, NoSlot> {
        loop {
            let now = Instant::now();
            let step = {
                let mut state = self.lock();
                let step = state.step_shared(now, share);
                if let Step::Go { .. } = step {
                    state.in_flight += 1;
                }
                step
            };
            match step {
                Step::Go { counted } => {
                    return Ok(Permit {
                        bucket: Arc::clone(self),
                        counted,
                        sent: false,
                        local: true,
                        ticket: None,
                    });
                }
                Step::Sleep(until) if until > deadline => {
                    return Err(self.no_slot(until - now));
                }
                Step::Sleep(until) => {
                    tokio::select! {
                        () = tokio::time::sleep_until(until) => {}
                        () = self.changed.notified() => {}
                    }
                }
                Step::Wait => self.changed.notified().await,
            }
        }
    }

    /// A permit a shared store granted (`counted`: it took a slot of the shared window); the
    /// local state counts it in flight.
    pub fn granted(self: &Arc<Self>, counted: bool) -> Permit {
        self.lock().in_flight += 1;
        Permit {
            bucket: Arc::clone(self),
            counted,
            sent: false,
            local: false,
            ticket: None,
        }
    }

    /// Waits until an answer of this bucket arrived or a permit was given back (or `until`).
    pub async fn changed_or(&self, until: Instant) {
        tokio::select! {
            () = tokio::time::sleep_until(until) => {}
            () = self.changed.notified() => {}
        }
    }

    /// What the local state knows of the current window, for rebuilding a shared store:
    /// `(limit, remaining, time left, X-RateLimit-Reset)` while a window is open.
    pub fn open_window(&self, now: Instant) -> Option<(u32, u32, Duration, Option<f64>)> {
        let state = self.lock();
        let limit = state.limit?;
        let reset_at = state.reset_at.filter(|&at| at > now)?;
        Some((limit, state.remaining, reset_at - now, state.window))
    }

    /// Gives no more slot of the window open now (its slots were shared with other instances,
    /// which may have used them): the next slot comes with the reset.
    pub fn close_window(&self, now: Instant) {
        let mut state = self.lock();
        if state.limit.is_some() && state.reset_at.is_some_and(|at| at > now) {
            state.remaining = 0;
        }
    }

    /// Requests queued for this bucket or holding its turn.
    pub fn queued(&self) -> usize {
        self.waiting.load(Ordering::SeqCst)
    }

    /// Time a request queued behind `ahead` others would wait, by the local state.
    pub fn estimate(&self, ahead: usize) -> Duration {
        self.lock().estimate(Instant::now(), ahead)
    }
}

/// Decrements a counter when dropped.
struct Leave<'a>(&'a AtomicUsize);

impl Drop for Leave<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(limit: u32, remaining: u32, reset_after_ms: u64, reset: f64) -> BucketHeaders {
        BucketHeaders {
            limit,
            remaining,
            reset_after: Duration::from_millis(reset_after_ms),
            reset: Some(reset),
            bucket: Some("hash".into()),
        }
    }

    #[test]
    fn discovery_sends_one_request_then_the_window() {
        let now = Instant::now();
        let mut state = State::default();
        assert_eq!(state.step(now), Step::Go { counted: false });
        state.in_flight = 1;
        assert_eq!(state.step(now), Step::Wait);
        state.observe(&headers(5, 4, 5000, 100.0), now);
        state.in_flight = 0;
        for _ in 0..4 {
            assert_eq!(state.step(now), Step::Go { counted: true });
        }
        assert_eq!(
            state.step(now),
            Step::Sleep(now + Duration::from_millis(5000))
        );
        // After the reset the window is full again.
        assert_eq!(
            state.step(now + Duration::from_millis(5000)),
            Step::Go { counted: true }
        );
        assert_eq!(state.remaining, 4);
    }

    #[test]
    fn answers_of_an_old_window_are_ignored_after_a_refill() {
        let now = Instant::now();
        let mut state = State::default();
        state.observe(&headers(5, 0, 100, 100.0), now);
        let later = now + Duration::from_millis(100);
        for _ in 0..5 {
            assert_eq!(state.step(later), Step::Go { counted: true });
        }
        // A late answer of the first window must not refill or shorten the new one.
        state.observe(&headers(5, 0, 1, 100.0), later);
        assert_eq!(state.remaining, 0);
        assert_eq!(state.reset_at, None);
        state.in_flight = 5;
        assert_eq!(state.step(later), Step::Wait);
        // The first answer of the new window sets its reset.
        state.observe(&headers(5, 3, 100, 100.1), later);
        assert_eq!(
            state.remaining, 0,
            "five were sent, whatever the answer says"
        );
        assert_eq!(state.reset_at, Some(later + Duration::from_millis(100)));
    }

    #[test]
    fn a_slot_whose_window_ended_before_it_left_counts_in_the_new_window() {
        // Regression (bench/throughput, 100 channels at 0.5 messages/s each: 1–6 user 429s per
        // 30 s): a slot taken near the end of a window, then held up by the global limit until
        // the window was over, reached Discord in the next window; the next window still gave
        // out all its slots, one more than Discord allows.
        let now = Instant::now();
        let mut state = State::default();
        state.observe(&headers(5, 4, 100, 100.0), now);
        assert_eq!(state.step(now), Step::Go { counted: true });
        let sent = now + Duration::from_millis(150); // after the global wait
        state.leave(sent, true);
        let mut slots = 0;
        while let Step::Go { .. } = state.step(sent) {
            slots += 1;
            state.in_flight += 1;
        }
        assert_eq!(
            slots, 4,
            "the late request took one of the new window's five"
        );
        // A slot that leaves within its window changes nothing.
        let mut state = State::default();
        state.observe(&headers(5, 4, 100, 100.0), now);
        state.step(now);
        state.leave(now + Duration::from_millis(50), true);
        assert_eq!(state.remaining, 3);
        // An uncounted request (discovery, probe) is not counted afterwards either.
        let mut state = State::default();
        state.observe(&headers(5, 0, 100, 100.0), now);
        state.leave(sent, false);
        assert_eq!(state.remaining, 0);
        assert!(state.reset_at.is_some());
    }

    #[test]
    fn headers_after_an_answer_without_them_limit_the_bucket_again() {
        let now = Instant::now();
        let mut state = State {
            unlimited: true,
            ..State::default()
        };
        state.observe(&headers(5, 0, 500, 100.0), now);
        assert_eq!(
            state.step(now),
            Step::Sleep(now + Duration::from_millis(500))
        );
        let bucket = Bucket::new("b".into());
        bucket.lock().unlimited = true;
        bucket.observe_limited(Duration::from_secs(1));
        assert!(matches!(bucket.lock().step(now), Step::Sleep(_)));
    }

    #[test]
    fn concurrent_answers_never_raise_remaining() {
        let now = Instant::now();
        let mut state = State::default();
        state.observe(&headers(5, 4, 5000, 100.0), now);
        state.step(now);
        state.step(now);
        assert_eq!(state.remaining, 2);
        // An answer sent before those two left says 3: keep the lower local count.
        state.observe(&headers(5, 3, 4990, 100.0), now);
        assert_eq!(state.remaining, 2);
    }

    #[test]
    fn a_mirrored_fresh_window_takes_discords_remaining() {
        let now = Instant::now();
        let mut state = State::default();
        state.observe(&headers(5, 0, 100, 100.0), now);
        // The local count says 0; a shared store granted the slots of the next window, and
        // Discord's answer says 3 are left: mirrored, the local state follows Discord.
        state.observe_as(&headers(5, 3, 100, 100.2), now, true);
        assert_eq!(state.remaining, 3);
        assert_eq!(state.estimate(now, 0), Duration::ZERO);
        // Not mirrored, the lower local count wins.
        state.remaining = 0;
        state.observe(&headers(5, 3, 100, 100.4), now);
        assert_eq!(state.remaining, 0);
        // A refill while degraded gives a 1/3 share.
        let later = now + Duration::from_millis(200);
        assert_eq!(state.step_shared(later, 3), Step::Go { counted: true });
        assert_eq!(state.remaining, 0, "5 / 3 = 1 slot, taken");
    }

    #[test]
    fn estimate_counts_the_queue_in_windows() {
        let now = Instant::now();
        let mut state = State::default();
        state.observe(&headers(5, 0, 2000, 100.0), now);
        state.period = Duration::from_secs(5);
        assert_eq!(state.estimate(now, 0), Duration::from_secs(2));
        assert_eq!(state.estimate(now, 4), Duration::from_secs(2));
        assert_eq!(state.estimate(now, 5), Duration::from_secs(7));
        assert_eq!(State::default().estimate(now, 100), Duration::ZERO);
    }

    #[tokio::test]
    async fn a_slot_beyond_the_deadline_fails_at_once() {
        let bucket = Arc::new(Bucket::new("POST /channels/{channel_id}/messages".into()));
        bucket.observe(&headers(5, 0, 3000, 100.0));
        let started = Instant::now();
        let deadline = started + Duration::from_millis(500);
        let error = match bucket.turn(deadline).await {
            Ok(turn) => turn.slot(deadline).await.unwrap_err(),
            Err(error) => error,
        };
        assert!(started.elapsed() < Duration::from_millis(100));
        assert!(error.wait > Duration::from_millis(2900), "{error:?}");
        assert_eq!(error.bucket, "POST /channels/{channel_id}/messages");
    }

    #[tokio::test]
    async fn an_unsent_permit_gives_its_slot_back() {
        let bucket = Arc::new(Bucket::new("b".into()));
        bucket.observe(&headers(2, 1, 3000, 100.0));
        let deadline = Instant::now() + Duration::from_secs(1);
        let turn = bucket.turn(deadline).await.unwrap();
        let permit = turn.slot(deadline).await.unwrap();
        assert_eq!(bucket.lock().remaining, 0);
        drop(permit);
        assert_eq!(bucket.lock().remaining, 1);
        assert_eq!(bucket.lock().in_flight, 0);
    }
}
