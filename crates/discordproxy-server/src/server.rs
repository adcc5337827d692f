//! The tonic gRPC server: serves [`DiscordApiService`] on a bound listener until `shutdown`
//! completes, then stops accepting and lets in-flight RPCs finish within [`GRACE_PERIOD`].

use crate::rpc::DiscordApiService;
use discordproxy_proto::discord_api_server::DiscordApiServer;
use std::{future::Future, time::Duration};
use tokio::net::TcpListener;
use tonic::transport::{Server, server::TcpIncoming};

/// Time in-flight RPCs get to finish after a shutdown signal.
pub const GRACE_PERIOD: Duration = Duration::from_secs(10);

/// Serves until `shutdown` resolves, then shuts down gracefully.
///
/// # Errors
/// When the transport fails.
pub async fn run(
    listener: TcpListener,
    service: DiscordApiService,
    shutdown: impl Future<Output = ()>,
) -> Result<(), tonic::transport::Error> {
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let serve = Server::builder()
        .add_service(DiscordApiServer::new(service))
        .serve_with_incoming_shutdown(TcpIncoming::from(listener), async {
            let _ = stop_rx.await;
        });
    tokio::pin!(serve);
    tokio::select! {
        result = &mut serve => return result,
        () = shutdown => {}
    }
    tracing::info!(
        grace_period_s = GRACE_PERIOD.as_secs(),
        "shutting down: finishing in-flight RPCs"
    );
    let _ = stop_tx.send(());
    match tokio::time::timeout(GRACE_PERIOD, serve).await {
        Ok(result) => result,
        Err(_) => {
            tracing::warn!("grace period over; closing remaining connections");
            Ok(())
        }
    }
}
