//! `GET /users/@me/guilds`
//! ([docs](https://discord.com/developers/docs/resources/user#get-current-user-guilds)): the
//! bot's guilds as partial guild objects, in id order, with `before`, `after`, `limit` (1–200,
//! default 200) and `with_counts`.

use std::collections::HashMap;
use std::sync::Arc;

use axum::Json;
use axum::extract::{Query, State as AxumState};
use serde_json::{Value, json};

use super::snowflake_param;
use crate::error::ApiError;
use crate::state::State;

/// The most guilds one page lists (also the default).
const PAGE_MAX: i64 = 200;

/// `GET /users/@me/guilds?before&after&limit&with_counts` → `[{"id", "name", "icon",
/// "banner", "owner", "permissions", "features"}]` (plus `approximate_member_count` and
/// `approximate_presence_count` with `with_counts=true`): the guilds the bot is in, in id order,
/// those above `after` or the last ones below `before`. `permissions` are the bot's guild
/// permissions. A bad `limit` → 400/50035.
pub(super) async fn current_user_guilds(
    AxumState(state): AxumState<Arc<State>>,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Json<Value>, ApiError> {
    let limit = match query.get("limit") {
        None => PAGE_MAX,
        Some(raw) => match raw.trim().parse::<i64>() {
            Ok(limit) if limit < 1 => {
                return Err(ApiError::form(
                    &["limit"],
                    "NUMBER_TYPE_MIN",
                    "int value should be greater than or equal to 1.",
                ));
            }
            Ok(limit) if limit > PAGE_MAX => {
                return Err(ApiError::form(
                    &["limit"],
                    "NUMBER_TYPE_MAX",
                    format!("int value should be less than or equal to {PAGE_MAX}."),
                ));
            }
            Ok(limit) => limit,
            Err(_) => {
                return Err(ApiError::form(
                    &["limit"],
                    "NUMBER_TYPE_COERCE",
                    format!("Value \"{raw}\" is not int."),
                ));
            }
        },
    };
    let limit = usize::try_from(limit).unwrap_or(1);
    let before = query
        .get("before")
        .map(|raw| snowflake_param("before", raw))
        .transpose()?;
    let after = query
        .get("after")
        .map(|raw| snowflake_param("after", raw))
        .transpose()?;
    let with_counts = query
        .get("with_counts")
        .is_some_and(|value| matches!(value.to_ascii_lowercase().as_str(), "true" | "1"));
    let store = state.store();
    let bot_id = store.bot_id;
    let mut ids: Vec<u64> = store
        .guilds
        .iter()
        .filter(|(_, guild)| {
            guild.member_index(bot_id).is_some() || guild.owner_id() == Some(bot_id)
        })
        .map(|(id, _)| *id)
        .collect();
    ids.sort_unstable();
    let page: Vec<u64> = match (before, after) {
        (Some(before), None) => {
            let below: Vec<u64> = ids.into_iter().filter(|id| *id < before).collect();
            let skip = below.len().saturating_sub(limit);
            below.into_iter().skip(skip).collect()
        }
        _ => ids
            .into_iter()
            .filter(|id| *id > after.unwrap_or(0))
            .take(limit)
            .collect(),
    };
    let guilds = page
        .into_iter()
        .map(|id| {
            let guild = &store.guilds[&id];
            let field = |key: &str| guild.object.get(key).cloned().unwrap_or(Value::Null);
            let mut partial = json!({
                "id": id.to_string(),
                "name": field("name"),
                "icon": field("icon"),
                "banner": field("banner"),
                "owner": guild.owner_id() == Some(bot_id),
                "permissions": guild.permissions_of(bot_id).to_string(),
                "features": guild.object.get("features").cloned().unwrap_or(json!([])),
            });
            if with_counts {
                partial["approximate_member_count"] = json!(guild.members.len());
                partial["approximate_presence_count"] = json!(0);
            }
            partial
        })
        .collect();
    Ok(Json(Value::Array(guilds)))
}
