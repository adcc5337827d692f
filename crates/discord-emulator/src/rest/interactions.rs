//! Interactions and their responses
//! ([docs](https://discord.com/developers/docs/interactions/receiving-and-responding)).
//!
//! An interaction is made by the control route `POST /_emulator/interactions` (see
//! [`crate::control`]), which dispatches INTERACTION_CREATE (no intent needed). The bot answers
//! with the token routes (no `Authorization` needed, outside the global limit):
//!
//! - `POST /interactions/{interaction.id}/{interaction.token}/callback?with_response`: the
//!   initial response, within 3 s of the interaction's creation (later: 404/10062 Unknown
//!   interaction; a wrong token or id: 404/10062 too); a second one → 400/40060. Types 1 PONG
//!   (only for PING interactions), 4 CHANNEL_MESSAGE_WITH_SOURCE, 5 DEFERRED_CHANNEL_MESSAGE
//!   (a message with flag LOADING 128), 6 DEFERRED_UPDATE_MESSAGE and 7 UPDATE_MESSAGE (component
//!   and modal interactions), 8 AUTOCOMPLETE_RESULT (autocomplete only), 9 MODAL (not for
//!   autocomplete or modal submits); a type not allowed for the interaction → 400/50035 on
//!   `type` (guessed code). 204, or 200 with `{interaction, resource}` with `with_response`.
//! - `GET`/`PATCH`/`DELETE /webhooks/{application.id}/{interaction.token}/messages/@original`,
//!   `POST /webhooks/{application.id}/{interaction.token}` (a follow-up, always 200 with the
//!   message) and `GET`/`PATCH`/`DELETE …/messages/{message.id}` (a follow-up): valid for 15
//!   minutes (then, or with a wrong token, 401/50027); before the initial response → 404/10015
//!   (guessed).
//!
//! Messages of responses and follow-ups are written by the bot, carry `interaction_metadata`
//! and appear in the channel with MESSAGE_CREATE / MESSAGE_UPDATE / MESSAGE_DELETE; ephemeral
//! ones (flag 64) are kept with the interaction only (no gateway event, not in the channel's
//! history).

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::{Path, Query, State as AxumState};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use serde_json::{Map, Value, json};

use super::messages::{Draft, apply_edit, build_message_as};
use super::{json_body, snowflake_param, webhooks};
use crate::error::ApiError;
use crate::multipart::{self, Uploads};
use crate::snowflake::parse_snowflake;
use crate::state::State;
use crate::store::{ChannelOwner, Interaction, Store, StoredMessage};
use crate::validate;

/// How long after its creation an interaction takes its initial response.
pub(crate) const RESPONSE_WINDOW: Duration = Duration::from_secs(3);
/// How long an interaction token serves the webhook routes.
pub(crate) const TOKEN_LIFETIME: Duration = Duration::from_secs(15 * 60);
/// Message flag EPHEMERAL.
const EPHEMERAL: u64 = 64;
/// Message flag LOADING (a deferred response's message).
const LOADING: u64 = 128;

/// What the control route was asked to make.
pub(crate) struct NewInteraction {
    pub(crate) kind: u64,
    pub(crate) guild_id: Option<u64>,
    pub(crate) channel_id: u64,
    pub(crate) user_id: u64,
    pub(crate) message_id: Option<u64>,
    pub(crate) data: Value,
}

