//! Command line → validated [`Config`].
//!
//! Flags follow the original `discordproxyserver` (same names and defaults) plus our additions.
//! Environment variables are read through an injected lookup so tests never touch the process
//! environment.

use crate::{
    api_keys::ApiKeys,
    discord::{
        api_base::ApiBase,
        gateway::{GatewayOptions, ShardCount, SharedShards},
    },
    events::DEFAULT_EVENT_BUFFER,
    server::{DEFAULT_MAX_REQUEST_BYTES, DEFAULT_MAX_STREAMS_PER_CONNECTION, ServeOptions},
    telemetry::{LogLevel, LogSettings},
    tls::TlsSettings,
    token::BotToken,
};
use clap::{Parser, ValueEnum};
use std::{
    net::SocketAddr,
    path::{Path, PathBuf},
    sync::Arc,
    time::Duration,
};
use thiserror::Error;
use twilight_gateway::Intents;
use twilight_model::gateway::presence::Status;

/// Environment variable holding the bot token (used when `--token` is absent).
pub const TOKEN_ENV: &str = "DISCORD_BOT_TOKEN";
/// Environment variable holding the Discord REST base URL (used when `--discord-api-url` is
/// absent).
pub const API_URL_ENV: &str = "DISCORDPROXY_API_URL";
/// Environment variable holding the Redis URL (used when `--redis-url` is absent; preferred
/// when the URL carries a password).
pub const REDIS_URL_ENV: &str = "DISCORDPROXY_REDIS_URL";
/// Discord's REST base URL.
pub const DEFAULT_API_URL: &str = "https://discord.com/api/v10";

