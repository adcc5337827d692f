//! The tonic gRPC server: `discord_api.DiscordApi`, gRPC health and reflection on one bound
//! listener until `shutdown` completes; then health turns `NOT_SERVING`, event streams end with
//! `UNAVAILABLE`, the server stops accepting and in-flight RPCs get [`GRACE_PERIOD`] to finish.

use crate::{app::AppState, health, rpc::DiscordApiService};
use discordproxy_proto::{FILE_DESCRIPTOR_SET, discord_api_server::DiscordApiServer};
use std::{future::Future, sync::Arc, time::Duration};
use tokio::net::TcpListener;
use tonic::transport::{Server, server::TcpIncoming};

/// Time in-flight RPCs get to finish after a shutdown signal.
pub const GRACE_PERIOD: Duration = Duration::from_secs(10);

/// Serves until `shutdown` resolves, then shuts down gracefully. `gateway` says whether health
/// waits for gateway shards to be ready.
///
/// # Errors
/// When the transport fails.
///
/// # Panics
/// If the embedded file descriptor set is invalid (a build defect).
pub async fn run(
    listener: TcpListener,
    state: Arc<AppState>,
    gateway: bool,
    shutdown: impl Future<Output = ()>,
) -> Result<(), tonic::transport::Error> {
    let (reporter, health_service) = tonic_health::server::health_reporter();
    tokio::spawn(health::drive(reporter, Arc::clone(&state), gateway));
    let reflection = tonic_reflection::server::Builder::configure()
        .register_encoded_file_descriptor_set(FILE_DESCRIPTOR_SET)
        .register_encoded_file_descriptor_set(tonic_health::pb::FILE_DESCRIPTOR_SET)
        .build_v1()
        .expect("the embedded descriptor sets are valid");

    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let serve = Server::builder()
        .add_service(health_service)
        .add_service(reflection)
        .add_service(DiscordApiServer::new(DiscordApiService::new(Arc::clone(
            &state,
        ))))
        .serve_with_incoming_shutdown(
            TcpIncoming::from(listener).with_nodelay(Some(true)),
            async {
                let _ = stop_rx.await;
            },
        );
    tokio::pin!(serve);
    tokio::select! {
        result = &mut serve => return result,
        () = shutdown => {}
    }
    tracing::info!(
        grace_period_s = GRACE_PERIOD.as_secs(),
        "shutting down: finishing in-flight RPCs"
    );
    state.shutdown.send_replace(true);
    let _ = stop_tx.send(());
    match tokio::time::timeout(GRACE_PERIOD, serve).await {
        Ok(result) => result,
        Err(_) => {
            tracing::warn!("grace period over; closing remaining connections");
            Ok(())
        }
    }
}
