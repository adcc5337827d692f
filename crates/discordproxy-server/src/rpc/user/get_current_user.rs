//! `GetCurrentUser`: `GET /users/@me`.
//! <https://discord.com/developers/docs/resources/user#get-current-user>

use crate::{convert, error::Result, state::ProxyState};
use discordproxy_proto::{GetCurrentUserRequest, GetCurrentUserResponse};
use std::sync::Arc;
use tokio::time::Instant;

/// Handles one call: one REST call.
///
/// # Errors
/// Discord's errors by the status table (401 `UNAUTHENTICATED` for a revoked token);
/// `UNAVAILABLE` when Discord is unreachable.
pub(crate) async fn handle(
    state: Arc<ProxyState>,
    _request: GetCurrentUserRequest,
    deadline: Instant,
) -> Result<GetCurrentUserResponse> {
    tracing::info!(rpc = "GetCurrentUser", "received request");
    let answer = state.rest.current_user_answer(deadline).await?;
    Ok(GetCurrentUserResponse {
        user: Some(convert::user::from_json(&answer.value)),
        json: answer.text,
    })
}
