//! `discordproxyserver`: parse flags, set up logging, bind, serve until a signal.

use clap::Parser;
use discordproxy_server::{Cli, Config, ConfigError, ServeError, init_logging, log_file, serve};
use std::process::ExitCode;
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
    let logging = config.logging();
    println!("Writing logfile to: {}", log_file(&logging).display());
    let _log_guard = match init_logging(&logging) {
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
    let shutdown = async {
        shutdown_signal(signals).await;
        tracing::info!("received shutdown signal");
    };
    match serve(config, listener, shutdown).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(ServeError::NoToken) => {
            println!("ERROR: {}", ServeError::NoToken);
            ExitCode::FAILURE
        }
        // Logged by `serve`; the original printed nothing for it either.
        Err(ServeError::Transport(_)) => ExitCode::FAILURE,
        Err(error) => {
            eprintln!("ERROR: {error}");
            ExitCode::FAILURE
        }
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