/// `discordproxyserver` command line.
#[derive(Debug, Parser)]
#[command(
    name = "discordproxyserver",
    version,
    about = "Server with a gRPC API for sending messages to Discord"
)]
pub struct Cli {
    /// Discord bot token. Can alternatively be given as environment variable
    /// DISCORD_BOT_TOKEN or with --token-file (both preferred: command lines are visible to
    /// other users).
    #[arg(long)]
    pub token: Option<String>,
    /// File holding the Discord bot token (a trailing newline is ignored); instead of --token,
    /// and used before DISCORD_BOT_TOKEN.
    #[arg(long, value_name = "PATH")]
    pub token_file: Option<PathBuf>,
    /// Server host address.
    #[arg(long, default_value = "127.0.0.1")]
    pub host: String,
    /// Server port (0 picks a free port, logged at start-up).
    #[arg(long, default_value_t = 50051)]
    pub port: u16,
    /// Log level of the console (stdout).
    #[arg(long, value_enum, ignore_case = true, default_value = "CRITICAL")]
    pub log_console_level: LogLevel,
    /// Log level of the log file.
    #[arg(long, value_enum, ignore_case = true, default_value = "INFO")]
    pub log_file_level: LogLevel,
    /// Folder for the log file `discordproxyserver.log` (default: the working directory).
    #[arg(long)]
    pub log_file_path: Option<PathBuf>,
    /// Sets both the console and the file log level (overrides the two flags above).
    #[arg(long, value_enum, ignore_case = true)]
    pub log_level: Option<LogLevel>,
    /// Discord REST base URL [env: DISCORDPROXY_API_URL] [default: https://discord.com/api/v10].
    /// `http://` is accepted (e.g. for the emulator).
    #[arg(long)]
    pub discord_api_url: Option<String>,
    /// Start the bundled Discord emulator in-process and use it instead of Discord: no token
    /// needed, nothing reaches Discord.
    #[arg(long)]
    pub sandbox: bool,
    /// Upper bound in seconds for calls that carry no gRPC deadline.
    #[arg(long, default_value_t = 300.0)]
    pub request_timeout: f64,
    /// Gateway intents, comma-separated, as Discord spells them.
    #[arg(long, default_value = DEFAULT_INTENTS)]
    pub intents: String,
    /// Presence status shown for the bot.
    #[arg(long, value_enum, default_value = "online")]
    pub status: PresenceStatus,
    /// Activity text shown for the bot ("Playing TEXT").
    #[arg(long)]
    pub activity: Option<String>,
    /// Gateway shards: `auto` (Discord's recommendation), a number N (shards 0..N of N), or a
    /// range of a total `A..B/T` (shards A to B-1 of T, e.g. `0..4/8`) for static splits over
    /// instances. With --redis-url, `auto` and N are spread over the live instances by leases.
    #[arg(long, default_value = "auto")]
    pub shards: String,
    /// Events a StreamEvents subscriber may fall behind before it is ended; also the events
    /// kept for resuming a dropped stream (plus notes of 64 times as many evicted ones).
    #[arg(long, default_value_t = DEFAULT_EVENT_BUFFER)]
    pub event_buffer: usize,
    /// Do not connect to the gateway (REST only; no events, no cache).
    #[arg(long)]
    pub no_gateway: bool,
    /// Seconds to remember "cannot reach" answers (DMs closed 403/50007, unknown user 404/10013,
    /// missing access 403/50001, unknown channel 404/10003, unknown webhook 404/10015) per
    /// target; 0 disables.
    #[arg(long, default_value_t = 60.0)]
    pub negative_cache_ttl: f64,
    /// Calls that may be in progress at once; the next is refused with RESOURCE_EXHAUSTED.
    #[arg(long, default_value_t = crate::state::DEFAULT_MAX_PENDING)]
    pub max_pending: usize,
    /// Discord requests per second across all routes (Discord's global limit for the bot; 50
    /// unless Discord raised it for your bot).
    #[arg(long, default_value_t = crate::discord::client::DEFAULT_GLOBAL_LIMIT, value_parser = clap::value_parser!(u16).range(1..))]
    pub global_rate_limit: u16,
    /// Retries of a Discord request after a 500/502/503/504 answer, a connection failure or a
    /// timeout (exponential backoff with jitter, within the call's deadline). Message creation
    /// is retried safely: each carries a nonce with enforce_nonce, so Discord never posts it
    /// twice.
    #[arg(long, default_value_t = crate::discord::retry::DEFAULT_MAX_RETRIES)]
    pub max_retries: u32,
    /// Invalid requests (401, 403, 429) per 10 minutes before Discord's Cloudflare ban; the log
    /// warns at 50% and 80% of it.
    #[arg(long, default_value_t = crate::discord::invalid_requests::DEFAULT_BUDGET, value_parser = clap::value_parser!(u32).range(1..))]
    pub invalid_request_budget: u32,
    /// Serve Prometheus metrics at http://ADDRESS/metrics (e.g. 127.0.0.1:9100); off unless
    /// set.
    #[arg(long, value_name = "ADDRESS")]
    pub metrics_addr: Option<std::net::SocketAddr>,
    /// Serve gRPC over TLS with this certificate chain (PEM); needs --tls-key.
    #[arg(long, value_name = "FILE")]
    pub tls_cert: Option<PathBuf>,
    /// Private key (PEM: PKCS#8, PKCS#1 or SEC1) of --tls-cert.
    #[arg(long, value_name = "FILE")]
    pub tls_key: Option<PathBuf>,
    /// Require client certificates signed by this CA (PEM) (mutual TLS); needs --tls-cert.
    #[arg(long, value_name = "FILE")]
    pub tls_client_ca: Option<PathBuf>,
    /// Require an API key on every DiscordApi call; one key per line: NAME KEY [RPC,RPC,...]
    /// (see the README). Health and reflection stay open.
    #[arg(long, value_name = "FILE")]
    pub api_keys_file: Option<PathBuf>,
    /// Largest request message accepted, in bytes; larger ones are refused with OUT_OF_RANGE.
    /// The RPCs that carry files (SendChannelMessage, SendDirectMessage, EditChannelMessage,
    /// CallDiscordApi, StartThreadInForumOrMediaChannel) accept 26 MiB, or this when larger.
    #[arg(long, default_value_t = DEFAULT_MAX_REQUEST_BYTES, value_parser = parse_positive_usize)]
    pub max_request_bytes: usize,
    /// Concurrent HTTP/2 streams (calls) per client connection.
    #[arg(long, default_value_t = DEFAULT_MAX_STREAMS_PER_CONNECTION, value_parser = clap::value_parser!(u32).range(1..))]
    pub max_streams_per_connection: u32,
    /// Share rate limits, the negative cache and the DM-channel cache with the other
    /// instances of this bot through Redis: redis://HOST:PORT/DB or rediss://HOST:PORT/DB
    /// (TLS) [env: DISCORDPROXY_REDIS_URL]. Instances with the same URL and token form one
    /// deployment (see the README, "Running several instances"). Off unless set.
    #[arg(long, value_name = "URL")]
    pub redis_url: Option<String>,
    /// PEM file of the CA certificates a rediss:// Redis is checked against (e.g. a private
    /// CA), instead of the bundled web PKI roots.
    #[arg(long, value_name = "FILE")]
    pub redis_ca_file: Option<std::path::PathBuf>,
    /// Longest wait for one Redis call, in milliseconds; a slower or failed call makes the
    /// instance run on its local limiter (with the global limit divided by the number of
    /// instances) until Redis answers again.
    #[arg(long, default_value_t = crate::discord::redis::DEFAULT_TIMEOUT.as_millis() as u64, value_parser = clap::value_parser!(u64).range(1..=10_000))]
    pub redis_timeout_ms: u64,
    /// Local IP address Discord requests are sent from (e.g. one of several addresses of the
    /// host). With --redis-url it names the egress IP whose invalid requests and Cloudflare
    /// ban the instances on it share (default: the address the system picks).
    #[arg(long, value_name = "IP")]
    pub discord_source_ip: Option<std::net::IpAddr>,
    /// Seconds a shard lease lives without renewal (with --redis-url and --shards auto or N):
    /// renewed every second (every third of it when shorter); an instance that could not renew
    /// for half of it stops the shard, and another instance takes it over after it.
    #[arg(long, default_value_t = crate::discord::shard_lease::DEFAULT_LEASE_TTL.as_secs_f64())]
    pub shard_lease_ttl: f64,
}

