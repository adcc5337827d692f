//! The bot's application id, which the application-command routes need: learned from READY's
//! `application.id` (with a gateway) or from `GET /applications/@me` at start-up (with
//! `--no-gateway`); callers never pass it.
//! <https://discord.com/developers/docs/events/gateway-events#ready>

use std::sync::atomic::{AtomicBool, Ordering};
use tokio::sync::watch;
use tokio::time::Instant;

/// The application id once known, with whether a gateway session will tell it.
#[derive(Debug)]
pub struct ApplicationId {
    id: watch::Sender<Option<u64>>,
    from_gateway: AtomicBool,
}

impl Default for ApplicationId {
    fn default() -> Self {
        Self {
            id: watch::Sender::new(None),
            from_gateway: AtomicBool::new(false),
        }
    }
}

impl ApplicationId {
    /// Records the id (READY or `GET /applications/@me`); 0 is ignored.
    pub fn set(&self, id: u64) {
        if id != 0 {
            self.id.send_replace(Some(id));
        }
    }

    /// The id, if known.
    pub fn get(&self) -> Option<u64> {
        *self.id.borrow()
    }

    /// Marks that a gateway session was started: its READY will tell the id.
    pub fn expect_gateway(&self) {
        self.from_gateway.store(true, Ordering::SeqCst);
    }

    /// Marks that the gateway session could not start: the id must come from REST.
    pub fn gateway_failed(&self) {
        self.from_gateway.store(false, Ordering::SeqCst);
    }

    /// Whether a gateway session will tell the id.
    pub fn from_gateway(&self) -> bool {
        self.from_gateway.load(Ordering::SeqCst)
    }

    /// Waits until the id is known, at most until `deadline`.
    pub async fn wait(&self, deadline: Instant) -> Option<u64> {
        let mut receiver = self.id.subscribe();
        let known = tokio::time::timeout_at(deadline, receiver.wait_for(Option::is_some)).await;
        match known {
            Ok(Ok(id)) => *id,
            _ => self.get(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::{sync::Arc, time::Duration};

    #[tokio::test]
    async fn a_waiting_call_gets_the_id_once_set() {
        let holder = Arc::new(ApplicationId::default());
        assert_eq!(holder.get(), None);
        let soon = Instant::now() + Duration::from_millis(20);
        assert_eq!(holder.wait(soon).await, None);
        let setter = Arc::clone(&holder);
        tokio::spawn(async move { setter.set(42) });
        assert_eq!(
            holder.wait(Instant::now() + Duration::from_secs(5)).await,
            Some(42)
        );
        holder.set(0);
        assert_eq!(holder.get(), Some(42));
    }

    #[test]
    fn a_gateway_that_failed_to_start_tells_nothing() {
        let holder = ApplicationId::default();
        assert!(!holder.from_gateway());
        holder.expect_gateway();
        assert!(holder.from_gateway());
        holder.gateway_failed();
        assert!(!holder.from_gateway());
    }
}
