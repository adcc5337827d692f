//! Per-shard gateway state for `GetGatewayStatus` and health: the shards this instance runs
//! (a static range, or the shards it holds leases for), and the bot's total shard count.

use discordproxy_proto::{ShardStatus, shard_status::State};
use std::sync::Mutex;
use tokio::sync::watch;

/// What we know about one shard.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShardInfo {
    /// Shard id.
    pub id: u32,
    /// Current state.
    pub state: State,
    /// Last heartbeat round trip in milliseconds, -1 before the first.
    pub heartbeat_latency_ms: i64,
    /// ISO-8601 time of the current session's READY (empty before).
    pub session_started_at: String,
    /// Sessions resumed.
    pub resumes: u32,
    /// New sessions after the first.
    pub reconnects: u32,
}

impl ShardInfo {
    /// A shard that is connecting.
    fn connecting(id: u32) -> Self {
        Self {
            id,
            state: State::Connecting,
            heartbeat_latency_ms: -1,
            session_started_at: String::new(),
            resumes: 0,
            reconnects: 0,
        }
    }
}

/// The state of the shards this instance runs (by id); changes are announced on a watch
/// channel (for health).
#[derive(Debug)]
pub struct ShardBoard {
    shards: Mutex<Vec<ShardInfo>>,
    /// The bot's shard count (every instance's shards).
    total: u32,
    /// Whether running no shard is normal (shards handed out by leases: an instance may hold
    /// none); otherwise an empty board is not ready.
    may_be_empty: bool,
    changed: watch::Sender<u64>,
}

impl ShardBoard {
    /// A board for shards `0..count` of `count`, all connecting.
    pub fn new(count: u32) -> Self {
        Self::for_shards(0..count, count, false)
    }

    /// A board for `shards` (connecting) of `total`; `may_be_empty` when shards come and go
    /// (leases).
    pub fn for_shards(
        shards: impl IntoIterator<Item = u32>,
        total: u32,
        may_be_empty: bool,
    ) -> Self {
        let mut shards: Vec<ShardInfo> = shards.into_iter().map(ShardInfo::connecting).collect();
        shards.sort_by_key(|shard| shard.id);
        Self {
            shards: Mutex::new(shards),
            total,
            may_be_empty,
            changed: watch::Sender::new(0),
        }
    }

    /// The bot's shard count (all instances).
    pub fn total(&self) -> u32 {
        self.total
    }

    /// The ids of the shards this instance runs, ascending.
    pub fn ids(&self) -> Vec<u32> {
        self.lock().iter().map(|shard| shard.id).collect()
    }

    /// Adds shard `id` (connecting) if the board does not have it; announces it.
    pub fn add(&self, id: u32) {
        {
            let mut shards = self.lock();
            if let Err(at) = shards.binary_search_by_key(&id, |shard| shard.id) {
                shards.insert(at, ShardInfo::connecting(id));
            }
        }
        self.changed.send_modify(|version| *version += 1);
    }

    /// Removes shard `id` (this instance no longer runs it); announces it.
    pub fn remove(&self, id: u32) {
        self.lock().retain(|shard| shard.id != id);
        self.changed.send_modify(|version| *version += 1);
    }

    /// Applies `change` to shard `id` and announces it.
    pub fn update(&self, id: u32, change: impl FnOnce(&mut ShardInfo)) {
        {
            let mut shards = self.lock();
            if let Some(shard) = shards.iter_mut().find(|shard| shard.id == id) {
                change(shard);
            }
        }
        self.changed.send_modify(|version| *version += 1);
    }

    /// Whether every shard this instance runs is `READY`, and there is at least one unless
    /// the board may be empty (leases).
    pub fn all_ready(&self) -> bool {
        let shards = self.lock();
        (self.may_be_empty || !shards.is_empty())
            && shards.iter().all(|shard| shard.state == State::Ready)
    }

    /// The state of shard `id`, `None` for a shard the board does not have.
    pub fn state(&self, id: u32) -> Option<State> {
        self.lock()
            .iter()
            .find(|shard| shard.id == id)
            .map(|shard| shard.state)
    }

    /// A snapshot for `GetGatewayStatus`.
    pub fn snapshot(&self) -> Vec<ShardStatus> {
        self.lock()
            .iter()
            .map(|shard| ShardStatus {
                shard_id: shard.id,
                state: shard.state.into(),
                heartbeat_latency_ms: shard.heartbeat_latency_ms,
                session_started_at: shard.session_started_at.clone(),
                resumes: shard.resumes,
                reconnects: shard.reconnects,
            })
            .collect()
    }

    /// Receives a new value whenever a shard changes.
    pub fn watch(&self) -> watch::Receiver<u64> {
        self.changed.subscribe()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<ShardInfo>> {
        self.shards
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ready_only_when_every_shard_is_ready() {
        let board = ShardBoard::new(2);
        assert!(!board.all_ready());
        board.update(0, |s| s.state = State::Ready);
        assert!(!board.all_ready());
        board.update(1, |s| s.state = State::Ready);
        assert!(board.all_ready());
        board.update(1, |s| s.state = State::Resuming);
        assert!(!board.all_ready());
        assert!(!ShardBoard::new(0).all_ready());
        assert_eq!(board.state(1), Some(State::Resuming));
        assert_eq!(board.state(2), None);
    }

    #[test]
    fn boards_of_some_shards() {
        let board = ShardBoard::for_shards([5, 4], 8, false);
        assert_eq!((board.ids(), board.total()), (vec![4, 5], 8));
        board.update(4, |s| s.state = State::Ready);
        board.update(5, |s| s.state = State::Ready);
        assert!(board.all_ready());
        board.add(6);
        board.add(6);
        assert_eq!(board.ids(), vec![4, 5, 6]);
        assert!(!board.all_ready());
        board.remove(6);
        assert!(board.all_ready());
        assert_eq!(
            board
                .snapshot()
                .iter()
                .map(|s| s.shard_id)
                .collect::<Vec<_>>(),
            vec![4, 5]
        );
        let leased = ShardBoard::for_shards([], 8, true);
        assert!(leased.all_ready());
        leased.add(3);
        assert!(!leased.all_ready());
    }

    #[test]
    fn updates_are_announced() {
        let board = ShardBoard::new(1);
        let watch = board.watch();
        board.update(0, |s| s.resumes += 1);
        assert!(watch.has_changed().unwrap());
        assert_eq!(board.snapshot()[0].resumes, 1);
    }
}