/// Makes an interaction and dispatches INTERACTION_CREATE; `Err` is a message for the control
/// route's 400.
pub(crate) fn create(state: &State, new: NewInteraction) -> Result<Value, String> {
    if !(2..=5).contains(&new.kind) {
        return Err("type must be 2, 3, 4 or 5".to_owned());
    }
    if !new.data.is_object() {
        return Err("data must be an object".to_owned());
    }
    let mut store = state.store();
    let channel = store
        .channels
        .get(&new.channel_id)
        .ok_or("channel_id must name a channel of the fixture")?;
    let guild_id = match channel.owner {
        ChannelOwner::Guild { guild_id, .. } => Some(guild_id),
        _ => None,
    };
    if new.guild_id.is_some() && new.guild_id != guild_id {
        return Err("guild_id must be the channel's guild".to_owned());
    }
    let user = store
        .users
        .get(&new.user_id)
        .ok_or("user_id must name a user of the fixture")?
        .object
        .clone();
    let channel_object = channel.object.clone();
    let message = match new.message_id {
        Some(message_id) => Some(
            channel
                .message(message_id)
                .map(|message| channel.served(message))
                .ok_or("message_id must name a message of the channel")?,
        ),
        None if new.kind == 3 => return Err("a component interaction needs message_id".into()),
        None => None,
    };
    let bot_id = store.bot_id;
    let mut payload = Map::new();
    match guild_id {
        Some(guild_id) => {
            let guild = &store.guilds[&guild_id];
            let mut member = guild
                .member(new.user_id)
                .ok_or("user_id must be a member of the channel's guild")?
                .clone();
            member.insert("user".into(), Value::Object(user));
            member.insert(
                "permissions".into(),
                json!(guild.permissions_of(new.user_id).to_string()),
            );
            payload.insert("guild_id".into(), json!(guild_id.to_string()));
            payload.insert("member".into(), Value::Object(member));
            payload.insert(
                "app_permissions".into(),
                json!(guild.permissions_of(bot_id).to_string()),
            );
            payload.insert("guild_locale".into(), json!("en-US"));
            payload.insert("context".into(), json!(0));
            payload.insert(
                "authorizing_integration_owners".into(),
                json!({"0": guild_id.to_string()}),
            );
        }
        None => {
            payload.insert("user".into(), Value::Object(user));
            payload.insert("app_permissions".into(), json!("0"));
            payload.insert("context".into(), json!(1));
            payload.insert(
                "authorizing_integration_owners".into(),
                json!({"1": new.user_id.to_string()}),
            );
        }
    }
    let id = store.snowflakes.next();
    let token = format!("aW50ZXJhY3Rpb246{}", webhooks::new_token(&mut store));
    for (key, value) in [
        ("id", json!(id.to_string())),
        ("application_id", json!(bot_id.to_string())),
        ("type", json!(new.kind)),
        ("data", new.data.clone()),
        ("channel_id", json!(new.channel_id.to_string())),
        ("channel", Value::Object(channel_object)),
        ("token", json!(token)),
        ("version", json!(1)),
        ("locale", json!("en-US")),
        ("entitlements", json!([])),
        ("attachment_size_limit", json!(10_485_760)),
    ] {
        payload.insert(key.to_owned(), value);
    }
    if let Some(message) = message {
        payload.insert("message".into(), message);
    }
    let name = new
        .data
        .get("name")
        .and_then(Value::as_str)
        .map(str::to_owned);
    store.interactions.insert(
        id,
        Interaction {
            id,
            token: token.clone(),
            kind: new.kind,
            channel_id: new.channel_id,
            user_id: new.user_id,
            name,
            message_id: new.message_id,
            created: Instant::now(),
            initial: None,
            original: None,
            followups: Vec::new(),
            ephemeral: BTreeMap::new(),
        },
    );
    tracing::debug!(interaction_id = id, "interaction created");
    state.gateway.dispatch(
        "INTERACTION_CREATE",
        &Value::Object(payload),
        guild_id,
        None,
    );
    Ok(json!({
        "id": id.to_string(),
        "token": token,
        "application_id": bot_id.to_string(),
    }))
}

/// What the bot did with interaction `id`, for `GET /_emulator/interactions/{id}`.
pub(crate) fn report(store: &Store, id: u64) -> Option<Value> {
    let interaction = store.interactions.get(&id)?;
    let initial = interaction
        .initial
        .as_ref()
        .map_or(Value::Null, |(kind, data, after)| {
            json!({
                "type": kind,
                "data": data,
                "after_ms": u64::try_from(after.as_millis()).unwrap_or(u64::MAX),
                "after_us": u64::try_from(after.as_micros()).unwrap_or(u64::MAX),
            })
        });
    let followups: Vec<Value> = interaction
        .followups
        .iter()
        .filter_map(|message_id| message(store, interaction, *message_id))
        .collect();
    Some(json!({
        "id": id.to_string(),
        "type": interaction.kind,
        "initial_response": initial,
        "original_message_id": interaction.original.map(|id| id.to_string()),
        "original_message": interaction.original.and_then(|message_id| message(store, interaction, message_id)),
        "followups": followups,
    }))
}

/// A message of the interaction as served (its ephemeral ones, or the channel's).
fn message(store: &Store, interaction: &Interaction, message_id: u64) -> Option<Value> {
    if let Some(message) = interaction.ephemeral.get(&message_id) {
        return Some(message.clone());
    }
    let channel = store.channels.get(&interaction.channel_id)?;
    channel
        .message(message_id)
        .map(|message| channel.served(message))
}

