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
        // Colours only on a terminal, and not with NO_COLOR (https://no-color.org).
        .with_ansi(
            std::io::IsTerminal::is_terminal(&std::io::stderr())
                && std::env::var_os("NO_COLOR").is_none_or(|value| value.is_empty()),
        )
        .init();
    let config = Config::from_cli(cli)?;
    tracing::info!(rate_limits = ?config.options.rate_limits, "rate limits");
    let listener = tokio::net::TcpListener::bind(config.listen)
        .await
        .with_context(|| format!("cannot listen on {}", config.listen))?;
    let emulator = Emulator::start(listener, config.options).await?;
    let shutdown = shutdown_signal();
    {
        let mut stdout = std::io::stdout().lock();
        writeln!(
            stdout,
            "discord-emulator listening on {}",
            emulator.base_url()
        )?;
        stdout.flush()?;
    }
    shutdown.await;
    tracing::info!("shutting down");
    emulator.shutdown().await;
    Ok(())
}

/// Listens for SIGINT (Ctrl-C) and SIGTERM from now on; the future resolves on either.
///
/// The handlers are installed before the listening line is printed, so a test that sends
/// SIGTERM right after reading it gets a clean shutdown, never the default "killed by signal".
fn shutdown_signal() -> impl std::future::Future<Output = ()> {
    #[cfg(unix)]
    let signals = {
        use tokio::signal::unix::{SignalKind, signal};
        let listen = |kind: SignalKind, name: &'static str| {
            signal(kind)
                .inspect_err(|error| tracing::error!(%error, "cannot listen for {name}"))
                .ok()
        };
        (
            listen(SignalKind::interrupt(), "SIGINT"),
            listen(SignalKind::terminate(), "SIGTERM"),
        )
    };
    async move {
        #[cfg(unix)]
        {
            let (mut interrupt, mut terminate) = signals;
            let wait = |signal: Option<tokio::signal::unix::Signal>| async move {
                match signal {
                    Some(mut signal) => {
                        signal.recv().await;
                    }
                    None => std::future::pending::<()>().await,
                }
            };
            tokio::select! {
                () = wait(interrupt.take()) => {}
                () = wait(terminate.take()) => {}
            }
        }
        #[cfg(not(unix))]
        if let Err(error) = tokio::signal::ctrl_c().await {
            tracing::error!(%error, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    }
}
