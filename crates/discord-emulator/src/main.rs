//! `discord-emulator`: serves the Discord API emulator until SIGINT or SIGTERM.
//!
//! The first stdout line is `discord-emulator listening on http://127.0.0.1:PORT`; logs go to
//! stderr (`RUST_LOG` filters them, default `info`).

use std::io::Write;

use anyhow::Context;
use clap::Parser;
use discord_emulator::Emulator;
use discord_emulator::config::{Cli, Config};
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()))
        .with_writer(std::io::stderr)
        .init();
    let config = Config::from_cli(cli)?;
    tracing::info!(rate_limits = ?config.options.rate_limits, "rate limits");
    let listener = tokio::net::TcpListener::bind(config.listen)
        .await
        .with_context(|| format!("cannot listen on {}", config.listen))?;
    let emulator = Emulator::start(listener, config.options).await?;
    {
        let mut stdout = std::io::stdout().lock();
        writeln!(
            stdout,
            "discord-emulator listening on {}",
            emulator.base_url()
        )?;
        stdout.flush()?;
    }
    shutdown_signal().await;
    tracing::info!("shutting down");
    emulator.shutdown().await;
    Ok(())
}

/// Resolves on SIGINT (Ctrl-C) or SIGTERM.
async fn shutdown_signal() {
    let interrupt = async {
        if let Err(error) = tokio::signal::ctrl_c().await {
            tracing::error!(%error, "cannot listen for SIGINT");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(error) => {
                tracing::error!(%error, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {}
        () = terminate => {}
    }
}
