//! Start-up gate: RPCs that arrive before the token check finished wait for it.

use crate::error::{Error, Result};
use tokio::sync::watch;

/// Outcome of the start-up check: not yet known, passed, or failed with a reason.
#[derive(Debug, Clone, PartialEq, Eq)]
enum State {
    Pending,
    Ready,
    Failed(String),
}

/// Shared start-up state. Cloning gives another handle to the same gate.
#[derive(Debug, Clone)]
pub struct Readiness {
    tx: std::sync::Arc<watch::Sender<State>>,
}

impl Readiness {
    /// A gate that is still closed.
    pub fn pending() -> Self {
        Self {
            tx: std::sync::Arc::new(watch::Sender::new(State::Pending)),
        }
    }

    /// Opens the gate: waiting and later RPCs proceed.
    pub fn set_ready(&self) {
        self.tx.send_replace(State::Ready);
    }

    /// Fails the gate: waiting and later RPCs get `UNAVAILABLE` with `reason`.
    pub fn set_failed(&self, reason: impl Into<String>) {
        self.tx.send_replace(State::Failed(reason.into()));
    }

    /// Whether the start-up check passed.
    pub fn is_ready(&self) -> bool {
        *self.tx.borrow() == State::Ready
    }

    /// Resolves on the next change of the gate.
    pub async fn changed(&self) {
        let mut rx = self.tx.subscribe();
        let _ = rx.changed().await;
    }

    /// Waits until the start-up check finished.
    ///
    /// # Errors
    /// [`Error::Unavailable`] when the check failed.
    pub async fn wait(&self) -> Result<()> {
        let mut rx = self.tx.subscribe();
        let state = rx
            .wait_for(|state| *state != State::Pending)
            .await
            .map_err(|_| Error::Unavailable("server is shutting down".into()))?
            .clone();
        match state {
            State::Failed(reason) => Err(Error::Unavailable(reason)),
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn waiters_are_released_when_ready() {
        let gate = Readiness::pending();
        let waiter = tokio::spawn({
            let gate = gate.clone();
            async move { gate.wait().await }
        });
        tokio::task::yield_now().await;
        assert!(!waiter.is_finished());
        gate.set_ready();
        assert!(waiter.await.unwrap().is_ok());
    }

    #[tokio::test]
    async fn failure_reaches_waiters() {
        let gate = Readiness::pending();
        gate.set_failed("invalid Discord bot token");
        assert!(
            matches!(gate.wait().await, Err(Error::Unavailable(reason)) if reason.contains("invalid"))
        );
    }
}
