//! gRPC health (`grpc.health.v1.Health`): `SERVING` once the token check passed and every
//! gateway shard is ready; `NOT_SERVING` while a shard is down and during shutdown.
//! Reported for the server as a whole (`""`) and for `discord_api.DiscordApi`.

use crate::state::ProxyState;
use std::sync::Arc;
use tonic_health::{ServingStatus, server::HealthReporter};

/// The service name health is reported under, besides `""`.
pub const SERVICE_NAME: &str = "discord_api.DiscordApi";

/// Whether the server should report `SERVING` now: the token check passed, the token was not
/// revoked since and no Cloudflare ban stops REST traffic, every shard is ready (without a gateway, `--no-gateway`, shards do not count)
/// and shutdown has not begun.
pub fn serving(state: &ProxyState, gateway: bool) -> bool {
    let shards_ready = state.shards.get().is_some_and(|board| board.all_ready());
    state.readiness.is_ready()
        && (shards_ready || !gateway)
        && !state.rest.blocked()
        && !*state.shutdown.borrow()
}

/// Keeps `reporter` in line with [`serving`] until shutdown.
pub async fn drive(reporter: HealthReporter, state: Arc<ProxyState>, gateway: bool) {
    let mut shutdown = state.shutdown.subscribe();
    let mut last = None;
    loop {
        let now = serving(&state, gateway);
        if last != Some(now) {
            let status = if now {
                ServingStatus::Serving
            } else {
                ServingStatus::NotServing
            };
            reporter.set_service_status("", status).await;
            reporter.set_service_status(SERVICE_NAME, status).await;
            tracing::info!(serving = now, "health status");
            last = Some(now);
        }
        if *shutdown.borrow() {
            return;
        }
        let shards_changed = async {
            match state.shards.get() {
                Some(board) => {
                    let mut watch = board.watch();
                    let _ = watch.changed().await;
                }
                // The board appears once the gateway started; look again shortly.
                None => tokio::time::sleep(std::time::Duration::from_millis(100)).await,
            }
        };
        tokio::select! {
            () = shards_changed => {}
            () = state.readiness.changed() => {}
            _ = shutdown.changed() => {}
            // Safety net for a change that lands between the check above and the waits.
            () = tokio::time::sleep(std::time::Duration::from_secs(1)) => {}
        }
    }
}
