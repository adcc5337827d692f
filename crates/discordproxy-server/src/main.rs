//! `discordproxyserver`: parse flags, set up logging, bind, check the token, serve.

use clap::Parser;
use discordproxy_server::{
    config::{Cli, Config, ConfigError},
    discord::{
        self,
        gateway::{Gateway, GatewayOptions, Sinks},
    },
    exposure, metrics_server, server,
    startup::{self, TokenCheck},
    state::ProxyState,
    telemetry,
    token::BotToken,
};
use std::{
    process::ExitCode,
    sync::{Arc, Mutex, PoisonError},
    time::Duration,
};
use tokio::net::TcpListener;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let config = match Config::from_cli(cli, |name| std::env::var(name).ok()) {
        Ok(config) => config,
        Err(ConfigError::NoToken) => {
            println!("ERROR: {}", ConfigError::NoToken);
            return ExitCode::FAILURE;
        }
        Err(error) => {
            eprintln!("ERROR: {error}");
            return ExitCode::FAILURE;
        }
    };
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("ERROR: cannot start the async runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(run(config))
}

async fn run(config: Config) -> ExitCode {
    println!(
        "Writing logfile to: {}",
        telemetry::log_file(&config.logging()).display()
    );
    let _log_guard = match telemetry::init(&config.logging()) {
        Ok(guard) => guard,
        Err(error) => {
            eprintln!("ERROR: cannot open the log file: {error}");
            return ExitCode::FAILURE;
        }
    };
    tracing::info!(
        version = env!("CARGO_PKG_VERSION"),
        "starting discordproxyserver"
    );

    #[cfg(feature = "sandbox")]
    let mut _emulator = None;
    let (token, api_base) = if config.sandbox {
        #[cfg(feature = "sandbox")]
        {
            match discordproxy_server::sandbox::start().await {
                Ok((emulator, token, api)) => {
                    let url = emulator.api_base_url();
                    tracing::warn!(emulator = %url, "SANDBOX MODE: not talking to Discord");
                    println!(
                        "SANDBOX MODE: not talking to Discord; using the built-in emulator at {url}"
                    );
                    _emulator = Some(emulator);
                    (token, api)
                }
                Err(error) => {
                    eprintln!("ERROR: cannot start the sandbox emulator: {error}");
                    return ExitCode::FAILURE;
                }
            }
        }
        #[cfg(not(feature = "sandbox"))]
        {
            eprintln!("ERROR: this build has no --sandbox support (cargo feature `sandbox`)");
            return ExitCode::FAILURE;
        }
    } else {
        match config.token.clone() {
            Some(token) => (token, config.api_base.clone()),
            None => {
                println!("ERROR: {}", ConfigError::NoToken);
                return ExitCode::FAILURE;
            }
        }
    };

    // Before the listening line: a SIGTERM right after it must shut down gracefully, not kill.
    let signals = install_signal_handlers();
    let listener = match TcpListener::bind(config.listen).await {
        Ok(listener) => listener,
        Err(error) => {
            tracing::error!(%error, address = %config.listen, "cannot bind the gRPC port");
            eprintln!("ERROR: cannot bind {}: {error}", config.listen);
            return ExitCode::FAILURE;
        }
    };
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

    let state = Arc::new(
        ProxyState::new(&token, &api_base, config.request_timeout)
            .with_rest_options(&token, &api_base, &config.rest)
            .with_event_buffer(config.event_buffer)
            .with_negative_cache_ttl(config.negative_cache_ttl)
            .with_max_pending(config.max_pending),
    );
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
            Err(error) => {
                tracing::error!(%error, %address, "cannot bind the metrics address");
                eprintln!("ERROR: cannot bind --metrics-addr {address}: {error}");
                return ExitCode::FAILURE;
            }
        }
    }
    let (fatal_tx, mut fatal_rx) = tokio::sync::mpsc::channel::<String>(4);
    let gateway_slot = Arc::new(Mutex::new(None::<Gateway>));
    tokio::spawn(start_up(
        Arc::clone(&state),
        token,
        config.gateway.clone(),
        fatal_tx,
        Arc::clone(&gateway_slot),
    ));

    let mut fatal = false;
    let shutdown = async {
        tokio::select! {
            () = shutdown_signal(signals) => tracing::info!("received shutdown signal"),
            Some(reason) = fatal_rx.recv() => {
                fatal = true;
                eprintln!("ERROR: {reason}");
            }
        }
    };
    let result = server::run_with(
        listener,
        Arc::clone(&state),
        config.gateway.is_some(),
        config.serve.clone(),
        shutdown,
    )
    .await;
    let gateway = gateway_slot
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .take();
    if let Some(gateway) = gateway {
        gateway.close(Duration::from_secs(3)).await;
    }
    tracing::info!("gRPC server has shut down");
    match result {
        Err(error) => {
            tracing::error!(%error, "gRPC server failed");
            ExitCode::FAILURE
        }
        Ok(()) if fatal => ExitCode::FAILURE,
        Ok(()) => ExitCode::SUCCESS,
    }
}

/// The token check, then the gateway. Problems that must end the process go to `fatal`.
async fn start_up(
    state: Arc<ProxyState>,
    token: BotToken,
    gateway: Option<GatewayOptions>,
    fatal: tokio::sync::mpsc::Sender<String>,
    slot: Arc<Mutex<Option<Gateway>>>,
) {
    if startup::check_token(&state.rest, &state.readiness).await == TokenCheck::Invalid {
        let _ = fatal.send("invalid Discord bot token".to_owned()).await;
        return;
    }
    let Some(options) = gateway else { return };
    let sinks = Sinks {
        bus: state.events.clone(),
        cache: Arc::clone(&state.cache),
    };
    match discord::gateway::start(&state.rest, &token, &options, sinks).await {
        Ok((gateway, mut closes)) => {
            let _ = state.shards.set(Arc::clone(&gateway.board));
            slot.lock()
                .unwrap_or_else(PoisonError::into_inner)
                .replace(gateway);
            if let Some(close) = closes.recv().await {
                let _ = fatal.send(close.reason).await;
            }
        }
        Err(error) => tracing::error!(
            %error,
            "could not start the gateway session; REST calls keep working, no events"
        ),
    }
}

/// Handlers for SIGINT, SIGTERM and SIGHUP (the original server's signals).
fn install_signal_handlers() -> Vec<tokio::signal::unix::Signal> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut streams = Vec::new();
    for kind in [
        SignalKind::interrupt(),
        SignalKind::terminate(),
        SignalKind::hangup(),
    ] {
        match signal(kind) {
            Ok(stream) => streams.push(stream),
            Err(error) => tracing::warn!(%error, "cannot install a signal handler"),
        }
    }
    streams
}

/// Resolves on the first of the `streams`' signals.
async fn shutdown_signal(mut streams: Vec<tokio::signal::unix::Signal>) {
    if streams.is_empty() {
        return std::future::pending().await;
    }
    let waits = streams.iter_mut().map(|stream| Box::pin(stream.recv()));
    futures_util::future::select_all(waits).await;
}
