//! `CreateDM`: `POST /users/@me/channels`.
//! <https://discord.com/developers/docs/resources/user#create-dm>

use crate::rpc::fields::required_id;
use crate::{convert, error::Result, state::ProxyState};
use discordproxy_proto::{CreateDmRequest, CreateDmResponse};
use std::sync::Arc;
use tokio::time::Instant;

/// Handles one call: one REST call (Discord answers the same channel for the same user).
///
/// # Errors
/// - `INVALID_ARGUMENT`, plain text, no request: `recipient_id` 0.
/// - Discord's errors by the status table: 400/50033 Invalid Recipient(s)
///   (`INVALID_ARGUMENT`); `UNAVAILABLE` when Discord is unreachable.
pub(crate) async fn handle(
    state: Arc<ProxyState>,
    request: CreateDmRequest,
    deadline: Instant,
) -> Result<CreateDmResponse> {
    let recipient_id = required_id(request.recipient_id, "recipient_id")?;
    tracing::info!(rpc = "CreateDM", recipient_id, "received request");
    let answer = state.rest.create_dm_answer(recipient_id, deadline).await?;
    Ok(CreateDmResponse {
        channel: Some(convert::channel::from_json(&answer.value)),
        json: answer.text,
    })
}
