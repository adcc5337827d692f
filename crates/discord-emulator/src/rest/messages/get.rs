//! `GET /channels/{channel.id}/messages/{message.id}`
//! ([docs](https://discord.com/developers/docs/resources/message#get-channel-message)).

use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, State as AxumState};
use serde_json::Value;

use super::super::channels::visible_channel;
use super::{find_message, message_path};
use crate::error::ApiError;
use crate::state::State;

/// `GET /channels/{channel.id}/messages/{message.id}` → the message object (a reply with its
/// `referenced_message`). Unknown channel → 404/10003; `emulator_access: "none"` → 403/50001;
/// unknown message (also one of another channel) → 404/10008.
pub(in crate::rest) async fn get_message(
    AxumState(state): AxumState<Arc<State>>,
    Path(path): Path<(String, String)>,
) -> Result<Json<Value>, ApiError> {
    let (channel_id, message_id) = message_path(path)?;
    let store = state.store();
    let channel = visible_channel(&store, channel_id)?;
    let message = find_message(channel, message_id)?;
    Ok(Json(channel.served(message)))
}
