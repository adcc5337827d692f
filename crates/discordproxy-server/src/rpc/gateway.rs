//! RPCs about the gateway session: its events, its shards' state, and the gateway commands
//! (op 3 Update Presence, op 8 Request Guild Members) sent through it.
//! <https://discord.com/developers/docs/events/gateway>

pub(super) mod get_gateway_status;
pub(super) mod request_guild_members;
pub(super) mod stream_events;
pub(super) mod update_presence;

use crate::{
    discord::gateway::GatewayCommands,
    error::{Error, Result},
    state::ProxyState,
};
use std::sync::Arc;

/// The gateway's command sender for RPC `method`.
///
/// # Errors
/// `FAILED_PRECONDITION` without a gateway session (`--no-gateway`, or it could not start);
/// `UNAVAILABLE` while it is starting.
fn commands<'a>(state: &'a ProxyState, method: &str) -> Result<&'a Arc<GatewayCommands>> {
    if let Some(commands) = state.gateway.get() {
        return Ok(commands);
    }
    if state.application.from_gateway() {
        Err(Error::GatewayUnavailable(format!(
            "{method} needs the gateway session, which has not started yet; retry in a moment"
        )))
    } else {
        Err(Error::FailedPrecondition(format!(
            "{method} needs the gateway session, and the server runs without one (--no-gateway, or the gateway could not start: see the server log)"
        )))
    }
}
