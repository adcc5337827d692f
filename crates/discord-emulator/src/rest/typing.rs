//! `POST /channels/{channel.id}/typing`
//! ([docs](https://discord.com/developers/docs/resources/channel#trigger-typing-indicator)):
//! the bot is shown typing; 204 and TYPING_START on the gateway.

use std::sync::Arc;

use axum::extract::{Path, State as AxumState};
use axum::http::StatusCode;

use super::channels::visible_channel;
use super::snowflake_param;
use crate::error::ApiError;
use crate::fixture::Access;
use crate::state::State;
use crate::store::ChannelOwner;

/// `POST /channels/{channel.id}/typing` → 204 with an empty body, and TYPING_START (guild
/// channels and DMs). Unknown channel → 404/10003; `emulator_access: "none"` → 403/50001;
/// `"read"` (no Send Messages) → 403/50013. A body is ignored.
pub(super) async fn trigger_typing(
    AxumState(state): AxumState<Arc<State>>,
    Path(channel_id): Path<String>,
) -> Result<StatusCode, ApiError> {
    let channel_id = snowflake_param("channel_id", &channel_id)?;
    let store = state.store();
    let channel = visible_channel(&store, channel_id)?;
    if let ChannelOwner::Guild {
        access: Access::Read,
        ..
    } = channel.owner
    {
        return Err(ApiError::MissingPermissions);
    }
    tracing::debug!(channel_id, "typing");
    state.gateway.typing_started(&store, channel_id);
    Ok(StatusCode::NO_CONTENT)
}
