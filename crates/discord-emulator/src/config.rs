//! Command line of the `discord-emulator` binary.
//!
//! ```text
//! discord-emulator [--listen 127.0.0.1:0] [--fixture FILE] [--rate-limits discord|off]
//!                  [--scope-header on-429|always] [--latency-ms N]
//!                  [--route-limit 'METHOD /route=LIMIT/PER_MS']... [--global-limit N]
//!                  [--invalid-request-limit N] [--ban-ms N]
//!                  [--gateway-shards N] [--max-concurrency N] [--session-start-limit N]
//!                  [--identify-window-ms N]
//! ```

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::Parser;

pub use crate::ratelimit::RateLimits;

use crate::fixture::{Fixture, FixtureError};
use crate::options::Options;
use crate::ratelimit::config::parse_route_flag;
use crate::ratelimit::{RouteLimit, ScopeHeader};

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
    /// Rate limiting: `discord` (Discord's limits, headers and ban) or `off` (benchmarks).
    #[arg(long, value_enum, value_name = "MODE", default_value_t = RateLimits::Discord)]
    pub rate_limits: RateLimits,
    /// Gateway HELLO's `heartbeat_interval` in milliseconds (a client missing heartbeats for
    /// 1.5 intervals plus 0.5 s is closed with 4009).
    #[arg(long, value_name = "MS", default_value_t = 41_250, value_parser = clap::value_parser!(u64).range(1..))]
    pub heartbeat_interval_ms: u64,
    /// Privileged gateway intents the bot may identify with: a comma-separated list of
    /// `guild_members`, `guild_presences`, `message_content`, or `all` / `none` (others: 4014).
    #[arg(long, value_name = "LIST", default_value = "all", value_parser = crate::gateway::intents::parse_privileged)]
    pub privileged_intents: u64,
    /// When to send `X-RateLimit-Scope`: `on-429` (Discord's documented behaviour) or `always`
    /// (also `user` on every response with rate-limit headers). Default: the fixture's
    /// `rate_limits.scope_header`, else `on-429`.
    #[arg(long, value_enum, value_name = "WHEN")]
    pub scope_header: Option<ScopeHeader>,
    /// Milliseconds added before every REST answer (imitates Discord's round trip).
    #[arg(long, value_name = "MS", default_value_t = 0)]
    pub latency_ms: u64,
    /// A route's limit, e.g. `'POST /channels/{channel_id}/messages=5/5000'` (5 per 5000 ms per
    /// channel); repeatable; overrides the fixture.
    #[arg(long = "route-limit", value_name = "ROUTE=LIMIT/PER_MS", value_parser = parse_route_flag)]
    pub route_limits: Vec<(String, RouteLimit)>,
    /// Global requests per second per bot token (default: the fixture's, else 50).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub global_limit: Option<u32>,
    /// Invalid requests (401, 403, non-shared 429) per client IP in 10 minutes before the
    /// Cloudflare ban (default: the fixture's, else 10000).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub invalid_request_limit: Option<u32>,
    /// How long a ban lasts in milliseconds (default: the fixture's, else 3600000).
    #[arg(long, value_name = "MS", value_parser = clap::value_parser!(u64).range(1..))]
    pub ban_ms: Option<u64>,
    /// `GET /gateway/bot`'s recommended `shards` (default: the fixture's, else 1).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub gateway_shards: Option<u32>,
    /// `session_start_limit.max_concurrency`: IDENTIFYs per identify window, one per
    /// `shard_id % N` (default: the fixture's, else 1); more are answered INVALID_SESSION.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub max_concurrency: Option<u32>,
    /// `session_start_limit.total`: session starts per 24 h (default: the fixture's, else
    /// 1000); an IDENTIFY beyond it "resets the token" (4004 for every session).
    #[arg(long, value_name = "N")]
    pub session_start_limit: Option<u32>,
    /// The identify window of each rate-limit key in milliseconds (Discord: 5000).
    #[arg(long, value_name = "MS", default_value_t = 5000, value_parser = clap::value_parser!(u64).range(1..))]
    pub identify_window_ms: u64,
}

