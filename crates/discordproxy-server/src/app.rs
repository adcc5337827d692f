//! State shared by all RPCs.

use crate::{
    discord::{dm_channels::DmChannels, rest::DiscordRest},
    readiness::Readiness,
};
use std::time::Duration;

/// Everything an RPC handler needs, shared behind an `Arc`.
#[derive(Debug)]
pub struct AppState {
    /// REST client for the bot token.
    pub rest: DiscordRest,
    /// User id → DM channel id.
    pub dm_channels: DmChannels,
    /// Start-up gate (token check).
    pub readiness: Readiness,
    /// Bound for calls without a gRPC deadline (`--request-timeout`, default 300 s).
    pub request_timeout: Duration,
}
