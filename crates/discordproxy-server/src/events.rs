//! The event bus between the gateway shards and `StreamEvents` subscribers.
//!
//! One bounded broadcast ring (capacity `--event-buffer`, default 1024) is shared by all
//! subscribers: memory stays bounded whatever the clients do. A subscriber that falls more than
//! the capacity behind loses its place and is ended with `RESOURCE_EXHAUSTED`.

use discordproxy_proto::GatewayEvent;
use std::sync::Arc;
use tokio::sync::broadcast;

/// Default number of events a subscriber may fall behind.
pub const DEFAULT_EVENT_BUFFER: usize = 1024;

/// Publishes gateway events to every subscriber.
#[derive(Debug, Clone)]
pub struct EventBus {
    tx: broadcast::Sender<Arc<GatewayEvent>>,
    capacity: usize,
}

impl EventBus {
    /// A bus whose subscribers may fall `capacity` events behind (at least 1).
    pub fn new(capacity: usize) -> Self {
        let capacity = capacity.max(1);
        let (tx, _) = broadcast::channel(capacity);
        Self { tx, capacity }
    }

    /// Sends `event` to every current subscriber (none is fine).
    pub fn publish(&self, event: GatewayEvent) {
        let _ = self.tx.send(Arc::new(event));
    }

    /// A new subscriber, receiving events published from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<Arc<GatewayEvent>> {
        self.tx.subscribe()
    }

    /// How many events a subscriber may fall behind.
    pub fn capacity(&self) -> usize {
        self.capacity
    }

    /// Events currently held in the ring (at most [`EventBus::capacity`]).
    pub fn queued(&self) -> usize {
        self.tx.len()
    }

    /// Number of current subscribers.
    pub fn subscribers(&self) -> usize {
        self.tx.receiver_count()
    }
}

impl Default for EventBus {
    fn default() -> Self {
        Self::new(DEFAULT_EVENT_BUFFER)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
        assert_eq!(bus.tx.len(), 4, "the ring holds at most `capacity` events");
    }
}
