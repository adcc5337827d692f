//! [`serve`]: the whole server for one validated [`Config`] on a bound listener: the sandbox
//! emulator (`--sandbox`), the shared state, the metrics endpoint, the start-up token check
//! and gateway session, the gRPC server, and the shutdown order (health `NOT_SERVING`, stop
//! accepting, finish in-flight RPCs, close the gateway with a normal close frame).

use crate::{
    config::Config,
    discord::{
        api_base::ApiBase,
        gateway::{self, Gateway, GatewayOptions, Sinks},
    },
    exposure, metrics_server, server,
    startup::{self, TokenCheck},
    state::ProxyState,
    token::BotToken,
};
use std::{
    future::Future,
    net::SocketAddr,
    sync::{Arc, Mutex, PoisonError},
    time::Duration,
};
use thiserror::Error;
use tokio::{net::TcpListener, sync::mpsc};

/// Time the gateway shards get to close after the gRPC server stopped.
const GATEWAY_CLOSE_GRACE: Duration = Duration::from_secs(3);

/// Why [`serve`] ended with a failure (the binary prints it as `ERROR: …` and exits 1).
#[derive(Debug, Error)]
pub enum ServeError {
    /// No bot token and not `--sandbox`.
    #[error("No Discord bot token provided")]
    NoToken,
    /// `--sandbox` could not start the bundled emulator.
    #[error("cannot start the sandbox emulator: {0}")]
    Sandbox(std::io::Error),
    /// `--sandbox` in a build without the `sandbox` cargo feature.
    #[error("this build has no --sandbox support (cargo feature `sandbox`)")]
    NoSandbox,
    /// `--metrics-addr` cannot be bound.
    #[error("cannot bind --metrics-addr {address}: {source}")]
    MetricsBind {
        /// The address asked for.
        address: SocketAddr,
        /// Why binding failed.
        source: std::io::Error,
    },
    /// A problem that ended the process while serving: the token was refused at start-up, or
    /// the gateway closed with a code reconnecting cannot fix (the reason says what to fix).
    #[error("{0}")]
    Fatal(String),
    /// The gRPC transport failed (logged as `gRPC server failed`).
    #[error("gRPC server failed: {0}")]
    Transport(#[from] tonic::transport::Error),
}

/// Serves `config` on `listener` until `shutdown` resolves (or a fatal problem occurs), then
/// shuts down gracefully.
///
/// Prints the console lines of the binary: with `--sandbox` the `SANDBOX MODE: …` notice and
/// `gRPC server listening on ADDRESS` (stdout), and the security warning for a non-loopback
/// address without TLS or authentication (stderr).
///
/// # Errors
/// See [`ServeError`].
pub async fn serve(
    config: Config,
    listener: TcpListener,
    shutdown: impl Future<Output = ()>,
) -> Result<(), ServeError> {
    #[cfg(feature = "sandbox")]
    let mut _emulator = None;
    let (token, api_base) = if config.sandbox {
        #[cfg(feature = "sandbox")]
        {
            let (emulator, token, api) =
                crate::sandbox::start().await.map_err(ServeError::Sandbox)?;
            let url = emulator.api_base_url();
            tracing::warn!(emulator = %url, "SANDBOX MODE: not talking to Discord");
            println!("SANDBOX MODE: not talking to Discord; using the built-in emulator at {url}");
            _emulator = Some(emulator);
            (token, api)
        }
        #[cfg(not(feature = "sandbox"))]
        {
            return Err(ServeError::NoSandbox);
        }
    } else {
        match config.token.clone() {
            Some(token) => (token, config.api_base.clone()),
            None => return Err(ServeError::NoToken),
        }
    };
    announce(&config, &listener);

    let state = Arc::new(state(&config, &token, &api_base)?);
    if let Some(address) = config.metrics_addr {
        match TcpListener::bind(address).await {
            Ok(listener) => {
                tracing::info!(%address, "serving Prometheus metrics at /metrics");
                tokio::spawn(metrics_server::serve(
                    listener,
                    Arc::clone(&state),
                    config.gateway.is_some(),
                ));
            }
            Err(source) => {
                tracing::error!(error = %source, %address, "cannot bind the metrics address");
                return Err(ServeError::MetricsBind { address, source });
            }
        }
    }
    let (fatal_tx, mut fatal_rx) = mpsc::channel::<String>(4);
    let gateway_slot = Arc::new(Mutex::new(None::<Gateway>));
    tokio::spawn(start_up(
        Arc::clone(&state),
        token,
        config.gateway.clone(),
        fatal_tx,
        Arc::clone(&gateway_slot),
    ));

    let mut fatal = None;
    let stop = async {
        tokio::select! {
            () = shutdown => {}
            Some(reason) = fatal_rx.recv() => fatal = Some(reason),
        }
    };
    let result = server::run_with(
        listener,
        Arc::clone(&state),
        config.gateway.is_some(),
        config.serve.clone(),
        stop,
    )
    .await;
    let gateway = gateway_slot
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .take();
    if let Some(gateway) = gateway {
        gateway.close(GATEWAY_CLOSE_GRACE).await;
    }
    tracing::info!("gRPC server has shut down");
    if let Err(error) = result {
        tracing::error!(%error, "gRPC server failed");
        return Err(ServeError::Transport(error));
    }
    fatal.map_or(Ok(()), |reason| Err(ServeError::Fatal(reason)))
}

/// Logs the listening address and settings; prints the listening line (`--sandbox`) and the
/// security warning.
fn announce(config: &Config, listener: &TcpListener) {
    let address = listener
        .local_addr()
        .map_or_else(|_| config.listen.to_string(), |a| a.to_string());
    let tls = config.serve.tls.as_ref();
    let key_names = config
        .serve
        .api_keys
        .as_ref()
        .map(|keys| keys.names().collect::<Vec<_>>().join(","));
    tracing::info!(
        %address,
        tls = tls.is_some(),
        client_certificates = tls.is_some_and(|tls| tls.requires_client_certs()),
        api_keys = key_names.as_deref().unwrap_or("off"),
        "gRPC server listening"
    );
    if config.sandbox {
        println!("gRPC server listening on {address}");
    }
    if let Some(warning) = listener.local_addr().ok().and_then(|local| {
        exposure::warning(
            local,
            tls.is_some(),
            config.serve.api_keys.is_some() || tls.is_some_and(|tls| tls.requires_client_certs()),
        )
    }) {
        tracing::warn!("{warning}");
        eprintln!("{warning}");
    }
}

/// The shared state for `config`, talking to `api` with `token`.
fn state(config: &Config, token: &BotToken, api: &ApiBase) -> Result<ProxyState, ServeError> {
    let state = ProxyState::new(token, api, config.request_timeout)
        .with_rest_options(token, api, &config.rest)
        .with_event_buffer(config.event_buffer)
        .with_negative_cache_ttl(config.negative_cache_ttl)
        .with_max_pending(config.max_pending);
    match &config.redis {
        Some(redis) => state
            .with_redis(token, api, &config.rest, redis)
            .map_err(|error| ServeError::Fatal(error.to_string())),
        None => Ok(state),
    }
}

/// The token check, then the gateway. Problems that must end the process go to `fatal`.
async fn start_up(
    state: Arc<ProxyState>,
    token: BotToken,
    gateway: Option<GatewayOptions>,
    fatal: mpsc::Sender<String>,
    slot: Arc<Mutex<Option<Gateway>>>,
) {
    if startup::check_token(&state.rest, &state.readiness).await == TokenCheck::Invalid {
        let _ = fatal.send("invalid Discord bot token".to_owned()).await;
        return;
    }
    let Some(options) = gateway else {
        startup::learn_application_id(&state.rest, &state.application).await;
        return;
    };
    state.application.expect_gateway();
    if state.redis.is_some() {
        // With leases this instance may hold no shard, and then no READY of its own tells
        // the application id: REST tells it too.
        let learner = Arc::clone(&state);
        tokio::spawn(async move {
            startup::learn_application_id(&learner.rest, &learner.application).await;
        });
    }
    let sinks = Sinks {
        bus: state.events.clone(),
        cache: Arc::clone(&state.cache),
        application: Arc::clone(&state.application),
        shared: state.shared_events.clone(),
    };
    match gateway::start(&state.rest, &token, &options, sinks).await {
        Ok((gateway, mut closes)) => {
            state.attach_gateway(&gateway);
            slot.lock()
                .unwrap_or_else(PoisonError::into_inner)
                .replace(gateway);
            if let Some(close) = closes.recv().await {
                let _ = fatal.send(close.reason).await;
            }
        }
        Err(error) => {
            tracing::error!(
                %error,
                "could not start the gateway session; REST calls keep working, no events"
            );
            // No READY will tell the application id: ask REST, as with --no-gateway.
            state.application.gateway_failed();
            startup::learn_application_id(&state.rest, &state.application).await;
        }
    }
}
