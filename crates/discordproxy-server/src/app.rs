//! State shared by all RPCs.

use crate::{
    config::ApiBase,
    discord::{dm_channels::DmChannels, rest::DiscordRest},
    readiness::Readiness,
    token::BotToken,
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

impl AppState {
    /// State for a bot `token` talking to `api`, with an empty DM cache and a closed start-up
    /// gate (see [`crate::startup::check_token`]).
    pub fn new(token: &BotToken, api: &ApiBase, request_timeout: Duration) -> Self {
        Self {
            rest: DiscordRest::new(token, api),
            dm_channels: DmChannels::default(),
            readiness: Readiness::pending(),
            request_timeout,
        }
    }
}
