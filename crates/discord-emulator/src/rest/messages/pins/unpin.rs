//! `DELETE /channels/{channel.id}/messages/pins/{message.id}`
//! ([docs](https://discord.com/developers/docs/resources/message#unpin-message)) and the
//! deprecated `DELETE /channels/{channel.id}/pins/{message.id}`.

use std::sync::Arc;

use axum::extract::{Path, State as AxumState};
use axum::http::StatusCode;

use super::super::super::channels::visible_channel;
use super::super::{find_message, message_path};
use super::{last_pin_timestamp, may_pin};
use crate::error::ApiError;
use crate::state::State;

/// `DELETE /channels/{channel.id}/messages/pins/{message.id}` → 204 with an empty body;
/// `pinned` becomes false, and MESSAGE_UPDATE and CHANNEL_PINS_UPDATE (with the newest
/// remaining pin's time) go out (a message not pinned: 204 without events).
/// `X-Audit-Log-Reason` is accepted (and recorded). Errors as for pinning, without 30003.
pub(in crate::rest) async fn unpin_message(
    AxumState(state): AxumState<Arc<State>>,
    Path(path): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    let (channel_id, message_id) = message_path(path)?;
    let mut store = state.store();
    let channel = visible_channel(&store, channel_id)?;
    may_pin(channel)?;
    if find_message(channel, message_id)?.pin.is_none() {
        return Ok(StatusCode::NO_CONTENT);
    }
    let Some(channel) = store.channels.get_mut(&channel_id) else {
        return Err(ApiError::UnknownChannel);
    };
    let Some(message) = channel.message_mut(message_id) else {
        return Err(ApiError::UnknownMessage);
    };
    message.set_pin(None);
    let message = message.clone();
    let served = channel.served(&message);
    let last_pin = last_pin_timestamp(channel);
    tracing::debug!(channel_id, message_id, "message unpinned");
    state.gateway.message_updated(&store, channel_id, &served);
    state
        .gateway
        .pins_updated(&store, channel_id, last_pin.as_deref());
    Ok(StatusCode::NO_CONTENT)
}
