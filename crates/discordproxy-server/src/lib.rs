//! discordproxyserver: the Discord API over gRPC.
//!
//! A drop-in replacement for the original Python `discordproxyserver` (PyPI `discordproxy`
//! 1.5.1): same gRPC contract (`discord_api.DiscordApi`), same flags, same error details.
//! The binary (`src/main.rs`) is a thin shell: [`config::Cli`] → [`config::Config`] →
//! [`telemetry::init`] → bind → [`server::run`].

pub mod api_keys;
pub mod auth;
pub mod config;
pub mod convert;
pub mod deadline;
pub mod discord;
pub mod error;
pub mod events;
pub mod exposure;
pub mod health;
pub mod metrics;
pub mod metrics_server;
pub mod readiness;
pub mod rpc;
#[cfg(feature = "sandbox")]
pub mod sandbox;
pub mod server;
pub mod startup;
pub mod state;
pub mod status;
pub mod telemetry;
pub mod tls;
pub mod token;
