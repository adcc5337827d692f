//! `POST /channels/{channel.id}/messages/{message.id}/crosspost`
//! ([docs](https://discord.com/developers/docs/resources/message#crosspost-message)).

use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, State as AxumState};
use serde_json::{Value, json};

use super::super::channels::visible_channel;
use super::{find_message, message_path};
use crate::error::ApiError;
use crate::fixture::Access;
use crate::state::State;
use crate::store::ChannelOwner;

/// Channel type GUILD_ANNOUNCEMENT.
const ANNOUNCEMENT: u64 = 5;
/// Message flag CROSSPOSTED (1 << 0).
const CROSSPOSTED: u64 = 1;

/// `POST /channels/{channel.id}/messages/{message.id}/crosspost` → 200 with the message, now
/// with the CROSSPOSTED flag, and MESSAGE_UPDATE on the gateway. (There are no following
/// channels to copy it into.)
///
/// Checks in this order: unknown channel → 404/10003; `emulator_access: "none"` → 403/50001;
/// `"read"` → 403/50013; not an announcement channel (type 5) → 400/50024; unknown message →
/// 404/10008; already crossposted → 400/40033.
pub(in crate::rest) async fn crosspost_message(
    AxumState(state): AxumState<Arc<State>>,
    Path(path): Path<(String, String)>,
) -> Result<Json<Value>, ApiError> {
    let (channel_id, message_id) = message_path(path)?;
    let mut store = state.store();
    let channel = visible_channel(&store, channel_id)?;
    if let ChannelOwner::Guild {
        access: Access::Read,
        ..
    } = channel.owner
    {
        return Err(ApiError::MissingPermissions);
    }
    if channel.kind != ANNOUNCEMENT {
        return Err(ApiError::InvalidChannelType);
    }
    let flags = find_message(channel, message_id)?
        .object
        .get("flags")
        .and_then(Value::as_u64)
        .unwrap_or(0);
    if flags & CROSSPOSTED != 0 {
        return Err(ApiError::AlreadyCrossposted);
    }
    let Some(channel) = store.channels.get_mut(&channel_id) else {
        return Err(ApiError::UnknownChannel);
    };
    let Some(message) = channel.message_mut(message_id) else {
        return Err(ApiError::UnknownMessage);
    };
    message.object["flags"] = json!(flags | CROSSPOSTED);
    let message = message.clone();
    let served = channel.served(&message);
    tracing::debug!(channel_id, message_id, "message crossposted");
    state.gateway.message_updated(&store, channel_id, &served);
    Ok(Json(served))
}