fn parse_positive_usize(text: &str) -> Result<usize, String> {
    match text.parse::<usize>() {
        Ok(0) => Err("must be at least 1".into()),
        Ok(value) => Ok(value),
        Err(error) => Err(error.to_string()),
    }
}

/// Default `--intents`: the non-privileged intents a message proxy needs.
pub const DEFAULT_INTENTS: &str = "GUILDS,GUILD_MESSAGES,DIRECT_MESSAGES,GUILD_MESSAGE_REACTIONS";

/// `--status` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PresenceStatus {
    /// Online (green).
    Online,
    /// Idle (yellow).
    Idle,
    /// Do not disturb (red).
    Dnd,
    /// Shown as offline.
    Invisible,
}

impl From<PresenceStatus> for Status {
    fn from(status: PresenceStatus) -> Self {
        match status {
            PresenceStatus::Online => Status::Online,
            PresenceStatus::Idle => Status::Idle,
            PresenceStatus::Dnd => Status::DoNotDisturb,
            PresenceStatus::Invisible => Status::Invisible,
        }
    }
}

/// Parses `--intents`: comma-separated names (`GUILDS,GUILD_MESSAGES`), case-insensitive.
///
/// # Errors
/// [`ConfigError::Intents`] naming the unknown intent.
pub fn parse_intents(list: &str) -> Result<Intents, ConfigError> {
    let mut intents = Intents::empty();
    for name in list
        .split(',')
        .map(str::trim)
        .filter(|name| !name.is_empty())
    {
        let intent = Intents::from_name(&name.to_ascii_uppercase())
            .ok_or_else(|| ConfigError::Intents(format!("unknown intent {name:?}")))?;
        intents |= intent;
    }
    Ok(intents)
}

/// The PEM bytes of `--redis-ca-file`, when given.
fn read_redis_ca(path: Option<&std::path::Path>) -> Result<Option<Vec<u8>>, ConfigError> {
    path.map(|path| {
        std::fs::read(path).map_err(|error| {
            ConfigError::RedisUrl(format!(
                "--redis-ca-file {} cannot be read: {error}",
                path.display()
            ))
        })
    })
    .transpose()
}

/// Parses `--shards`: `auto`, a positive number N, or `A..B/T` (shards A to B-1 of T).
///
/// # Errors
/// [`ConfigError::Shards`] saying what is wrong (B > T, A >= B, T = 0, not numbers).
pub fn parse_shards(text: &str) -> Result<ShardCount, ConfigError> {
    let text = text.trim();
    let fail = |why: &str| Err(ConfigError::Shards(format!("{text:?}: {why}")));
    if text == "auto" {
        return Ok(ShardCount::Auto);
    }
    let Some((range, total)) = text.split_once('/') else {
        return match text.parse::<u32>() {
            Ok(count) if count > 0 => Ok(ShardCount::Fixed(count)),
            Ok(_) => fail("the shard count must be at least 1"),
            Err(_) => {
                fail("use auto, a number of shards, or a range of a total A..B/T (e.g. 0..4/8)")
            }
        };
    };
    let Some((start, end)) = range.split_once("..") else {
        return fail("expected a range A..B before the slash (e.g. 0..4/8)");
    };
    let number = |part: &str| part.trim().parse::<u32>().ok();
    let (Some(start), Some(end), Some(total)) = (number(start), number(end), number(total)) else {
        return fail("A, B and T of A..B/T must be whole numbers (e.g. 0..4/8)");
    };
    if total == 0 {
        return fail("the total T must be at least 1");
    }
    if start >= end {
        return fail(&format!(
            "the range {start}..{end} is empty (A..B runs shards A to B-1: A must be below B)"
        ));
    }
    if end > total {
        return fail(&format!(
            "the range ends after the last shard: {total} shards are 0..{total}, so B is at most {total}"
        ));
    }
    Ok(ShardCount::Range { start, end, total })
}

