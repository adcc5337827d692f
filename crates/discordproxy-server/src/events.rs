//! The event bus between the gateway shards and `StreamEvents` subscribers, with a bounded
//! history so that a dropped stream can be resumed.
//!
//! - Every published event gets the next **position** (1, 2, 3 … in publish order, across
//!   shards) in this bus, whose **epoch** (a random id made with the bus, i.e. at server start)
//!   tells a client that positions from another server process mean nothing here.
//! - One bounded broadcast ring (capacity `--event-buffer`, default 1024; tokio rounds it up to
//!   a power of two) is shared by the live subscribers. A subscriber that falls more than that
//!   behind loses its place and is ended with `RESOURCE_EXHAUSTED`.
//! - The **history** holds the newest `--event-buffer` events in full (shared with the ring,
//!   not copied), and for the `EVICTED_PER_EVENT × --event-buffer` events before them only
//!   a 16-byte note each (a keyed hash of the name and the guild id) so that the number of
//!   events a resumed stream can no longer get is counted *after* its filters. Memory stays
//!   bounded whatever the clients do: about `--event-buffer` events plus 1 KiB per slot of
//!   notes (1 MiB at the default).
//!
//! Publishing, subscribing and reading the history take one short lock, so a subscriber that
//! resumes sees the history and the live ring split at one position: no gap, no duplicate.

use crate::error::{Error, Result};
use discordproxy_proto::GatewayEvent;
use std::{
    collections::{HashSet, VecDeque},
    hash::{BuildHasher, RandomState},
    sync::{Arc, Mutex, MutexGuard, PoisonError},
};
use tokio::sync::broadcast;

/// Default number of events a subscriber may fall behind, and of events kept for resuming.
pub const DEFAULT_EVENT_BUFFER: usize = 1024;

/// Evicted events remembered (name hash and guild id, 16 bytes) per slot of the event buffer,
/// to count what a resumed stream missed after its filters.
pub const EVICTED_PER_EVENT: usize = 64;

/// Which events a subscriber wants: empty sets mean every name, every guild.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EventFilter {
    names: HashSet<String>,
    guilds: HashSet<u64>,
}

impl EventFilter {
    /// Events named one of `names` (exactly as the bus carries them: Discord's upper-case
    /// names) and of one of `guilds` (0: no guild); an empty list does not filter.
    pub fn new(
        names: impl IntoIterator<Item = String>,
        guilds: impl IntoIterator<Item = u64>,
    ) -> Self {
        Self {
            names: names.into_iter().collect(),
            guilds: guilds.into_iter().collect(),
        }
    }

    /// Whether `event` passes.
    pub fn matches(&self, event: &GatewayEvent) -> bool {
        (self.names.is_empty() || self.names.contains(&event.name))
            && (self.guilds.is_empty() || self.guilds.contains(&event.guild_id))
    }

    /// Whether every event passes.
    pub fn is_everything(&self) -> bool {
        self.names.is_empty() && self.guilds.is_empty()
    }
}

/// How many events after a resume point can no longer be replayed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Missed {
    /// Exactly this many events that match the filter.
    Count(u64),
    /// Not known: another epoch (a restarted server), or a filtered resume point older than the
    /// notes of evicted events.
    Unknown,
}

/// Where a new subscription starts.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Start {
    /// The last position the client handled; 0: live only.
    pub resume_after: u64,
    /// The epoch the client's positions come from; empty: none.
    pub epoch: String,
}

/// A new subscriber: its live receiver and where the replay of the history ends.
#[derive(Debug)]
pub struct Subscription {
    /// Live events, from position `newest + 1` on.
    pub receiver: broadcast::Receiver<Arc<GatewayEvent>>,
    /// The epoch of the positions (the bus's when subscribing).
    pub epoch: String,
    /// The newest position when subscribing (0: nothing published yet). Events in
    /// `(replay_after, newest]` come from the history ([`EventBus::replay_next`]).
    pub newest: u64,
    /// Where the replay starts: `resume_after` when resuming (or, when the events after it
    /// were evicted, the position before the oldest retained one), else `newest` (no replay).
    pub replay_after: u64,
    /// What could not be replayed; `None` when the subscriber did not ask to resume.
    pub missed: Option<Missed>,
}

