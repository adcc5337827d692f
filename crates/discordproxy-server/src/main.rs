//! `discordproxyserver`: parse flags, set up logging, bind, check the token, serve.

use clap::Parser;
use discordproxy_server::{
    app::AppState,
    config::{Cli, Config, ConfigError},
    rpc::DiscordApiService,
    server,
    startup::{self, TokenCheck},
    telemetry,
};
use std::{process::ExitCode, sync::Arc};
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
        telemetry::log_file(&config).display()
    );
    let _log_guard = match telemetry::init(&config) {
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
    tracing::info!(%address, "gRPC server listening");
    if config.sandbox {
        println!("gRPC server listening on {address}");
    }

    let state = Arc::new(AppState::new(&token, &api_base, config.request_timeout));
    let (fatal_tx, fatal_rx) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn({
        let state = Arc::clone(&state);
        async move {
            if startup::check_token(&state.rest, &state.readiness).await == TokenCheck::Invalid {
                let _ = fatal_tx.send(());
            }
        }
    });

    let mut fatal = false;
    let shutdown = async {
        tokio::select! {
            () = shutdown_signal() => tracing::info!("received shutdown signal"),
            Ok(()) = fatal_rx => {
                fatal = true;
                eprintln!("ERROR: invalid Discord bot token");
            }
        }
    };
    let result = server::run(listener, DiscordApiService::new(state), shutdown).await;
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

/// Resolves on SIGINT, SIGTERM or SIGHUP (the original server's signals).
async fn shutdown_signal() {
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
    if streams.is_empty() {
        return std::future::pending().await;
    }
    let waits = streams.iter_mut().map(|stream| Box::pin(stream.recv()));
    futures_util::future::select_all(waits).await;
}
