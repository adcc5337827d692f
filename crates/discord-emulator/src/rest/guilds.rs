//! `GET /guilds/{guild.id}` and `GET /guilds/{guild.id}/channels`
//! ([docs](https://discord.com/developers/docs/resources/guild#get-guild)).

use std::collections::HashMap;
use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, Query, State as AxumState};
use serde_json::{Value, json};

use super::snowflake_param;
use crate::error::ApiError;
use crate::state::State;

/// `GET /guilds/{guild.id}[?with_counts=true]` → the guild object (roles included, channels
/// not); unknown → 404/10004. `with_counts` adds `approximate_member_count` (the fixture's
/// members) and `approximate_presence_count` (0: nobody is online in the emulator).
pub(super) async fn get_guild(
    AxumState(state): AxumState<Arc<State>>,
    Path(guild_id): Path<String>,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Json<Value>, ApiError> {
    let guild_id = snowflake_param("guild_id", &guild_id)?;
    let store = state.store();
    let guild = store.guilds.get(&guild_id).ok_or(ApiError::UnknownGuild)?;
    let mut object = guild.object.clone();
    let with_counts = query
        .get("with_counts")
        .is_some_and(|value| matches!(value.to_ascii_lowercase().as_str(), "true" | "1"));
    if with_counts {
        object.insert(
            "approximate_member_count".to_owned(),
            json!(guild.members.len()),
        );
        object.insert("approximate_presence_count".to_owned(), json!(0));
    }
    Ok(Json(Value::Object(object)))
}

/// `GET /guilds/{guild.id}/channels` → every channel of the guild in API order (the fixture's
/// order, then created channels in creation order; see `channel_admin`), including those the
/// bot cannot view (bots are sent every channel); unknown → 404/10004.
pub(super) async fn guild_channels(
    AxumState(state): AxumState<Arc<State>>,
    Path(guild_id): Path<String>,
) -> Result<Json<Vec<Value>>, ApiError> {
    let guild_id = snowflake_param("guild_id", &guild_id)?;
    let store = state.store();
    let guild = store.guilds.get(&guild_id).ok_or(ApiError::UnknownGuild)?;
    let channels = guild
        .channel_ids
        .iter()
        .filter_map(|id| store.channels.get(id))
        .map(|channel| Value::Object(channel.object.clone()))
        .collect();
    Ok(Json(channels))
}
