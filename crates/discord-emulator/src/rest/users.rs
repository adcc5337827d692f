//! `GET /users/@me`, `GET /users/{user.id}` and `POST /users/@me/channels`
//! ([docs](https://discord.com/developers/docs/resources/user)).

use std::sync::Arc;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State as AxumState};
use serde_json::Value;

use super::{json_body, snowflake_param};
use crate::error::ApiError;
use crate::snowflake::parse_snowflake;
use crate::state::State;

/// `GET /users/@me` → the bot user with its account keys (`mfa_enabled`, `locale`,
/// `verified`, `email`).
pub(super) async fn current_user(AxumState(state): AxumState<Arc<State>>) -> Json<Value> {
    let store = state.store();
    let mut object = store.bot_user().clone();
    object.extend(store.bot_private.clone());
    Json(Value::Object(object))
}

/// `GET /users/{user.id}` → the user object; unknown → 404/10013.
pub(super) async fn get_user(
    AxumState(state): AxumState<Arc<State>>,
    Path(user_id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let user_id = snowflake_param("user_id", &user_id)?;
    let store = state.store();
    let user = store.users.get(&user_id).ok_or(ApiError::UnknownUser)?;
    Ok(Json(Value::Object(user.object.clone())))
}

/// `POST /users/@me/channels` with `{"recipient_id": …}` → the DM channel (the same one for a
/// user every time). Users with DMs closed still get one: Discord refuses only the message.
///
/// Errors: malformed JSON → 50109; missing or malformed `recipient_id` → 50035 on
/// `recipient_id`; a user that does not exist (or the bot itself) → 400/50033
/// "Invalid Recipient(s)".
pub(super) async fn create_dm(
    AxumState(state): AxumState<Arc<State>>,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    let body = json_body(&body)?;
    let recipient = match &body {
        None | Some(Value::Null) => None,
        Some(Value::Object(object)) => object.get("recipient_id").filter(|v| !v.is_null()),
        Some(_) => {
            return Err(ApiError::form(
                &[],
                "DICT_TYPE_CONVERT",
                "Only dictionaries may be used in a DictType",
            ));
        }
    };
    let Some(recipient) = recipient else {
        return Err(ApiError::form(
            &["recipient_id"],
            "BASE_TYPE_REQUIRED",
            "This field is required",
        ));
    };
    let recipient_id = parse_snowflake(recipient).ok_or_else(|| {
        let shown = recipient
            .as_str()
            .map_or_else(|| recipient.to_string(), str::to_owned);
        ApiError::form(
            &["recipient_id"],
            "NUMBER_TYPE_COERCE",
            format!("Value \"{shown}\" is not snowflake."),
        )
    })?;
    let mut store = state.store();
    if recipient_id == store.bot_id || !store.users.contains_key(&recipient_id) {
        return Err(ApiError::InvalidRecipients);
    }
    let channel_id = store.open_dm(recipient_id);
    Ok(Json(Value::Object(
        store.channels[&channel_id].object.clone(),
    )))
}
