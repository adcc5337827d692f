//! `POST /channels/{channel.id}/messages/bulk-delete`
//! ([docs](https://discord.com/developers/docs/resources/message#bulk-delete-messages)).

use std::sync::Arc;
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::{Path, State as AxumState};
use axum::http::StatusCode;

use super::super::channels::visible_channel;
use super::may_manage_messages;
use crate::error::ApiError;
use crate::rest::{json_body, snowflake_param};
use crate::snowflake::DISCORD_EPOCH_MS;
use crate::state::State;
use crate::timestamp::now_ms;
use crate::validate;

/// Messages older than this cannot be bulk deleted (two weeks).
const MAX_AGE: Duration = Duration::from_secs(14 * 24 * 3600);

/// Whether the time encoded in snowflake `id` is more than [`MAX_AGE`] before `now_ms`.
fn too_old(id: u64, now_ms: u64) -> bool {
    let created_ms = (id >> 22) + DISCORD_EPOCH_MS;
    let max_age_ms = u64::try_from(MAX_AGE.as_millis()).unwrap_or(u64::MAX);
    now_ms.saturating_sub(created_ms) > max_age_ms
}

/// `POST /channels/{channel.id}/messages/bulk-delete` `{"messages": [ids]}` → 204 with an
/// empty body, and one MESSAGE_DELETE_BULK with the ids of the messages deleted.
///
/// 2 to 100 distinct ids; ids of messages that do not exist (or are in another channel) count
/// towards these limits and are otherwise ignored. Checks in this order: unknown channel →
/// 404/10003; `emulator_access: "none"` → 403/50001; a DM channel → 403/50003;
/// `emulator_access: "read"` → 403/50013; malformed JSON → 400/50109; invalid body → 400/50035
/// on `messages`; an id whose snowflake time is more than two weeks ago → 400/50034 (nothing
/// is deleted).
pub(in crate::rest) async fn bulk_delete_messages(
    AxumState(state): AxumState<Arc<State>>,
    Path(channel_id): Path<String>,
    body: Bytes,
) -> Result<StatusCode, ApiError> {
    let channel_id = snowflake_param("channel_id", &channel_id)?;
    let parsed = json_body(&body);
    let mut store = state.store();
    may_manage_messages(visible_channel(&store, channel_id)?)?;
    let ids = validate::bulk_delete(parsed?.as_ref())?;
    let now = now_ms();
    if ids.iter().any(|id| too_old(*id, now)) {
        return Err(ApiError::MessageTooOld);
    }
    let Some(channel) = store.channels.get_mut(&channel_id) else {
        return Err(ApiError::UnknownChannel);
    };
    let deleted: Vec<u64> = ids
        .into_iter()
        .filter(|id| channel.remove_message(*id).is_some())
        .collect();
    tracing::debug!(channel_id, count = deleted.len(), "messages bulk deleted");
    state.gateway.messages_deleted(&store, channel_id, &deleted);
    Ok(StatusCode::NO_CONTENT)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_weeks_by_snowflake_time() {
        let now = 1_700_000_000_000u64;
        let at = |ms: u64| (ms - DISCORD_EPOCH_MS) << 22;
        let two_weeks = 14 * 24 * 3600 * 1000;
        assert!(!too_old(at(now), now));
        assert!(!too_old(at(now - two_weeks), now));
        assert!(too_old(at(now - two_weeks - 1), now));
        assert!(too_old(175_928_847_299_117_063, now));
        // Ids from the future are not old.
        assert!(!too_old(at(now + 1000), now));
    }
}
