//! The tonic gRPC server: `discord_api.DiscordApi`, gRPC health and reflection on one bound
//! listener until `shutdown` completes; then health turns `NOT_SERVING`, event streams end with
//! `UNAVAILABLE`, the server stops accepting and in-flight RPCs get [`GRACE_PERIOD`] to finish.
//!
//! [`ServeOptions`] add TLS (optionally requiring client certificates), API keys for the
//! DiscordApi service (health and reflection stay open) and request limits.

use crate::{
    api_keys::ApiKeys,
    auth::RequireApiKey,
    health,
    request_limits::{SplitBySize, file_rpc_limit},
    rpc::DiscordApiService,
    state::ProxyState,
    tls::TlsSettings,
};
use discordproxy_proto::{FILE_DESCRIPTOR_SET, discord_api_server::DiscordApiServer};
use std::{future::Future, sync::Arc, time::Duration};
use tokio::net::TcpListener;
use tonic::transport::{Server, server::TcpIncoming};

/// Time in-flight RPCs get to finish after a shutdown signal.
pub const GRACE_PERIOD: Duration = Duration::from_secs(10);

/// Default `--max-request-bytes`: largest request message accepted (4 MiB).
pub const DEFAULT_MAX_REQUEST_BYTES: usize = 4 * 1024 * 1024;

/// Default `--max-streams-per-connection`: concurrent HTTP/2 streams (calls) per connection.
pub const DEFAULT_MAX_STREAMS_PER_CONNECTION: u32 = 256;

/// How the gRPC port is served besides the RPCs themselves.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// TLS (`--tls-cert`, `--tls-key`, `--tls-client-ca`); `None`: plaintext h2c (default).
    pub tls: Option<TlsSettings>,
    /// API keys (`--api-keys-file`) required by DiscordApi calls; `None`: no key needed
    /// (default).
    pub api_keys: Option<Arc<ApiKeys>>,
    /// Largest DiscordApi request message in bytes (`--max-request-bytes`, default 4 MiB); a
    /// larger one is refused by tonic with `OUT_OF_RANGE` before the handler runs. The RPCs
    /// that carry files accept 26 MiB (Discord's 25 MiB of files plus 1 MiB), or this limit
    /// when it is larger (see `request_limits`).
    pub max_request_bytes: usize,
    /// HTTP/2 streams a client may have open at once on one connection
    /// (`--max-streams-per-connection`, default 256); further calls wait for a free stream on
    /// the client side.
    pub max_streams_per_connection: u32,
}

impl Default for ServeOptions {
    fn default() -> Self {
        Self {
            tls: None,
            api_keys: None,
            max_request_bytes: DEFAULT_MAX_REQUEST_BYTES,
            max_streams_per_connection: DEFAULT_MAX_STREAMS_PER_CONNECTION,
        }
    }
}

/// Serves until `shutdown` resolves, then shuts down gracefully. `gateway` says whether health
/// waits for gateway shards to be ready. Plaintext, no API keys, default limits: see
/// [`run_with`].
///
/// # Errors
/// When the transport fails.
///
/// # Panics
/// If the embedded file descriptor set is invalid (a build defect).
pub async fn run(
    listener: TcpListener,
    state: Arc<ProxyState>,
    gateway: bool,
    shutdown: impl Future<Output = ()>,
) -> Result<(), tonic::transport::Error> {
    run_with(listener, state, gateway, ServeOptions::default(), shutdown).await
}

/// [`run`] with TLS, API keys and request limits from `options`.
///
/// # Errors
/// When the TLS configuration cannot be built (checked earlier by [`TlsSettings::load`]) or
/// the transport fails.
///
/// # Panics
/// If the embedded file descriptor set is invalid (a build defect).
pub async fn run_with(
    listener: TcpListener,
    state: Arc<ProxyState>,
    gateway: bool,
    options: ServeOptions,
    shutdown: impl Future<Output = ()>,
) -> Result<(), tonic::transport::Error> {
    let (reporter, health_service) = tonic_health::server::health_reporter();
    tokio::spawn(health::drive(reporter, Arc::clone(&state), gateway));
    // Reflection in both versions: grpcurl and current clients speak v1; Python's
    // grpcio-reflection, older grpcurl, evans and Postman speak only v1alpha.
    let reflection = || {
        tonic_reflection::server::Builder::configure()
            .register_encoded_file_descriptor_set(FILE_DESCRIPTOR_SET)
            .register_encoded_file_descriptor_set(tonic_health::pb::FILE_DESCRIPTOR_SET)
    };
    let reflection_v1 = reflection()
        .build_v1()
        .expect("the embedded descriptor sets are valid");
    let reflection_v1alpha = reflection()
        .build_v1alpha()
        .expect("the embedded descriptor sets are valid");

    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let service = DiscordApiService::new(Arc::clone(&state));
    let api = SplitBySize::new(
        DiscordApiServer::new(service.clone()).max_decoding_message_size(options.max_request_bytes),
        DiscordApiServer::new(service)
            .max_decoding_message_size(file_rpc_limit(options.max_request_bytes)),
    );
    let api = RequireApiKey::new(api, options.api_keys, Arc::clone(&state.metrics));
    let mut builder =
        Server::builder().max_concurrent_streams(Some(options.max_streams_per_connection));
    if let Some(tls) = &options.tls {
        builder = builder.tls_config(tls.server_config())?;
    }
    let serve = builder
        .add_service(health_service)
        .add_service(reflection_v1)
        .add_service(reflection_v1alpha)
        .add_service(api)
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