/// The interaction of a callback: unknown id or wrong token → 404/10062.
fn callback_interaction(store: &Store, raw: &str, token: &str) -> Result<Interaction, ApiError> {
    let id = snowflake_param("interaction_id", raw)?;
    match store.interactions.get(&id) {
        Some(interaction) if interaction.token == token => Ok(interaction.clone()),
        _ => Err(ApiError::UnknownInteraction),
    }
}

/// Whether callback type `callback` answers interaction type `kind` (1 PING is never made by
/// the control route).
fn allowed(kind: u64, callback: u64) -> bool {
    match callback {
        4 | 5 => matches!(kind, 2 | 3 | 5),
        6 | 7 => matches!(kind, 3 | 5),
        8 => kind == 4,
        9 => matches!(kind, 2 | 3),
        _ => false,
    }
}

/// Writes a message of the bot for `interaction` from a message body (`flags` may have
/// EPHEMERAL); returns it as served. Ephemeral messages stay with the interaction.
fn post_message(
    state: &State,
    store: &mut Store,
    interaction: &mut Interaction,
    body: Option<&Value>,
    uploads: Option<&Uploads>,
    loading: bool,
) -> Result<Value, ApiError> {
    let mut body = body.cloned();
    let mut extra = if loading { LOADING } else { 0 };
    if let Some(Value::Object(fields)) = body.as_mut()
        && let Some(flags) = fields.get("flags").and_then(Value::as_u64)
    {
        extra |= flags & EPHEMERAL;
        fields.insert("flags".into(), json!(flags & !EPHEMERAL));
    }
    let input = if loading {
        validate::message_create(Some(&json!({"content": "…"})))?
    } else {
        validate::message_create(body.as_ref())?
    };
    let channel_id = interaction.channel_id;
    let upload = multipart::uploads(uploads);
    let base_url = state.base_url();
    let attachments = multipart::attachments_for(
        body.as_ref(),
        &upload,
        channel_id,
        &base_url,
        &|_| false,
        &mut || store.snowflakes.next(),
    )?;
    let draft = Draft {
        author: Value::Object(store.bot_user().clone()),
        input,
        reply: None,
        sticker_items: Vec::new(),
        attachments: attachments
            .iter()
            .map(|attachment| attachment.object.clone())
            .collect(),
    };
    multipart::store_files(store, channel_id, attachments);
    let id = store.snowflakes.next();
    let mut object = build_message_as(store, channel_id, id, draft);
    if let Some(fields) = object.as_object_mut() {
        if loading {
            fields.insert("content".into(), json!(""));
        }
        let flags = fields.get("flags").and_then(Value::as_u64).unwrap_or(0) | extra;
        fields.insert("flags".into(), json!(flags));
        fields.insert(
            "type".into(),
            json!(if interaction.kind == 2 { 20 } else { 0 }),
        );
        fields.insert("webhook_id".into(), json!(store.bot_id.to_string()));
        fields.insert("application_id".into(), json!(store.bot_id.to_string()));
        let user = store
            .users
            .get(&interaction.user_id)
            .map_or(Value::Null, |user| Value::Object(user.object.clone()));
        let mut metadata = json!({
            "id": interaction.id.to_string(),
            "type": interaction.kind,
            "user": user,
            "authorizing_integration_owners": {},
        });
        if let Some(name) = &interaction.name {
            metadata["name"] = json!(name);
        }
        if let Some(message_id) = interaction.message_id {
            metadata["interacted_message_id"] = json!(message_id.to_string());
        }
        fields.insert("interaction_metadata".into(), metadata);
    }
    if extra & EPHEMERAL != 0 {
        interaction.ephemeral.insert(id, object.clone());
        return Ok(object);
    }
    let message = StoredMessage::new(id, object);
    let served = store.channels[&channel_id].served(&message);
    store.push_message(channel_id, message);
    state.gateway.message_created(store, channel_id, &served);
    Ok(served)
}

