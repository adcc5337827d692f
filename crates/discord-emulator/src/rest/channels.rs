//! `GET /channels/{channel.id}`
//! ([docs](https://discord.com/developers/docs/resources/channel#get-channel)) and the channel
//! checks the message routes share.

use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, State as AxumState};
use serde_json::Value;

use super::snowflake_param;
use crate::error::ApiError;
use crate::fixture::Access;
use crate::state::State;
use crate::store::{ChannelOwner, ChannelState, Store};

/// The channel if the bot can see it: unknown → 404/10003, `emulator_access: "none"` →
/// 403/50001.
pub(super) fn visible_channel(store: &Store, channel_id: u64) -> Result<&ChannelState, ApiError> {
    let channel = store
        .channels
        .get(&channel_id)
        .ok_or(ApiError::UnknownChannel)?;
    match channel.owner {
        ChannelOwner::Guild {
            access: Access::None,
            ..
        } => Err(ApiError::MissingAccess),
        _ => Ok(channel),
    }
}

/// Whether messages can be posted in a channel of this type (text, DM, voice, group DM,
/// announcement, threads, stage); categories, directories, forums and media channels cannot.
pub(super) fn holds_messages(kind: u64) -> bool {
    !matches!(kind, 4 | 14 | 15 | 16)
}

/// `GET /channels/{channel.id}` → the channel object (guild channels carry `guild_id`, DM
/// channels `recipients`; a thread the bot joined carries the bot's thread `member`, as
/// Discord documents).
pub(super) async fn get_channel(
    AxumState(state): AxumState<Arc<State>>,
    Path(channel_id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let channel_id = snowflake_param("channel_id", &channel_id)?;
    let store = state.store();
    let channel = visible_channel(&store, channel_id)?;
    let mut object = channel.object.clone();
    if crate::store::is_thread(channel.kind)
        && let Some(member) = store
            .thread_members
            .get(&channel_id)
            .and_then(|members| members.iter().find(|m| m.user_id == store.bot_id))
    {
        object.insert("member".into(), member.to_value(channel_id));
    }
    Ok(Json(Value::Object(object)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn channel_types_that_hold_messages() {
        for kind in [0, 1, 2, 3, 5, 10, 11, 12, 13] {
            assert!(holds_messages(kind), "{kind}");
        }
        for kind in [4, 14, 15, 16] {
            assert!(!holds_messages(kind), "{kind}");
        }
    }
}
