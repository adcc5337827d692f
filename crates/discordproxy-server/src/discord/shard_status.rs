//! Per-shard gateway state for `GetGatewayStatus` and health.

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

/// All shards' state; changes are announced on a watch channel (for health).
#[derive(Debug)]
pub struct ShardBoard {
    shards: Mutex<Vec<ShardInfo>>,
    changed: watch::Sender<u64>,
}

impl ShardBoard {
    /// A board for `count` shards, all connecting.
    pub fn new(count: u32) -> Self {
        let shards = (0..count)
            .map(|id| ShardInfo {
                id,
                state: State::Connecting,
                heartbeat_latency_ms: -1,
                session_started_at: String::new(),
                resumes: 0,
                reconnects: 0,
            })
            .collect();
        Self {
            shards: Mutex::new(shards),
            changed: watch::Sender::new(0),
        }
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

    /// Whether there is at least one shard and every shard is `READY`.
    pub fn all_ready(&self) -> bool {
        let shards = self.lock();
        !shards.is_empty() && shards.iter().all(|shard| shard.state == State::Ready)
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
    fn updates_are_announced() {
        let board = ShardBoard::new(1);
        let watch = board.watch();
        board.update(0, |s| s.resumes += 1);
        assert!(watch.has_changed().unwrap());
        assert_eq!(board.snapshot()[0].resumes, 1);
    }
}
