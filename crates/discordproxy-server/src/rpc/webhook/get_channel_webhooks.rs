//! `GetChannelWebhooks`: `GET /channels/{channel_id}/webhooks`.
//! <https://discord.com/developers/docs/resources/webhook#get-channel-webhooks>

use crate::rpc::fields::required_id;
use crate::{convert, error::Result, state::ProxyState};
use discordproxy_proto::{GetChannelWebhooksRequest, GetChannelWebhooksResponse};
use std::sync::Arc;
use tokio::time::Instant;

/// Handles one call: one REST call.
///
/// # Errors
/// - `INVALID_ARGUMENT`, plain text, no request: `channel_id` 0.
/// - Discord's errors by the status table: 404/10003 Unknown Channel (`NOT_FOUND`), 403/50013
///   Missing Permissions (`PERMISSION_DENIED`); `UNAVAILABLE` when Discord is unreachable.
pub(crate) async fn handle(
    state: Arc<ProxyState>,
    request: GetChannelWebhooksRequest,
    deadline: Instant,
) -> Result<GetChannelWebhooksResponse> {
    let channel_id = required_id(request.channel_id, "channel_id")?;
    tracing::info!(rpc = "GetChannelWebhooks", channel_id, "received request");
    let answer = state.rest.channel_webhooks(channel_id, deadline).await?;
    Ok(GetChannelWebhooksResponse {
        webhooks: convert::webhook::list_from_json(&answer.value),
        json: answer.text,
    })
}
