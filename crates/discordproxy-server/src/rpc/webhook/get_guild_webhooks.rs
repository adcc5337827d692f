//! `GetGuildWebhooks`: `GET /guilds/{guild_id}/webhooks`.
//! <https://discord.com/developers/docs/resources/webhook#get-guild-webhooks>

use crate::rpc::fields::required_id;
use crate::{convert, error::Result, state::ProxyState};
use discordproxy_proto::{GetGuildWebhooksRequest, GetGuildWebhooksResponse};
use std::sync::Arc;
use tokio::time::Instant;

/// Handles one call: one REST call.
///
/// # Errors
/// - `INVALID_ARGUMENT`, plain text, no request: `guild_id` 0.
/// - Discord's errors by the status table: 404/10004 Unknown Guild (`NOT_FOUND`), 403/50013
///   Missing Permissions (`PERMISSION_DENIED`); `UNAVAILABLE` when Discord is unreachable.
pub(crate) async fn handle(
    state: Arc<ProxyState>,
    request: GetGuildWebhooksRequest,
    deadline: Instant,
) -> Result<GetGuildWebhooksResponse> {
    let guild_id = required_id(request.guild_id, "guild_id")?;
    tracing::info!(rpc = "GetGuildWebhooks", guild_id, "received request");
    let answer = state.rest.guild_webhooks(guild_id, deadline).await?;
    Ok(GetGuildWebhooksResponse {
        webhooks: convert::webhook::list_from_json(&answer.value),
        json: answer.text,
    })
}