/// Edits message `message_id` of `interaction` with a message edit body; returns it as served
/// (MESSAGE_UPDATE unless ephemeral). A deferred message loses its LOADING flag.
fn edit_message(
    state: &State,
    store: &mut Store,
    interaction: &mut Interaction,
    message_id: u64,
    body: Option<&Value>,
    uploads: Option<&Uploads>,
) -> Result<Value, ApiError> {
    let channel_id = interaction.channel_id;
    let ephemeral = interaction.ephemeral.contains_key(&message_id);
    let original = match interaction.ephemeral.get(&message_id) {
        Some(object) => object.clone(),
        None => store
            .channels
            .get(&channel_id)
            .and_then(|channel| channel.message(message_id))
            .map(|message| message.object.clone())
            .ok_or(ApiError::UnknownMessage)?,
    };
    let mut body = body.cloned();
    if let Some(Value::Object(fields)) = body.as_mut()
        && let Some(flags) = fields.get("flags").and_then(Value::as_u64)
    {
        fields.insert("flags".into(), json!(flags & !(EPHEMERAL | LOADING)));
    }
    let flags = original.get("flags").and_then(Value::as_u64).unwrap_or(0);
    let v2 = flags & validate::IS_COMPONENTS_V2 != 0;
    let edit = validate::message_edit_of(body.as_ref(), v2)?;
    let existing: Vec<u64> = original
        .get("attachments")
        .and_then(Value::as_array)
        .map(|list| {
            list.iter()
                .filter_map(|attachment| attachment.get("id").and_then(parse_snowflake))
                .collect()
        })
        .unwrap_or_default();
    let upload = multipart::uploads(uploads);
    let base_url = state.base_url();
    let added = multipart::attachments_for(
        body.as_ref(),
        &upload,
        channel_id,
        &base_url,
        &|id| existing.contains(&id),
        &mut || store.snowflakes.next(),
    )?;
    let new_objects = added.iter().map(|added| added.object.clone()).collect();
    let mut updated = apply_edit(store, channel_id, &original, edit, new_objects)?;
    multipart::store_files(store, channel_id, added);
    if let Some(fields) = updated.as_object_mut() {
        let now = fields.get("flags").and_then(Value::as_u64).unwrap_or(0);
        fields.insert(
            "flags".into(),
            json!((now & !LOADING) | (flags & EPHEMERAL)),
        );
    }
    if ephemeral {
        interaction.ephemeral.insert(message_id, updated.clone());
        return Ok(updated);
    }
    let Some(message) = store
        .channels
        .get_mut(&channel_id)
        .and_then(|channel| channel.message_mut(message_id))
    else {
        return Err(ApiError::UnknownMessage);
    };
    message.object = updated;
    let channel = &store.channels[&channel_id];
    let served = channel
        .message(message_id)
        .map(|message| channel.served(message))
        .unwrap_or_default();
    state.gateway.message_updated(store, channel_id, &served);
    Ok(served)
}