/// The next step of a replay.
#[derive(Debug, Clone, PartialEq)]
pub enum Replay {
    /// The next matching event of the range.
    Event(Arc<GatewayEvent>),
    /// No further matching event in the range.
    Done,
    /// The events after the asked position were evicted meanwhile (the subscriber was too
    /// slow); `oldest` is the oldest position still held.
    Evicted {
        /// The oldest position still held.
        oldest: u64,
    },
}

/// The note kept of an evicted event.
#[derive(Debug, Clone, Copy)]
struct Note {
    name: u64,
    guild: u64,
}

#[derive(Debug)]
struct Log {
    /// The live ring; replaced (ending every receiver) when the epoch changes.
    tx: broadcast::Sender<Arc<GatewayEvent>>,
    /// The epoch the positions belong to.
    epoch: String,
    /// The newest position (0: nothing published yet).
    newest: u64,
    /// The newest events, positions `newest - len + 1 ..= newest`.
    retained: VecDeque<Arc<GatewayEvent>>,
    /// Notes of the events just before `retained`.
    evicted: VecDeque<Note>,
}

impl Log {
    /// The position of `retained[0]` (`newest + 1` when nothing is retained).
    fn oldest_retained(&self) -> u64 {
        self.newest + 1 - self.retained.len() as u64
    }
}

#[derive(Debug)]
struct Inner {
    capacity: usize,
    evicted_capacity: usize,
    names: RandomState,
    log: Mutex<Log>,
}

/// Publishes gateway events to every subscriber and keeps the bounded history.
#[derive(Debug, Clone)]
pub struct EventBus {
    inner: Arc<Inner>,
}

impl EventBus {
    /// A bus whose subscribers may fall `capacity` events behind (at least 1), keeping the
    /// newest `capacity` events and notes of the `EVICTED_PER_EVENT × capacity` before
    /// them, with a new random epoch.
    pub fn new(capacity: usize) -> Self {
        let capacity = capacity.max(1);
        let (tx, _) = broadcast::channel(capacity);
        Self {
            inner: Arc::new(Inner {
                capacity,
                evicted_capacity: capacity.saturating_mul(EVICTED_PER_EVENT),
                names: RandomState::new(),
                log: Mutex::new(Log {
                    tx,
                    epoch: new_epoch(),
                    newest: 0,
                    retained: VecDeque::new(),
                    evicted: VecDeque::new(),
                }),
            }),
        }
    }

    fn log(&self) -> MutexGuard<'_, Log> {
        self.inner
            .log
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    fn name_key(&self, name: &str) -> u64 {
        self.inner.names.hash_one(name)
    }

    /// Gives `event` the next position, keeps it in the history and sends it to every current
    /// subscriber (none is fine). Returns its position.
    pub fn publish(&self, event: GatewayEvent) -> u64 {
        let mut log = self.log();
        let position = log.newest + 1;
        self.append(&mut log, event, position);
        position
    }

    /// Publishes `event` at `position`, given by the deployment's shared stream
    /// ([`crate::discord::event_stream`]): a position at or below the newest is a duplicate
    /// and dropped (`false`); one beyond `newest + 1` is a gap (events this bus never got):
    /// the history restarts there, so that a resume point before it is answered with the
    /// exact count of unfiltered events missed and `Unknown` for a filtered stream.
    pub fn publish_at(&self, event: GatewayEvent, position: u64) -> bool {
        let mut log = self.log();
        if position <= log.newest {
            return false;
        }
        if position > log.newest + 1 {
            log.retained.clear();
            log.evicted.clear();
            log.newest = position - 1;
        }
        self.append(&mut log, event, position);
        true
    }

    /// Starts epoch `epoch` (the shared stream was made anew, e.g. Redis restarted empty):
    /// the history is dropped, positions start again after 0, and every live subscriber's
    /// receiver is closed (its stream ends with `UNAVAILABLE`, to be resumed in the new
    /// epoch). Nothing happens when `epoch` is the current one.
    pub fn reset(&self, epoch: &str) {
        let mut log = self.log();
        if log.epoch == epoch {
            return;
        }
        let (tx, _) = broadcast::channel(self.inner.capacity);
        *log = Log {
            tx,
            epoch: epoch.to_owned(),
            newest: 0,
            retained: VecDeque::new(),
            evicted: VecDeque::new(),
        };
    }