/// Validated server configuration.
#[derive(Debug, Clone)]
pub struct Config {
    /// Bot token; `None` only with `sandbox` (the emulator's token is used then).
    pub token: Option<BotToken>,
    /// Address to bind the gRPC server to (default `127.0.0.1:50051`).
    pub listen: SocketAddr,
    /// Host as given (for the log line; may be a name).
    pub host: String,
    /// Port as given.
    pub port: u16,
    /// Console log level (default CRITICAL).
    pub log_console_level: LogLevel,
    /// File log level (default INFO).
    pub log_file_level: LogLevel,
    /// Log file folder (default: working directory).
    pub log_file_path: Option<PathBuf>,
    /// Where REST requests go (default Discord).
    pub api_base: ApiBase,
    /// Run against the in-process emulator.
    pub sandbox: bool,
    /// Bound for calls without a deadline (default 300 s).
    pub request_timeout: Duration,
    /// Gateway settings; `None` with `--no-gateway`.
    pub gateway: Option<GatewayOptions>,
    /// `--event-buffer` (default 1024).
    pub event_buffer: usize,
    /// `--negative-cache-ttl` (default 60 s; zero disables).
    pub negative_cache_ttl: Duration,
    /// `--max-pending` (default 10,000).
    pub max_pending: usize,
    /// `--global-rate-limit`, `--max-retries`, `--invalid-request-budget`.
    pub rest: crate::discord::client::RestOptions,
    /// `--metrics-addr` (off by default).
    pub metrics_addr: Option<std::net::SocketAddr>,
    /// `--tls-*`, `--api-keys-file`, `--max-request-bytes`, `--max-streams-per-connection`
    /// (default: plaintext, no keys, 4 MiB, 256 streams).
    pub serve: ServeOptions,
    /// `--redis-url`, `--redis-timeout-ms` (default: no Redis; 100 ms).
    pub redis: Option<crate::discord::redis::RedisOptions>,
}