/// A validated configuration: where to listen and what to serve.
#[derive(Debug, Clone)]
pub struct Config {
    /// Address to bind. Default `127.0.0.1:0`.
    pub listen: SocketAddr,
    /// Emulator options: the fixture (default: the shipped one), rate limits (Discord's, with
    /// the fixture's and the flags' overrides) and added latency (default none).
    pub options: Options,
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
        let mut options = Options::new(fixture);
        options.gateway.heartbeat_interval =
            std::time::Duration::from_millis(cli.heartbeat_interval_ms);
        options.gateway.privileged_intents = cli.privileged_intents;
        if let Some(shards) = cli.gateway_shards {
            options.gateway.shards = shards;
        }
        if let Some(max_concurrency) = cli.max_concurrency {
            options.gateway.max_concurrency = max_concurrency;
        }
        if let Some(total) = cli.session_start_limit {
            options.gateway.session_start_limit = total;
        }
        options.gateway.identify_window = Duration::from_millis(cli.identify_window_ms);
        let limits = &mut options.rate_limits;
        limits.mode = cli.rate_limits;
        if let Some(scope_header) = cli.scope_header {
            limits.scope_header = scope_header;
        }
        for (route, limit) in cli.route_limits {
            limits.set_route(&route, limit);
        }
        if let Some(global) = cli.global_limit {
            limits.global_per_second = global;
        }
        if let Some(invalid) = cli.invalid_request_limit {
            limits.invalid_request_limit = invalid;
        }
        if let Some(ban_ms) = cli.ban_ms {
            limits.ban_duration = Duration::from_millis(ban_ms);
        }
        options.latency = Duration::from_millis(cli.latency_ms);
        Ok(Config {
            listen: cli.listen,
            options,
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
        assert_eq!(
            config.options.gateway.heartbeat_interval,
            std::time::Duration::from_millis(41_250)
        );
        assert_eq!(
            config.options.gateway.privileged_intents,
            crate::gateway::intents::PRIVILEGED
        );
        assert_eq!(
            config.options.rate_limits,
            crate::ratelimit::RateLimitConfig::default()
        );
        assert_eq!(config.options.latency, Duration::ZERO);
    }

    #[test]
    fn gateway_flags() {
        let cli = Cli::try_parse_from([
            "discord-emulator",
            "--heartbeat-interval-ms",
            "250",
            "--privileged-intents",
            "guild_members,message_content",
        ])
        .unwrap();
        let config = Config::from_cli(cli).unwrap();
        assert_eq!(
            config.options.gateway.heartbeat_interval,
            std::time::Duration::from_millis(250)
        );
        assert_eq!(
            config.options.gateway.privileged_intents,
            (1 << 1) | (1 << 15)
        );
        assert!(
            Cli::try_parse_from(["discord-emulator", "--privileged-intents", "guilds"]).is_err()
        );
        assert!(Cli::try_parse_from(["discord-emulator", "--heartbeat-interval-ms", "0"]).is_err());
        let defaults = Config::from_cli(Cli::try_parse_from(["discord-emulator"]).unwrap())
            .unwrap()
            .options
            .gateway;
        assert_eq!(
            (
                defaults.shards,
                defaults.max_concurrency,
                defaults.session_start_limit
            ),
            (1, 1, 1000)
        );
        assert_eq!(defaults.identify_window, Duration::from_secs(5));
        let cli = Cli::try_parse_from([
            "discord-emulator",
            "--gateway-shards",
            "8",
            "--max-concurrency",
            "2",
            "--session-start-limit",
            "20",
            "--identify-window-ms",
            "500",
        ])
        .unwrap();
        let gateway = Config::from_cli(cli).unwrap().options.gateway;
        assert_eq!(
            (
                gateway.shards,
                gateway.max_concurrency,
                gateway.session_start_limit
            ),
            (8, 2, 20)
        );
        assert_eq!(gateway.identify_window, Duration::from_millis(500));
        for bad in [["--gateway-shards", "0"], ["--max-concurrency", "0"]] {
            let mut args = vec!["discord-emulator"];
            args.extend(bad);
            assert!(Cli::try_parse_from(args).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn rate_limit_flags() {
        let cli = Cli::try_parse_from([
            "discord-emulator",
            "--scope-header",
            "always",
            "--latency-ms",
            "40",
            "--route-limit",
            "POST /channels/{channel_id}/messages=2/500",
            "--route-limit",
            "GET /users/@me=1/100",
            "--global-limit",
            "7",
            "--invalid-request-limit",
            "3",
            "--ban-ms",
            "1500",
        ])
        .unwrap();
        let config = Config::from_cli(cli).unwrap();
        let limits = &config.options.rate_limits;
        assert_eq!(limits.scope_header, ScopeHeader::Always);
        assert_eq!(config.options.latency, Duration::from_millis(40));
        assert_eq!(limits.global_per_second, 7);
        assert_eq!(limits.invalid_request_limit, 3);
        assert_eq!(limits.ban_duration, Duration::from_millis(1500));
        let message = limits
            .routes
            .iter()
            .find(|(key, _)| key == "POST /channels/{channel_id}/messages")
            .unwrap();
        assert_eq!(message.1, RouteLimit::new(2, Duration::from_millis(500)));
        for bad in [
            ["--scope-header", "sometimes"],
            ["--route-limit", "POST /x"],
            ["--global-limit", "0"],
        ] {
            let mut args = vec!["discord-emulator"];
            args.extend(bad);
            assert!(Cli::try_parse_from(args).is_err(), "{bad:?}");
        }
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
        assert_eq!(cli.scope_header, None);
        assert!(matches!(
            Config::from_cli(cli),
            Err(FixtureError::Io { .. })
        ));
        assert!(Cli::try_parse_from(["discord-emulator", "--rate-limits", "fast"]).is_err());
    }
}
