//! Command line of the `discord-emulator` binary.
//!
//! ```text
//! discord-emulator [--listen 127.0.0.1:0] [--fixture FILE] [--rate-limits discord|off]
//! ```

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Parser, ValueEnum};

use crate::{Fixture, FixtureError, Options};

/// `discord-emulator` flags.
#[derive(Debug, Clone, Parser)]
#[command(
    name = "discord-emulator",
    version,
    about = "A Discord REST API v10 emulator for tests, benchmarks and sandbox mode"
)]
pub struct Cli {
    /// Address to listen on; port 0 picks a free port (printed on the first stdout line).
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:0")]
    pub listen: SocketAddr,
    /// Fixture file (JSON, see the README); default: the shipped default fixture.
    #[arg(long, value_name = "FILE")]
    pub fixture: Option<PathBuf>,
    /// Rate limiting: `discord` (Discord's limits; accepted, not enforced yet) or `off`.
    #[arg(long, value_enum, value_name = "MODE", default_value_t = RateLimits::Discord)]
    pub rate_limits: RateLimits,
}

/// The `--rate-limits` modes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RateLimits {
    /// Discord's rate limits. Not enforced yet: currently the same as `off`.
    Discord,
    /// No rate limits (for throughput benchmarks).
    Off,
}

/// A validated configuration: where to listen and what to serve.
#[derive(Debug, Clone)]
pub struct Config {
    /// Address to bind. Default `127.0.0.1:0`.
    pub listen: SocketAddr,
    /// Emulator options (the fixture). Default: the shipped default fixture.
    pub options: Options,
    /// Rate limiting mode. Default [`RateLimits::Discord`].
    pub rate_limits: RateLimits,
}

impl Config {
    /// Loads the fixture named by the command line (or the default one).
    ///
    /// # Errors
    ///
    /// When the fixture file cannot be read or is not a valid fixture.
    pub fn from_cli(cli: Cli) -> Result<Config, FixtureError> {
        let fixture = match &cli.fixture {
            Some(path) => Fixture::from_file(path)?,
            None => Fixture::default_fixture(),
        };
        Ok(Config {
            listen: cli.listen,
            options: Options::new(fixture),
            rate_limits: cli.rate_limits,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults() {
        let cli = Cli::try_parse_from(["discord-emulator"]).unwrap();
        assert_eq!(cli.listen, "127.0.0.1:0".parse().unwrap());
        assert_eq!(cli.fixture, None);
        assert_eq!(cli.rate_limits, RateLimits::Discord);
        let config = Config::from_cli(cli).unwrap();
        assert_eq!(config.options.fixture.token(), "sandbox-bot-token");
    }

    #[test]
    fn flags() {
        let cli = Cli::try_parse_from([
            "discord-emulator",
            "--listen",
            "127.0.0.1:4000",
            "--rate-limits",
            "off",
            "--fixture",
            "/nonexistent.json",
        ])
        .unwrap();
        assert_eq!(cli.listen.port(), 4000);
        assert_eq!(cli.rate_limits, RateLimits::Off);
        assert!(matches!(
            Config::from_cli(cli),
            Err(FixtureError::Io { .. })
        ));
        assert!(Cli::try_parse_from(["discord-emulator", "--rate-limits", "fast"]).is_err());
    }
}