/// Why the command line could not become a [`Config`].
#[derive(Debug, Error, PartialEq, Eq)]
pub enum ConfigError {
    /// Neither `--token`, `--token-file` nor `DISCORD_BOT_TOKEN` (and not `--sandbox`).
    #[error("No Discord bot token provided")]
    NoToken,
    /// Both `--token` and `--token-file`.
    #[error("give either --token or --token-file, not both")]
    TokenConflict,
    /// `--token-file` cannot be read or is empty.
    #[error("--token-file {0}")]
    TokenFile(String),
    /// `--tls-cert`, `--tls-key` or `--tls-client-ca` is unusable (the message names the flag).
    #[error("{0}")]
    Tls(#[from] crate::tls::TlsFilesError),
    /// `--api-keys-file` is unusable (the message names the flag, file and line).
    #[error("{0}")]
    ApiKeys(#[from] crate::api_keys::ApiKeysError),
    /// `--discord-api-url` is not usable.
    #[error("invalid Discord API URL {0}")]
    ApiUrl(String),
    /// `--host`/`--port` do not form an address.
    #[error("invalid listen address {0}")]
    Listen(String),
    /// `--request-timeout` is not a positive number of seconds.
    #[error("--request-timeout must be a positive number of seconds")]
    RequestTimeout,
    /// `--intents` names an unknown intent.
    #[error("invalid --intents: {0}")]
    Intents(String),
    /// `--shards` is not `auto`, a positive number or `A..B/T` (the message says why).
    #[error("invalid --shards {0}")]
    Shards(String),
    /// `--event-buffer` is 0.
    #[error("--event-buffer must be at least 1")]
    EventBuffer,
    /// `--max-pending` is 0.
    #[error("--max-pending must be at least 1")]
    MaxPending,
    /// `--negative-cache-ttl` is negative or not a number.
    #[error("--negative-cache-ttl must be 0 or a positive number of seconds")]
    NegativeCacheTtl,
    /// `--redis-url` cannot be parsed.
    #[error("invalid --redis-url: {0}")]
    RedisUrl(String),
    /// `--shard-lease-ttl` is below 1 s or not a number.
    #[error("--shard-lease-ttl must be a number of seconds of at least 1")]
    ShardLeaseTtl,
}

impl Config {
    /// The log settings for [`telemetry::init`](crate::telemetry::init): console and file
    /// levels, log folder.
    pub fn logging(&self) -> LogSettings {
        LogSettings {
            console_level: self.log_console_level,
            file_level: self.log_file_level,
            folder: self.log_file_path.clone(),
        }
    }

    /// Validates the parsed command line; `env` looks up environment variables.
    ///
    /// # Errors
    /// See [`ConfigError`].
    pub fn from_cli(cli: Cli, env: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let from_file = match (&cli.token, &cli.token_file) {
            (Some(_), Some(_)) => return Err(ConfigError::TokenConflict),
            (None, Some(path)) => Some(read_token_file(path)?),
            _ => None,
        };
        let token = cli
            .token
            .map(BotToken::new)
            .or(from_file)
            .or_else(|| env(TOKEN_ENV).map(BotToken::new))
            .filter(|token| !token.is_empty());
        if token.is_none() && !cli.sandbox {
            return Err(ConfigError::NoToken);
        }
        let url = cli
            .discord_api_url
            .or_else(|| env(API_URL_ENV))
            .unwrap_or_else(|| DEFAULT_API_URL.to_owned());
        let api_base = ApiBase::parse(&url).map_err(|error| ConfigError::ApiUrl(error.0))?;
        let listen = resolve_listen(&cli.host, cli.port)?;
        if !(cli.request_timeout.is_finite() && cli.request_timeout > 0.0) {
            return Err(ConfigError::RequestTimeout);
        }
        let shards = parse_shards(&cli.shards)?;
        let redis_url = cli
            .redis_url
            .clone()
            .or_else(|| env(REDIS_URL_ENV))
            .map(|url| url.trim().to_owned())
            .filter(|url| !url.is_empty());
        // Checked once here (RedisOptions::new), used by the REST store and the shard leases.
        let redis = match redis_url {
            Some(url) => Some(
                crate::discord::redis::RedisOptions::new(
                    url,
                    Duration::from_millis(cli.redis_timeout_ms),
                )
                .map_err(|error| ConfigError::RedisUrl(error.0))?
                .with_ca(read_redis_ca(cli.redis_ca_file.as_deref())?)
                .map_err(|error| ConfigError::RedisUrl(error.0))?,
            ),
            None if cli.redis_ca_file.is_some() => {
                return Err(ConfigError::RedisUrl(
                    "--redis-ca-file needs --redis-url rediss://…".into(),
                ));
            }
            None => None,
        };
        let shared = match &redis {
            None => None,
            Some(options) => {
                if !(cli.shard_lease_ttl.is_finite() && cli.shard_lease_ttl >= 1.0) {
                    return Err(ConfigError::ShardLeaseTtl);
                }
                Some(SharedShards {
                    redis: options.clone(),
                    lease_ttl: Duration::from_secs_f64(cli.shard_lease_ttl),
                })
            }
        };
        let gateway = GatewayOptions {
            intents: parse_intents(&cli.intents)?,
            status: cli.status.into(),
            activity: cli.activity.clone(),
            shards,
            shared,
        };
        if cli.event_buffer == 0 {
            return Err(ConfigError::EventBuffer);
        }
        if cli.max_pending == 0 {
            return Err(ConfigError::MaxPending);
        }
        if !(cli.negative_cache_ttl.is_finite() && cli.negative_cache_ttl >= 0.0) {
            return Err(ConfigError::NegativeCacheTtl);
        }
        let tls = TlsSettings::load(
            cli.tls_cert.as_deref(),
            cli.tls_key.as_deref(),
            cli.tls_client_ca.as_deref(),
        )?;
        let api_keys = match &cli.api_keys_file {
            Some(path) => Some(Arc::new(ApiKeys::load(path)?)),
            None => None,
        };
        let (console, file) = match cli.log_level {
            Some(level) => (level, level),
            None => (cli.log_console_level, cli.log_file_level),
        };
        Ok(Self {
            token,
            listen,
            host: cli.host,
            port: cli.port,
            log_console_level: console,
            log_file_level: file,
            log_file_path: cli.log_file_path,
            api_base,
            sandbox: cli.sandbox,
            request_timeout: Duration::from_secs_f64(cli.request_timeout),
            gateway: (!cli.no_gateway).then_some(gateway),
            event_buffer: cli.event_buffer,
            negative_cache_ttl: Duration::from_secs_f64(cli.negative_cache_ttl),
            max_pending: cli.max_pending,
            rest: crate::discord::client::RestOptions {
                global_rate_limit: cli.global_rate_limit,
                max_retries: cli.max_retries,
                invalid_request_budget: cli.invalid_request_budget,
                source_ip: cli.discord_source_ip,
            },
            metrics_addr: cli.metrics_addr,
            serve: ServeOptions {
                tls,
                api_keys,
                max_request_bytes: cli.max_request_bytes,
                max_streams_per_connection: cli.max_streams_per_connection,
            },
            redis,
        })
    }
}

/// The token in `path` (surrounding whitespace and the trailing newline removed).
fn read_token_file(path: &Path) -> Result<BotToken, ConfigError> {
    let text = std::fs::read_to_string(path).map_err(|error| {
        ConfigError::TokenFile(format!("{}: cannot read: {error}", path.display()))
    })?;
    let token = BotToken::new(text);
    if token.is_empty() {
        return Err(ConfigError::TokenFile(format!(
            "{}: the file is empty",
            path.display()
        )));
    }
    Ok(token)
}

fn resolve_listen(host: &str, port: u16) -> Result<SocketAddr, ConfigError> {
    use std::net::ToSocketAddrs;
    let host = host.trim_start_matches('[').trim_end_matches(']');
    (host, port)
        .to_socket_addrs()
        .map_err(|e| ConfigError::Listen(format!("{host}:{port}: {e}")))?
        .next()
        .ok_or_else(|| ConfigError::Listen(format!("{host}:{port}: no address")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str], env: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let cli =
            Cli::try_parse_from(std::iter::once("discordproxyserver").chain(args.iter().copied()))
                .expect("arguments parse");
        Config::from_cli(cli, |name| {
            env.iter()
                .find(|(key, _)| *key == name)
                .map(|(_, value)| (*value).to_owned())
        })
    }

    #[test]
    fn defaults_match_the_original_server() {
        let config = parse(&["--token", "abc"], &[]).unwrap();
        assert_eq!(config.listen, "127.0.0.1:50051".parse().unwrap());
        assert_eq!(config.log_console_level, LogLevel::Critical);
        assert_eq!(config.log_file_level, LogLevel::Info);
        assert_eq!(config.api_base, ApiBase::Discord);
        assert_eq!(config.request_timeout, Duration::from_secs(300));
        assert!(!config.sandbox);
    }

    #[test]
    fn token_comes_from_flag_or_environment() {
        assert_eq!(parse(&[], &[]).unwrap_err(), ConfigError::NoToken);
        assert_eq!(
            parse(&["--token", " "], &[]).unwrap_err(),
            ConfigError::NoToken
        );
        let from_env = parse(&[], &[(TOKEN_ENV, "envtoken")]).unwrap();
        assert_eq!(from_env.token.unwrap().expose(), "envtoken");
        let flag_wins = parse(&["--token", "flag"], &[(TOKEN_ENV, "envtoken")]).unwrap();
        assert_eq!(flag_wins.token.unwrap().expose(), "flag");
        assert!(parse(&["--sandbox"], &[]).unwrap().token.is_none());
    }

    #[test]
    fn token_file_is_an_alternative_to_token() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("token");
        std::fs::write(&file, "filetoken\n").unwrap();
        let path = file.to_str().unwrap();
        let config = parse(&["--token-file", path], &[(TOKEN_ENV, "envtoken")]).unwrap();
        assert_eq!(config.token.unwrap().expose(), "filetoken");
        assert_eq!(
            parse(&["--token", "t", "--token-file", path], &[]).unwrap_err(),
            ConfigError::TokenConflict
        );
        let missing = dir.path().join("missing");
        let error = parse(&["--token-file", missing.to_str().unwrap()], &[]).unwrap_err();
        assert!(
            error.to_string().starts_with("--token-file ")
                && error.to_string().contains("cannot read"),
            "{error}"
        );
        std::fs::write(&file, "\n").unwrap();
        let error = parse(&["--token-file", path], &[(TOKEN_ENV, "envtoken")]).unwrap_err();
        assert!(error.to_string().contains("the file is empty"), "{error}");
    }

    #[test]
    fn security_flags_default_to_plaintext_without_keys() {
        let config = parse(&["--token", "t"], &[]).unwrap();
        assert!(config.serve.tls.is_none() && config.serve.api_keys.is_none());
        assert_eq!(config.serve.max_request_bytes, 4_194_304);
        assert_eq!(config.serve.max_streams_per_connection, 256);
        let config = parse(
            &[
                "--token",
                "t",
                "--max-request-bytes",
                "1024",
                "--max-streams-per-connection",
                "8",
            ],
            &[],
        )
        .unwrap();
        assert_eq!(
            (
                config.serve.max_request_bytes,
                config.serve.max_streams_per_connection
            ),
            (1024, 8)
        );
        let dir = tempfile::tempdir().unwrap();
        let keys = dir.path().join("keys");
        std::fs::write(&keys, "app 0123456789abcdef0123 SendDM\n").unwrap();
        let error = parse(
            &["--token", "t", "--api-keys-file", keys.to_str().unwrap()],
            &[],
        )
        .unwrap_err()
        .to_string();
        assert!(
            error.starts_with("--api-keys-file ") && error.contains("SendDM"),
            "{error}"
        );
        let error = parse(&["--token", "t", "--tls-cert", keys.to_str().unwrap()], &[])
            .unwrap_err()
            .to_string();
        assert_eq!(error, "--tls-cert needs --tls-key");
    }

    #[test]
    fn api_url_accepts_http_and_rejects_other_paths() {
        let config = parse(
            &[
                "--token",
                "t",
                "--discord-api-url",
                "http://127.0.0.1:9000/api/v10",
            ],
            &[],
        )
        .unwrap();
        assert_eq!(
            config.api_base,
            ApiBase::Custom {
                authority: "127.0.0.1:9000".into(),
                use_http: true
            }
        );
        let from_env = parse(
            &["--token", "t"],
            &[(API_URL_ENV, "https://proxy.example/api/v10/")],
        )
        .unwrap();
        assert_eq!(
            from_env.api_base,
            ApiBase::Custom {
                authority: "proxy.example".into(),
                use_http: false
            }
        );
        assert!(matches!(
            parse(
                &[
                    "--token",
                    "t",
                    "--discord-api-url",
                    "http://127.0.0.1:9000/api/v9"
                ],
                &[]
            ),
            Err(ConfigError::ApiUrl(_))
        ));
        assert!(matches!(
            parse(
                &["--token", "t", "--discord-api-url", "ftp://x/api/v10"],
                &[]
            ),
            Err(ConfigError::ApiUrl(_))
        ));
    }

    #[test]
    fn log_levels_parse_case_insensitively_and_log_level_sets_both() {
        let config = parse(&["--token", "t", "--log-console-level", "debug"], &[]).unwrap();
        assert_eq!(config.log_console_level, LogLevel::Debug);
        let config = parse(&["--token", "t", "--log-level", "WARNING"], &[]).unwrap();
        assert_eq!(
            (config.log_console_level, config.log_file_level),
            (LogLevel::Warn, LogLevel::Warn)
        );
    }

    #[test]
    fn gateway_flags() {
        let config = parse(&["--token", "t"], &[]).unwrap();
        let gateway = config.gateway.unwrap();
        assert_eq!(
            gateway.intents,
            Intents::GUILDS
                | Intents::GUILD_MESSAGES
                | Intents::DIRECT_MESSAGES
                | Intents::GUILD_MESSAGE_REACTIONS
        );
        assert_eq!(
            (gateway.shards, gateway.status),
            (ShardCount::Auto, Status::Online)
        );
        let config = parse(
            &[
                "--token",
                "t",
                "--intents",
                "guilds, message_content",
                "--shards",
                "3",
                "--status",
                "dnd",
            ],
            &[],
        )
        .unwrap();
        let gateway = config.gateway.unwrap();
        assert_eq!(gateway.intents, Intents::GUILDS | Intents::MESSAGE_CONTENT);
        assert_eq!(
            (gateway.shards, gateway.status),
            (ShardCount::Fixed(3), Status::DoNotDisturb)
        );
        assert!(
            parse(&["--token", "t", "--no-gateway"], &[])
                .unwrap()
                .gateway
                .is_none()
        );
        assert!(
            matches!(parse(&["--token", "t", "--intents", "GUILDZ"], &[]), Err(ConfigError::Intents(m)) if m.contains("GUILDZ"))
        );
        assert!(matches!(
            parse(&["--token", "t", "--shards", "0"], &[]),
            Err(ConfigError::Shards(_))
        ));
        assert!(gateway.shared.is_none());
        assert_eq!(
            parse(&["--token", "t", "--event-buffer", "0"], &[]).unwrap_err(),
            ConfigError::EventBuffer
        );
    }

    #[test]
    fn redis_flags() {
        let config = parse(&["--token", "t"], &[]).unwrap();
        assert!(config.redis.is_none() && config.rest.source_ip.is_none());
        let config = parse(
            &[
                "--token",
                "t",
                "--redis-url",
                "redis://127.0.0.1:6379/2",
                "--redis-timeout-ms",
                "150",
                "--discord-source-ip",
                "127.0.0.2",
            ],
            &[],
        )
        .unwrap();
        let redis = config.redis.unwrap();
        assert_eq!(redis.url, "redis://127.0.0.1:6379/2");
        assert_eq!(redis.timeout, Duration::from_millis(150));
        assert_eq!(config.rest.source_ip, Some("127.0.0.2".parse().unwrap()));
        let from_env = parse(
            &["--token", "t"],
            &[(REDIS_URL_ENV, "rediss://r.example:6380/0")],
        )
        .unwrap();
        assert_eq!(from_env.redis.unwrap().timeout, Duration::from_millis(100));
        assert!(matches!(
            parse(&["--token", "t", "--redis-url", "http://x"], &[]),
            Err(ConfigError::RedisUrl(_))
        ));
    }

    #[test]
    fn shard_ranges() {
        assert_eq!(parse_shards("auto").unwrap(), ShardCount::Auto);
        assert_eq!(parse_shards(" 4 ").unwrap(), ShardCount::Fixed(4));
        assert_eq!(
            parse_shards("0..4/8").unwrap(),
            ShardCount::Range {
                start: 0,
                end: 4,
                total: 8
            }
        );
        assert_eq!(
            parse_shards("7..8/8").unwrap(),
            ShardCount::Range {
                start: 7,
                end: 8,
                total: 8
            }
        );
        assert_eq!(
            parse_shards("0..1/1").unwrap(),
            ShardCount::Range {
                start: 0,
                end: 1,
                total: 1
            }
        );
        for (bad, why) in [
            ("0..9/8", "B is at most 8"),
            ("4..4/8", "is empty"),
            ("5..4/8", "is empty"),
            ("0..0/0", "at least 1"),
            ("0..4", "number of shards"),
            ("0-4/8", "expected a range"),
            ("a..4/8", "whole numbers"),
            ("0..4/-8", "whole numbers"),
            ("-1", "number of shards"),
            ("0", "at least 1"),
            ("", "number of shards"),
        ] {
            let error = parse_shards(bad).unwrap_err().to_string();
            assert!(
                error.starts_with(&format!("invalid --shards {bad:?}: ")) && error.contains(why),
                "{bad}: {error}"
            );
        }
        let config = parse(&["--token", "t", "--shards", "4..8/8"], &[]).unwrap();
        assert_eq!(
            config.gateway.unwrap().shards,
            ShardCount::Range {
                start: 4,
                end: 8,
                total: 8
            }
        );
        assert!(matches!(
            parse(&["--token", "t", "--shards", "4..9/8"], &[]),
            Err(ConfigError::Shards(message)) if message.contains("B is at most 8")
        ));
    }

    #[test]
    fn redis_shares_the_shards() {
        let config = parse(
            &[
                "--token",
                "t",
                "--redis-url",
                "redis://127.0.0.1:6379/0",
                "--shard-lease-ttl",
                "2.5",
            ],
            &[],
        )
        .unwrap();
        let shared = config.gateway.unwrap().shared.unwrap();
        assert_eq!(shared.redis.url, "redis://127.0.0.1:6379/0");
        assert_eq!(shared.lease_ttl, Duration::from_millis(2500));
        let default = parse(&["--token", "t", "--redis-url", "redis://h/1"], &[]).unwrap();
        assert_eq!(
            default.gateway.unwrap().shared.unwrap().lease_ttl,
            crate::discord::shard_lease::DEFAULT_LEASE_TTL
        );
        assert!(matches!(
            parse(&["--token", "t", "--redis-url", "http://h"], &[]),
            Err(ConfigError::RedisUrl(_))
        ));
        assert_eq!(
            parse(
                &[
                    "--token",
                    "t",
                    "--redis-url",
                    "redis://h",
                    "--shard-lease-ttl",
                    "0.5"
                ],
                &[]
            )
            .unwrap_err(),
            ConfigError::ShardLeaseTtl
        );
    }

    #[test]
    fn bad_request_timeout_and_host_are_rejected() {
        assert_eq!(
            parse(&["--token", "t", "--request-timeout", "0"], &[]).unwrap_err(),
            ConfigError::RequestTimeout
        );
        assert!(matches!(
            parse(&["--token", "t", "--host", "not a host name!"], &[]),
            Err(ConfigError::Listen(_))
        ));
    }
}