/// `POST /interactions/{interaction.id}/{interaction.token}/callback?with_response` `{"type",
/// "data"}` → 204, or 200 `{"interaction", "resource"}` with `with_response`.
pub(super) async fn callback(
    AxumState(state): AxumState<Arc<State>>,
    Path((id, token)): Path<(String, String)>,
    Query(query): Query<HashMap<String, String>>,
    uploads: Option<Extension<Uploads>>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let mut store = state.store();
    let mut interaction = callback_interaction(&store, &id, &token)?;
    if interaction.initial.is_some() {
        return Err(ApiError::InteractionAcknowledged);
    }
    let elapsed = interaction.created.elapsed();
    if elapsed > RESPONSE_WINDOW {
        return Err(ApiError::UnknownInteraction);
    }
    let body = json_body(&body)?.unwrap_or(Value::Null);
    let Some(kind) = body.get("type").and_then(Value::as_u64) else {
        return Err(ApiError::form(
            &["type"],
            "BASE_TYPE_REQUIRED",
            "This field is required",
        ));
    };
    if !allowed(interaction.kind, kind) {
        return Err(ApiError::form(
            &["type"],
            "INTERACTION_CALLBACK_TYPE_INVALID",
            "Value is not a valid interaction callback type for this interaction.",
        ));
    }
    let data = body.get("data").cloned().unwrap_or(Value::Null);
    let uploads = uploads.as_ref().map(|uploads| &uploads.0);
    let message = match kind {
        4 => Some(post_message(
            &state,
            &mut store,
            &mut interaction,
            Some(&data),
            uploads,
            false,
        )?),
        5 => Some(post_message(
            &state,
            &mut store,
            &mut interaction,
            Some(&data),
            uploads,
            true,
        )?),
        7 => {
            let message_id = interaction.message_id.ok_or(ApiError::UnknownMessage)?;
            Some(edit_message(
                &state,
                &mut store,
                &mut interaction,
                message_id,
                Some(&data),
                uploads,
            )?)
        }
        8 => {
            let choices = data.get("choices").and_then(Value::as_array);
            if choices.is_none_or(|choices| choices.len() > 25) {
                return Err(ApiError::form(
                    &["data", "choices"],
                    "BASE_TYPE_MAX_LENGTH",
                    "Must be 25 or fewer in length.",
                ));
            }
            None
        }
        9 => {
            for key in ["custom_id", "title", "components"] {
                if data.get(key).is_none_or(Value::is_null) {
                    return Err(ApiError::form(
                        &["data", key],
                        "BASE_TYPE_REQUIRED",
                        "This field is required",
                    ));
                }
            }
            None
        }
        _ => None,
    };
    interaction.original = match kind {
        4 | 5 => message
            .as_ref()
            .and_then(|message| message.get("id"))
            .and_then(parse_snowflake),
        6 | 7 => interaction.message_id,
        _ => None,
    };
    interaction.initial = Some((kind, data, elapsed));
    tracing::debug!(
        interaction_id = interaction.id,
        kind,
        "interaction answered"
    );
    let ephemeral = message.as_ref().is_some_and(|message| {
        message
            .get("flags")
            .and_then(Value::as_u64)
            .is_some_and(|flags| flags & EPHEMERAL != 0)
    });
    let response = json!({
        "interaction": {
            "id": interaction.id.to_string(),
            "type": interaction.kind,
            "activity_instance_id": null,
            "response_message_id": interaction.original.map(|id| id.to_string()),
            "response_message_loading": kind == 5,
            "response_message_ephemeral": ephemeral,
        },
        "resource": match &message {
            Some(message) => json!({"type": kind, "message": message}),
            None => json!({"type": kind}),
        },
    });
    store.interactions.insert(interaction.id, interaction);
    let with_response = query
        .get("with_response")
        .is_some_and(|raw| matches!(raw.to_ascii_lowercase().as_str(), "true" | "1"));
    Ok(if with_response {
        Json(response).into_response()
    } else {
        StatusCode::NO_CONTENT.into_response()
    })
}

/// The interaction of a webhook route `/webhooks/{application.id}/{token}`, if the id is the
/// application's (else `None`: an incoming webhook's route). A wrong or expired token →
/// 401/50027; not acknowledged yet → 404/10015 (guessed).
fn webhook_interaction(
    store: &Store,
    raw_id: &str,
    token: &str,
) -> Option<Result<Interaction, ApiError>> {
    let id = crate::snowflake::parse_snowflake_str(raw_id)?;
    if id != store.bot_id {
        return None;
    }
    let found = store
        .interactions
        .values()
        .find(|interaction| interaction.token == token);
    Some(match found {
        Some(interaction) if interaction.created.elapsed() <= TOKEN_LIFETIME => {
            if interaction.initial.is_none() {
                Err(ApiError::UnknownWebhook)
            } else {
                Ok(interaction.clone())
            }
        }
        _ => Err(ApiError::InvalidWebhookToken),
    })
}

/// The message id of `@original` or a follow-up id of the interaction, else 404/10008.
fn target(interaction: &Interaction, raw: &str) -> Result<u64, ApiError> {
    if raw == "@original" {
        return interaction.original.ok_or(ApiError::UnknownMessage);
    }
    let id = snowflake_param("message_id", raw)?;
    if interaction.followups.contains(&id) || interaction.original == Some(id) {
        Ok(id)
    } else {
        Err(ApiError::UnknownMessage)
    }
}

/// `POST /webhooks/{id}/{token}`: a follow-up (200 with the message) when `id` is the
/// application's, else an incoming webhook's execute.
pub(super) async fn execute(
    AxumState(state): AxumState<Arc<State>>,
    Path((id, token)): Path<(String, String)>,
    query: Query<HashMap<String, String>>,
    uploads: Option<Extension<Uploads>>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let found = webhook_interaction(&state.store(), &id, &token);
    let Some(found) = found else {
        return webhooks::execute_webhook(
            AxumState(state),
            Path((id, token)),
            query,
            uploads,
            body,
        )
        .await;
    };
    let mut interaction = found?;
    let body = json_body(&body)?;
    let mut store = state.store();
    let message = post_message(
        &state,
        &mut store,
        &mut interaction,
        body.as_ref(),
        uploads.as_ref().map(|uploads| &uploads.0),
        false,
    )?;
    if let Some(message_id) = message.get("id").and_then(parse_snowflake) {
        interaction.followups.push(message_id);
    }
    store.interactions.insert(interaction.id, interaction);
    Ok(Json(message).into_response())
}

