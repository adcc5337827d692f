//! `UpdatePresence`: gateway op 3 PRESENCE_UPDATE on every shard, remembered for new sessions.
//! <https://discord.com/developers/docs/events/gateway-events#update-presence>

use super::commands;
use crate::{
    convert::gateway_command::{self, PRESENCE_UPDATE},
    error::{Error, Result},
    state::ProxyState,
};
use discordproxy_proto::{UpdatePresenceRequest, UpdatePresenceResponse};
use std::sync::Arc;
use tokio::time::Instant;

/// Validates the presence, sends op 3 (`{"since", "activities", "status", "afk"}`) on every
/// shard and answers how many shards took it. With `--redis-url` the other instances' shards
/// get it through Redis ([`crate::discord::shared_commands`]) and are counted by their leases;
/// the presence is kept there for instances and shards that start later. The presence replaces the start-up one
/// (`--status`, `--activity`) until the server restarts: a shard that starts a new session
/// (twilight identifies with the start-up presence) gets it again right after READY. twilight
/// holds the command for a shard that is reconnecting and sends it once the shard is
/// identified.
///
/// # Errors
/// - `INVALID_ARGUMENT` naming the field (`status`, `since`, `activities[i].name`, `.type`,
///   `.url`), see [`gateway_command::update_presence`]; nothing is sent;
/// - `FAILED_PRECONDITION`: no gateway session (`--no-gateway`, or it could not start);
/// - `UNAVAILABLE`: the gateway has not started yet, no shard can take commands (closing), or
///   Redis could not take the presence for the other instances.
pub(crate) async fn handle(
    state: Arc<ProxyState>,
    request: UpdatePresenceRequest,
    _deadline: Instant,
) -> Result<UpdatePresenceResponse> {
    let d = gateway_command::update_presence(&request)?;
    let gateway = commands(&state, "UpdatePresence")?;
    let frame = gateway_command::frame(PRESENCE_UPDATE, &d);
    let mut shards = gateway.update_presence(frame.clone());
    if let (Some(shared), Some(forward)) = (&state.redis, state.shared_commands.get()) {
        // The other instances' shards, through Redis; counted by their leases.
        forward.forward_presence(&frame).await.map_err(|reason| {
            Error::GatewayUnavailable(format!(
                "op 3 went to the {shards} shards of this instance but not to the other \
                 instances' ({reason}); call again"
            ))
        })?;
        let deployment = state.deployment().await.unwrap_or_default();
        let others: usize = deployment
            .instances
            .iter()
            .filter(|(id, _)| id.as_str() != shared.instance())
            .map(|(_, held)| held.len())
            .sum();
        shards += u32::try_from(others).unwrap_or(u32::MAX);
    }
    if shards == 0 {
        return Err(Error::GatewayUnavailable(
            "no shard can take gateway commands; the gateway session is closing".to_owned(),
        ));
    }
    tracing::info!(rpc = "UpdatePresence", status = %request.status, activities = request.activities.len(), shards, "op 3 sent");
    Ok(UpdatePresenceResponse {
        shards,
        json: d.to_string(),
    })
}
