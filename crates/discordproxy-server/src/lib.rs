//! discordproxyserver: the Discord API over gRPC.
//!
//! A drop-in replacement for the original Python `discordproxyserver` (PyPI `discordproxy`
//! 1.5.1): same gRPC contract (`discord_api.DiscordApi`), same flags, same error details.
//! The binary (`src/main.rs`) is a thin shell: [`Cli`] → [`Config`] → [`init_logging`] →
//! bind → [`serve`].
//!
//! # Layout
//!
//! Modules are private; what embedders and tests need is re-exported below.
//!
//! | module | what it holds |
//! | --- | --- |
//! | `config` | clap [`Cli`] (flags + injected env lookup) → validated [`Config`] |
//! | `serve` | [`serve`]: sandbox, state, metrics endpoint, start-up check, gateway, shutdown order |
//! | `server` | the tonic server: DiscordApi, health, reflection (v1, v1alpha), graceful shutdown; `request_limits` gives the file RPCs (SendChannelMessage, SendDirectMessage, EditChannelMessage, CallDiscordApi, StartThreadInForumOrMediaChannel) a 26 MiB request limit and every other RPC `--max-request-bytes` |
//! | `auth`, `api_keys`, `tls`, `exposure` | `--api-keys-file`, TLS, the non-loopback warning |
//! | `rpc` | the one table of RPCs → the `DiscordApi` impl and the common call wrapper; `rpc/<resource>/<verb_noun>.rs`, one file per RPC (reactions in `rpc/reaction/`, pins in `rpc/pin/`; `rpc/any/call_discord_api.rs`: any route by path); `rpc/caller` holds the call's API key for `CallDiscordApi`'s route allow-list |
//! | `state` | [`ProxyState`]: everything an RPC handler needs |
//! | `discord` | talking to Discord: `client` (the request loop), `outgoing` (what an endpoint hands it: query, body, files, `X-Audit-Log-Reason`, retry policy), `multipart` (the `multipart/form-data` body of uploads, built once as `Bytes`), `route` (the one table of routes, snowflake parameters and the string kind `Emoji` for `{emoji}`; `route/dynamic` derives template and major parameter of a `CallDiscordApi` path, interned up to a cap; `route/endpoint` is either kind), `request/<resource>/` (one file per endpoint; reactions and pins in `request/reaction/`, `request/pin/`), `percent` (percent-encoding), `ratelimit/` (buckets, the global limit, and the store trait with the embedded memory store and the Redis store of several instances), `redis` (the shared Redis of `--redis-url`: key namespace, bounded calls, degraded state, the Lua scripts), `transport`, `gateway` (the shards this instance runs, and `GatewayCommands`: op 3 and op 8 for `UpdatePresence` and `RequestGuildMembers`), `shard_lease` (with `--redis-url`: shard leases over the instances, session state for takeover by RESUME), `identify_queue` (the identify queue the instances share in Redis), caches |
//! | `convert` | pure Discord JSON ⇄ proto conversions, one file per resource (`component`: message components both ways; `file`: files → `attachments` entries and multipart parts); Discord's answers are read field by field (`convert/json.rs`), so a 2xx answer never fails a call over a field the call does not use |
//! | `status` | the one [`Error`] → `tonic::Status` table |
//! | `error`, `token`, `deadline`, `readiness`, `events`, `metrics`, `health`, `metrics_server`, `startup`, `telemetry`, `sandbox` | the pieces those use |
//!
//! Dependencies point down and have no cycles:
//! `config` is read only by `serve` (and the binary) and passes values down;
//! `serve` → `server` → (`auth`, `health`, `rpc`) → `state` → `discord` → `convert` → `error`.
//! Inside `discord`: `request` → `client` → (`outgoing`, `multipart`, `ratelimit`, `route`,
//! `transport`, `api_error`), (`outgoing`, `route`) → `percent`,
//! `gateway` → (`client`, `cache`, `shard_status`, `identify_queue` → `shard_lease`). `status` (used through `From<Error> for
//! Status`) and `error` are at the bottom.

mod api_keys;
mod auth;
mod config;
mod convert;
mod deadline;
mod discord;
mod error;
mod events;
mod exposure;
mod health;
mod log_text;
mod metrics;
mod metrics_server;
mod readiness;
mod request_limits;
mod rpc;
#[cfg(feature = "sandbox")]
mod sandbox;
mod serve;
mod server;
mod startup;
mod state;
mod status;
mod telemetry;
mod tls;
mod token;

// Running the server: the binary's path.
pub use config::{Cli, Config, ConfigError, PresenceStatus};
pub use serve::{ServeError, serve};
pub use telemetry::{LogLevel, LogSettings, init as init_logging, log_file};

// Settings, as `Config` holds them (and embedders build them).
pub use api_keys::{ApiKeys, ApiKeysError};
pub use discord::{
    api_base::{ApiBase, InvalidApiUrl},
    client::RestOptions,
    gateway::{GatewayOptions, ShardCount, SharedShards},
    redis::{InvalidRedisUrl, RedisOptions},
};
pub use server::ServeOptions;
pub use tls::{TlsFilesError, TlsSettings};
pub use token::BotToken;

// Embedding piece by piece (what `serve` does; the end-to-end tests use these).
pub use discord::gateway::{
    CommandError, FatalClose, Gateway, GatewayCommands, Sinks, start as start_gateway,
};
pub use health::serving as health_serving;
pub use metrics_server::serve as serve_metrics;
pub use server::{run as run_server, run_with as run_server_with};
pub use startup::{TokenCheck, check_token, learn_application_id};
pub use state::{DEFAULT_MAX_PENDING, ProxyState};

// The parts of `ProxyState`.
pub use discord::{
    application_id::ApplicationId, cache::GuildCache, client::DiscordClient,
    dm_channels::DmChannels, negative_cache::NegativeCache, shard_status::ShardBoard,
};
pub use events::EventBus;
pub use metrics::Metrics;
pub use readiness::Readiness;

// Errors.
pub use error::{DiscordHttpError, Error, Result};

/// The JSON body of Discord's Create Message request built from an RPC's `content` and
/// `embed` (the original fields; `SendChannelMessage` and `SendDirectMessage` start from it).
/// Re-exported for the property tests, which check that any message becomes a body Discord's
/// schema accepts.
pub use convert::message_body::create_message as create_message_body;

/// Discord's documented limits on a Create Message body, checked before any request (the check
/// `SendChannelMessage` and `SendDirectMessage` make). Re-exported for the property tests,
/// which check that a body either passes or is refused as Discord would refuse it.
pub use discord::request::message::limits::check_create_message as check_create_message_limits;