    /// Appends `event` at `position` (`log.newest + 1`).
    fn append(&self, log: &mut Log, mut event: GatewayEvent, position: u64) {
        log.newest = position;
        event.position = position;
        let event = Arc::new(event);
        if log.retained.len() == self.inner.capacity
            && let Some(old) = log.retained.pop_front()
        {
            let note = Note {
                name: self.name_key(&old.name),
                guild: old.guild_id,
            };
            if log.evicted.len() == self.inner.evicted_capacity {
                log.evicted.pop_front();
            }
            log.evicted.push_back(note);
        }
        log.retained.push_back(Arc::clone(&event));
        // Sent under the lock: the ring's order is the positions' order.
        let _ = log.tx.send(event);
    }

    /// A new subscriber, receiving events published from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<Arc<GatewayEvent>> {
        self.log().tx.subscribe()
    }

    /// A new subscriber starting at `start`: live from now on, and, when `start` resumes this
    /// bus's epoch, the retained events after `start.resume_after` first
    /// ([`EventBus::replay_next`]), with the count of those no longer retained that match
    /// `filter`.
    ///
    /// - `resume_after` 0: live only; `missed` is `None`, or `Unknown` when `epoch` is another
    ///   epoch's.
    /// - another (non-empty) epoch: live only, `missed` `Unknown`.
    /// - this epoch: replay after `resume_after`, `missed` counted.
    ///
    /// # Errors
    /// `INVALID_ARGUMENT` when `resume_after` is set without an epoch, or with this epoch but
    /// beyond the newest position.
    pub fn open(&self, start: &Start, filter: &EventFilter) -> Result<Subscription> {
        let log = self.log();
        // Subscribed first, under the lock that publishing takes: the live ring starts right
        // after `newest`, the replay ends at it.
        let receiver = log.tx.subscribe();
        let newest = log.newest;
        let epoch = log.epoch.clone();
        if start.epoch.is_empty() && start.resume_after > 0 {
            return Err(Error::InvalidArgument(format!(
                "epoch is empty but resume_after is {}: send the discordproxy-stream-epoch \
                 metadata of the stream being resumed",
                start.resume_after
            )));
        }
        let this_epoch = start.epoch == epoch;
        if this_epoch && start.resume_after > newest {
            return Err(Error::InvalidArgument(format!(
                "resume_after {} is beyond the newest position {newest} of this stream epoch",
                start.resume_after
            )));
        }
        let (replay_after, missed) = if !start.epoch.is_empty() && !this_epoch {
            (newest, Some(Missed::Unknown))
        } else if start.resume_after == 0 {
            (newest, None)
        } else {
            let missed = self.missed_after(&log, start.resume_after, filter);
            // What is no longer retained is counted in `missed`, not replayed.
            let replay_after = start.resume_after.max(log.oldest_retained() - 1);
            (replay_after, Some(missed))
        };
        Ok(Subscription {
            receiver,
            epoch,
            newest,
            replay_after,
            missed,
        })
    }

    /// Events after `after` that are no longer retained and match `filter`.
    fn missed_after(&self, log: &Log, after: u64, filter: &EventFilter) -> Missed {
        let oldest = log.oldest_retained();
        if after + 1 >= oldest {
            return Missed::Count(0);
        }
        if filter.is_everything() {
            return Missed::Count(oldest - after - 1);
        }
        let first_noted = oldest - log.evicted.len() as u64;
        if after + 1 < first_noted {
            return Missed::Unknown;
        }
        let names: HashSet<u64> = filter.names.iter().map(|n| self.name_key(n)).collect();
        let skip = usize::try_from(after + 1 - first_noted).unwrap_or(usize::MAX);
        let count = log
            .evicted
            .range(skip..)
            .filter(|note| {
                (names.is_empty() || names.contains(&note.name))
                    && (filter.guilds.is_empty() || filter.guilds.contains(&note.guild))
            })
            .count();
        Missed::Count(count as u64)
    }

    /// The first retained event with a position in `(after, until]` that matches `filter`.
    pub fn replay_next(&self, after: u64, until: u64, filter: &EventFilter) -> Replay {
        let log = self.log();
        let oldest = log.oldest_retained();
        if after + 1 < oldest {
            return Replay::Evicted { oldest };
        }
        let from = usize::try_from(after + 1 - oldest).unwrap_or(usize::MAX);
        let end = (until.min(log.newest) + 1).saturating_sub(oldest);
        let to = usize::try_from(end).unwrap_or(usize::MAX);
        log.retained
            .range(from.min(to)..to)
            .find(|event| filter.matches(event))
            .map_or(Replay::Done, |event| Replay::Event(Arc::clone(event)))
    }

    /// This bus's epoch: 32 lower-case hex digits, random per bus (server process), or the
    /// deployment's shared stream's with `--redis-url`.
    pub fn epoch(&self) -> String {
        self.log().epoch.clone()
    }

    /// The newest position (0: nothing published yet).
    pub fn newest(&self) -> u64 {
        self.log().newest
    }

    /// How many events a subscriber may fall behind, and how many the history keeps.
    pub fn capacity(&self) -> usize {
        self.inner.capacity
    }

    /// Events currently held in the ring (at most [`EventBus::capacity`] rounded up to a power
    /// of two).
    pub fn queued(&self) -> usize {
        self.log().tx.len()
    }

    /// Events currently held in full by the history (at most [`EventBus::capacity`]).
    pub fn retained(&self) -> usize {
        self.log().retained.len()
    }

    /// Notes of evicted events currently held (at most `EVICTED_PER_EVENT × capacity`).
    pub fn noted(&self) -> usize {
        self.log().evicted.len()
    }

    /// Number of current subscribers.
    pub fn subscribers(&self) -> usize {
        self.log().tx.receiver_count()
    }
}

