//! A session's replay buffer: the last N dispatches (already serialized), so that RESUME can
//! send everything after the client's last sequence number.

use std::collections::VecDeque;
use std::sync::Arc;

/// The last `capacity` dispatch payloads of a session, by sequence number.
#[derive(Debug)]
pub(crate) struct ReplayBuffer {
    capacity: usize,
    /// `(seq, payload)`, oldest first; sequence numbers are consecutive.
    frames: VecDeque<(u64, Arc<str>)>,
}

impl ReplayBuffer {
    /// An empty buffer keeping at most `capacity` dispatches (at least 1).
    pub(crate) fn new(capacity: usize) -> Self {
        Self {
            capacity: capacity.max(1),
            frames: VecDeque::new(),
        }
    }

    /// Remembers dispatch `seq` (the next one after the last pushed), dropping the oldest when
    /// full.
    pub(crate) fn push(&mut self, seq: u64, payload: Arc<str>) {
        self.frames.push_back((seq, payload));
        while self.frames.len() > self.capacity {
            self.frames.pop_front();
        }
    }

    /// The dispatches after `after` (the client's last seen sequence number), oldest first, or
    /// `None` when some of them were already dropped or `after` is newer than `current` (the
    /// session's last sequence number): such a session cannot be resumed.
    pub(crate) fn after(&self, after: u64, current: u64) -> Option<Vec<Arc<str>>> {
        if after > current {
            return None;
        }
        if after == current {
            return Some(Vec::new());
        }
        let oldest = self.frames.front()?.0;
        if after + 1 < oldest {
            return None;
        }
        Some(
            self.frames
                .iter()
                .filter(|(seq, _)| *seq > after)
                .map(|(_, payload)| Arc::clone(payload))
                .collect(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn buffer(capacity: usize, up_to: u64) -> ReplayBuffer {
        let mut buffer = ReplayBuffer::new(capacity);
        for seq in 1..=up_to {
            buffer.push(seq, Arc::from(seq.to_string()));
        }
        buffer
    }

    fn texts(frames: Option<Vec<Arc<str>>>) -> Option<Vec<String>> {
        frames.map(|frames| frames.iter().map(ToString::to_string).collect())
    }

    #[test]
    fn replays_what_follows() {
        let buffer = buffer(10, 5);
        assert_eq!(
            texts(buffer.after(2, 5)),
            Some(vec!["3".into(), "4".into(), "5".into()])
        );
        assert_eq!(texts(buffer.after(0, 5)).map(|v| v.len()), Some(5));
        assert_eq!(texts(buffer.after(5, 5)), Some(vec![]));
        assert_eq!(texts(buffer.after(6, 5)), None);
    }

    #[test]
    fn too_old_cannot_resume() {
        let buffer = buffer(3, 10);
        assert_eq!(
            texts(buffer.after(7, 10)),
            Some(vec!["8".into(), "9".into(), "10".into()])
        );
        assert_eq!(texts(buffer.after(6, 10)), None);
        let empty = ReplayBuffer::new(3);
        assert_eq!(texts(empty.after(0, 0)), Some(vec![]));
    }
}
