//! `PUT /channels/{channel.id}/messages/pins/{message.id}`
//! ([docs](https://discord.com/developers/docs/resources/message#pin-message)) and the
//! deprecated `PUT /channels/{channel.id}/pins/{message.id}`.

use std::sync::Arc;

use axum::extract::{Path, State as AxumState};
use axum::http::StatusCode;

use super::super::super::channels::visible_channel;
use super::super::{find_message, message_path};
use super::{MAX_PINS, last_pin_timestamp, may_pin, pinned};
use crate::error::ApiError;
use crate::state::State;

/// `PUT /channels/{channel.id}/messages/pins/{message.id}` → 204 with an empty body;
/// `pinned` becomes true, and MESSAGE_UPDATE and CHANNEL_PINS_UPDATE go out (a message pinned
/// already: 204 without events). `X-Audit-Log-Reason` is accepted (and recorded).
///
/// Checks in this order: unknown channel → 404/10003; `emulator_access: "none"` → 403/50001;
/// `"read"` → 403/50013; unknown message → 404/10008; 50 pins already → 400/30003.
pub(in crate::rest) async fn pin_message(
    AxumState(state): AxumState<Arc<State>>,
    Path(path): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    let (channel_id, message_id) = message_path(path)?;
    let mut store = state.store();
    let channel = visible_channel(&store, channel_id)?;
    may_pin(channel)?;
    if find_message(channel, message_id)?.pin.is_some() {
        return Ok(StatusCode::NO_CONTENT);
    }
    if pinned(channel).len() >= MAX_PINS {
        return Err(ApiError::TooManyPins);
    }
    let pin = store.next_pin();
    let Some(channel) = store.channels.get_mut(&channel_id) else {
        return Err(ApiError::UnknownChannel);
    };
    let Some(message) = channel.message_mut(message_id) else {
        return Err(ApiError::UnknownMessage);
    };
    message.set_pin(Some(pin));
    let message = message.clone();
    let served = channel.served(&message);
    let last_pin = last_pin_timestamp(channel);
    tracing::debug!(channel_id, message_id, "message pinned");
    state.gateway.message_updated(&store, channel_id, &served);
    state
        .gateway
        .pins_updated(&store, channel_id, last_pin.as_deref());
    Ok(StatusCode::NO_CONTENT)
}