/// A new random epoch: 32 lower-case hex digits.
pub fn new_epoch() -> String {
    format!("{:032x}", fastrand::u128(..))
}

impl Default for EventBus {
    fn default() -> Self {
        Self::new(DEFAULT_EVENT_BUFFER)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(name: &str, guild_id: u64) -> GatewayEvent {
        GatewayEvent {
            name: name.into(),
            guild_id,
            ..Default::default()
        }
    }

    fn filter(names: &[&str], guilds: &[u64]) -> EventFilter {
        EventFilter::new(
            names.iter().map(|n| (*n).to_owned()),
            guilds.iter().copied(),
        )
    }

    fn resume(bus: &EventBus, after: u64) -> Start {
        Start {
            resume_after: after,
            epoch: bus.epoch(),
        }
    }

    /// Every replayed position of `(after, until]` for `filter`.
    fn replay_all(bus: &EventBus, mut after: u64, until: u64, filter: &EventFilter) -> Vec<u64> {
        let mut positions = Vec::new();
        loop {
            match bus.replay_next(after, until, filter) {
                Replay::Event(event) => {
                    positions.push(event.position);
                    after = event.position;
                }
                Replay::Done => return positions,
                Replay::Evicted { oldest } => panic!("evicted up to {oldest}"),
            }
        }
    }

    #[tokio::test]
    async fn a_slow_subscriber_lags_without_growing_memory() {
        let bus = EventBus::new(4);
        let mut slow = bus.subscribe();
        let mut fast = bus.subscribe();
        for sequence in 0..10 {
            bus.publish(GatewayEvent {
                sequence,
                ..Default::default()
            });
            assert_eq!(fast.recv().await.unwrap().sequence, sequence);
        }
        assert!(matches!(
            slow.recv().await,
            Err(broadcast::error::RecvError::Lagged(6))
        ));
        assert_eq!(bus.queued(), 4, "the ring holds at most `capacity` events");
    }

    #[test]
    fn positions_count_up_from_one_in_publish_order() {
        let bus = EventBus::new(8);
        assert_eq!(bus.newest(), 0);
        let positions: Vec<u64> = (0..5).map(|_| bus.publish(event("A", 0))).collect();
        assert_eq!(positions, [1, 2, 3, 4, 5]);
        assert_eq!(bus.newest(), 5);
        assert_eq!(replay_all(&bus, 0, 5, &EventFilter::default()), positions);
    }

    #[test]
    fn each_bus_has_its_own_random_epoch() {
        let (a, b) = (EventBus::new(1), EventBus::new(1));
        assert_eq!(a.epoch().len(), 32);
        assert!(a.epoch().chars().all(|c| c.is_ascii_hexdigit()));
        assert_ne!(a.epoch(), b.epoch());
        assert_eq!(a.clone().epoch(), a.epoch(), "clones share the bus");
    }

    #[test]
    fn the_history_is_bounded_in_events_and_notes() {
        let bus = EventBus::new(4);
        let _receiver = bus.subscribe();
        for _ in 0..1000 {
            bus.publish(event("A", 1));
        }
        assert_eq!(bus.retained(), 4);
        assert_eq!(bus.noted(), 4 * EVICTED_PER_EVENT);
        assert_eq!(bus.queued(), 4);
        // Only the newest `capacity` events can be replayed.
        assert_eq!(
            replay_all(&bus, 996, 1000, &EventFilter::default()),
            [997, 998, 999, 1000]
        );
        assert_eq!(
            bus.replay_next(995, 1000, &EventFilter::default()),
            Replay::Evicted { oldest: 997 }
        );
    }

    #[tokio::test]
    async fn a_resume_replays_the_matching_history_then_continues_live_without_overlap() {
        let bus = EventBus::new(16);
        for i in 0..10u64 {
            bus.publish(event(if i % 2 == 0 { "EVEN" } else { "ODD" }, i % 3));
        }
        let evens = filter(&["EVEN"], &[]);
        let mut sub = bus.open(&resume(&bus, 3), &evens).unwrap();
        assert_eq!((sub.newest, sub.replay_after), (10, 3));
        assert_eq!(sub.missed, Some(Missed::Count(0)));
        // Positions 5, 7, 9 carry i = 4, 6, 8.
        assert_eq!(
            replay_all(&bus, sub.replay_after, sub.newest, &evens),
            [5, 7, 9]
        );
        // Published after opening: live only, starting right after `newest`.
        bus.publish(event("EVEN", 0));
        assert_eq!(sub.receiver.recv().await.unwrap().position, 11);
        // The range bound holds even though the history has grown.
        assert_eq!(replay_all(&bus, 9, sub.newest, &evens), Vec::<u64>::new());
    }

    #[test]
    fn missed_counts_what_rolled_out_of_the_history_after_the_filters() {
        let bus = EventBus::new(4);
        // Positions 1..=20: names cycle A, B, C, D; guilds 1 for even positions, 2 for odd.
        for position in 1..=20u64 {
            let name = ["A", "B", "C", "D"][((position - 1) % 4) as usize];
            bus.publish(event(name, 1 + position % 2));
        }
        // Retained: 17..=20; evicted and noted: 1..=16.
        let missed =
            |after, filter: &EventFilter| bus.open(&resume(&bus, after), filter).unwrap().missed;
        // The replay starts at the oldest retained event; the rest is counted.
        let a = filter(&["A"], &[]);
        let sub = bus.open(&resume(&bus, 2), &a).unwrap();
        assert_eq!((sub.replay_after, sub.newest), (16, 20));
        assert_eq!(replay_all(&bus, sub.replay_after, sub.newest, &a), [17]);
        assert_eq!(missed(2, &EventFilter::default()), Some(Missed::Count(14)));
        assert_eq!(missed(16, &EventFilter::default()), Some(Missed::Count(0)));
        assert_eq!(missed(20, &EventFilter::default()), Some(Missed::Count(0)));
        // A is at 1, 5, 9, 13 (guild 2); after 2: 5, 9, 13.
        assert_eq!(missed(2, &filter(&["A"], &[])), Some(Missed::Count(3)));
        // Guild 1 (even positions) among 3..=16: 4, 6, …, 16.
        assert_eq!(missed(2, &filter(&[], &[1])), Some(Missed::Count(7)));
        // B is at even positions (guild 1); A has none in guild 1.
        assert_eq!(missed(1, &filter(&["B"], &[1])), Some(Missed::Count(4)));
        assert_eq!(missed(1, &filter(&["A"], &[1])), Some(Missed::Count(0)));
        assert_eq!(missed(1, &filter(&["NONE"], &[])), Some(Missed::Count(0)));
    }

    #[test]
    fn missed_is_unknown_only_past_the_notes_for_a_filtered_stream() {
        let bus = EventBus::new(1);
        let total = 1 + EVICTED_PER_EVENT as u64 + 10;
        for _ in 0..total {
            bus.publish(event("A", 1));
        }
        // Retained: the newest; noted: the EVICTED_PER_EVENT before it; forgotten: 1..=10.
        let a = filter(&["A"], &[]);
        let missed =
            |after, filter: &EventFilter| bus.open(&resume(&bus, after), filter).unwrap().missed;
        assert_eq!(
            missed(10, &a),
            Some(Missed::Count(EVICTED_PER_EVENT as u64))
        );
        assert_eq!(missed(9, &a), Some(Missed::Unknown));
        // Unfiltered counts need no notes: exact however old the resume point.
        assert_eq!(
            missed(1, &EventFilter::default()),
            Some(Missed::Count(total - 2))
        );
    }

    #[test]
    fn other_epochs_bad_positions_and_live_only_starts() {
        let bus = EventBus::new(4);
        for _ in 0..6 {
            bus.publish(event("A", 0));
        }
        let all = EventFilter::default();
        let live = bus.open(&Start::default(), &all).unwrap();
        assert_eq!((live.newest, live.replay_after, live.missed), (6, 6, None));
        let same_epoch_from_zero = bus.open(&resume(&bus, 0), &all).unwrap();
        assert_eq!(same_epoch_from_zero.missed, None);
        assert_eq!(same_epoch_from_zero.replay_after, 6);
        let other = bus
            .open(
                &Start {
                    resume_after: 3,
                    epoch: "0123".into(),
                },
                &all,
            )
            .unwrap();
        assert_eq!(
            (other.replay_after, other.missed),
            (6, Some(Missed::Unknown))
        );
        let beyond = bus.open(&resume(&bus, 7), &all).unwrap_err().to_string();
        assert!(beyond.starts_with("resume_after 7 is beyond"), "{beyond}");
        let newest = bus.open(&resume(&bus, 6), &all).unwrap();
        assert_eq!(newest.missed, Some(Missed::Count(0)));
        let no_epoch = bus
            .open(
                &Start {
                    resume_after: 3,
                    epoch: String::new(),
                },
                &all,
            )
            .unwrap_err()
            .to_string();
        assert!(
            no_epoch.contains("epoch") && no_epoch.contains("resume_after"),
            "{no_epoch}"
        );
    }

    #[test]
    fn shared_positions_drop_duplicates_and_restart_the_history_at_a_gap() {
        let bus = EventBus::new(4);
        let mut receiver = bus.subscribe();
        assert!(bus.publish_at(event("A", 1), 5));
        assert!(bus.publish_at(event("B", 1), 6));
        assert!(!bus.publish_at(event("B", 1), 6), "a duplicate is dropped");
        assert!(
            !bus.publish_at(event("B", 1), 2),
            "an older position is dropped"
        );
        assert_eq!(receiver.try_recv().unwrap().position, 5);
        assert_eq!(receiver.try_recv().unwrap().position, 6);
        assert!(receiver.try_recv().is_err());
        // Positions 7..=9 never came: the history restarts at 10.
        assert!(bus.publish_at(event("A", 1), 10));
        assert_eq!(bus.retained(), 1);
        let all = EventFilter::default();
        assert_eq!(
            bus.open(&resume(&bus, 6), &all).unwrap().missed,
            Some(Missed::Count(3)),
            "unfiltered: exact, positions are the deployment's"
        );
        assert_eq!(
            bus.open(&resume(&bus, 6), &filter(&["A"], &[]))
                .unwrap()
                .missed,
            Some(Missed::Unknown),
            "filtered: what the gap held is not known"
        );
        let sub = bus.open(&resume(&bus, 6), &all).unwrap();
        assert_eq!(replay_all(&bus, sub.replay_after, sub.newest, &all), [10]);
    }

    #[tokio::test]
    async fn a_new_epoch_ends_live_receivers_and_starts_positions_again() {
        let bus = EventBus::new(4);
        let old = bus.epoch();
        bus.publish(event("A", 0));
        let mut receiver = bus.subscribe();
        bus.reset(&old);
        assert_eq!(bus.newest(), 1, "the same epoch changes nothing");
        bus.reset("0123456789abcdef0123456789abcdef");
        assert_eq!(bus.epoch(), "0123456789abcdef0123456789abcdef");
        assert_eq!((bus.newest(), bus.retained()), (0, 0));
        assert!(matches!(
            receiver.recv().await,
            Err(broadcast::error::RecvError::Closed)
        ));
        let resumed = bus
            .open(
                &Start {
                    resume_after: 1,
                    epoch: old,
                },
                &EventFilter::default(),
            )
            .unwrap();
        assert_eq!(resumed.missed, Some(Missed::Unknown));
        assert_eq!(bus.publish(event("A", 0)), 1);
    }

    #[test]
    fn positions_are_unique_and_ordered_across_publishing_threads() {
        let bus = EventBus::new(4096);
        let mut receiver = bus.subscribe();
        std::thread::scope(|scope| {
            for shard in 0..4u32 {
                let bus = bus.clone();
                scope.spawn(move || {
                    for _ in 0..500 {
                        bus.publish(GatewayEvent {
                            shard_id: shard,
                            ..Default::default()
                        });
                    }
                });
            }
        });
        let received: Vec<u64> = (0..2000)
            .map(|_| receiver.try_recv().unwrap().position)
            .collect();
        assert_eq!(received, (1..=2000).collect::<Vec<_>>());
    }
}
