//! `GetUser`: `GET /users/{user_id}`.
//! <https://discord.com/developers/docs/resources/user#get-user>

use crate::rpc::fields::required_id;
use crate::{convert, error::Result, state::ProxyState};
use discordproxy_proto::{GetUserRequest, GetUserResponse};
use std::sync::Arc;
use tokio::time::Instant;

/// Handles one call: one REST call.
///
/// # Errors
/// - `INVALID_ARGUMENT`, plain text, no request: `user_id` 0.
/// - Discord's errors by the status table: 404/10013 Unknown User (`NOT_FOUND`);
///   `UNAVAILABLE` when Discord is unreachable.
pub(crate) async fn handle(
    state: Arc<ProxyState>,
    request: GetUserRequest,
    deadline: Instant,
) -> Result<GetUserResponse> {
    let user_id = required_id(request.user_id, "user_id")?;
    tracing::info!(rpc = "GetUser", user_id, "received request");
    let answer = state.rest.user_answer(user_id, deadline).await?;
    Ok(GetUserResponse {
        user: Some(convert::user::from_json(&answer.value)),
        json: answer.text,
    })
}