/// `GET /webhooks/{id}/{token}/messages/{message}`: `@original` or a follow-up of an
/// interaction, else an incoming webhook's message.
pub(super) async fn get_message(
    AxumState(state): AxumState<Arc<State>>,
    Path((id, token, message_id)): Path<(String, String, String)>,
    query: Query<HashMap<String, String>>,
) -> Result<Json<Value>, ApiError> {
    let found = webhook_interaction(&state.store(), &id, &token);
    let Some(found) = found else {
        return webhooks::get_webhook_message(
            AxumState(state),
            Path((id, token, message_id)),
            query,
        )
        .await;
    };
    let interaction = found?;
    let message_id = target(&interaction, &message_id)?;
    message(&state.store(), &interaction, message_id)
        .map(Json)
        .ok_or(ApiError::UnknownMessage)
}

/// `PATCH /webhooks/{id}/{token}/messages/{message}`: edits `@original` or a follow-up of an
/// interaction (MESSAGE_UPDATE), else an incoming webhook's message.
pub(super) async fn edit(
    AxumState(state): AxumState<Arc<State>>,
    Path((id, token, message_id)): Path<(String, String, String)>,
    query: Query<HashMap<String, String>>,
    uploads: Option<Extension<Uploads>>,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    let found = webhook_interaction(&state.store(), &id, &token);
    let Some(found) = found else {
        return webhooks::edit_webhook_message(
            AxumState(state),
            Path((id, token, message_id)),
            query,
            uploads,
            body,
        )
        .await;
    };
    let mut interaction = found?;
    let message_id = target(&interaction, &message_id)?;
    let body = json_body(&body)?;
    let mut store = state.store();
    let message = edit_message(
        &state,
        &mut store,
        &mut interaction,
        message_id,
        body.as_ref(),
        uploads.as_ref().map(|uploads| &uploads.0),
    )?;
    store.interactions.insert(interaction.id, interaction);
    Ok(Json(message))
}

/// `DELETE /webhooks/{id}/{token}/messages/{message}`: deletes `@original` or a follow-up of an
/// interaction (MESSAGE_DELETE unless ephemeral), else an incoming webhook's message.
pub(super) async fn delete(
    AxumState(state): AxumState<Arc<State>>,
    Path((id, token, message_id)): Path<(String, String, String)>,
    query: Query<HashMap<String, String>>,
) -> Result<StatusCode, ApiError> {
    let found = webhook_interaction(&state.store(), &id, &token);
    let Some(found) = found else {
        return webhooks::delete_webhook_message(
            AxumState(state),
            Path((id, token, message_id)),
            query,
        )
        .await;
    };
    let mut interaction = found?;
    let message_id = target(&interaction, &message_id)?;
    let mut store = state.store();
    if interaction.ephemeral.remove(&message_id).is_none() {
        let channel_id = interaction.channel_id;
        let removed = store
            .channels
            .get_mut(&channel_id)
            .and_then(|channel| channel.remove_message(message_id));
        if removed.is_none() {
            return Err(ApiError::UnknownMessage);
        }
        state
            .gateway
            .message_deleted(&store, channel_id, message_id);
    }
    interaction.followups.retain(|id| *id != message_id);
    if interaction.original == Some(message_id) {
        interaction.original = None;
    }
    store.interactions.insert(interaction.id, interaction);
    Ok(StatusCode::NO_CONTENT)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn callback_types_fit_interaction_types() {
        assert!(allowed(2, 4) && allowed(2, 5) && allowed(2, 9));
        assert!(!allowed(2, 6) && !allowed(2, 7) && !allowed(2, 8) && !allowed(2, 1));
        assert!(allowed(3, 6) && allowed(3, 7) && allowed(3, 9));
        assert!(allowed(4, 8) && !allowed(4, 4) && !allowed(4, 9));
        assert!(allowed(5, 4) && allowed(5, 7) && !allowed(5, 9));
    }
}
