//! Incoming webhooks (type 1) and their messages
//! ([docs](https://discord.com/developers/docs/resources/webhook)).
//!
//! Bot routes (bot token, MANAGE_WEBHOOKS in the channel's guild, else 403/50013):
//! `POST /channels/{channel.id}/webhooks` (at most 15 per channel: 400/30007),
//! `GET /channels/{channel.id}/webhooks`, `GET /guilds/{guild.id}/webhooks`,
//! `GET /webhooks/{webhook.id}`, `PATCH /webhooks/{webhook.id}` (name, avatar, channel_id),
//! `DELETE /webhooks/{webhook.id}`; each change dispatches WEBHOOKS_UPDATE
//! (`{"guild_id", "channel_id"}`, GUILD_WEBHOOKS).
//!
//! Token routes (no `Authorization` needed; one sent is ignored; a wrong token → 401/50027,
//! an unknown webhook → 404/10015): `GET`/`PATCH`/`DELETE /webhooks/{webhook.id}/{webhook.token}`
//! (the webhook without `user`; PATCH takes name and avatar), `POST
//! /webhooks/{webhook.id}/{webhook.token}` (execute:
//! `wait` → 200 with the message, else 204; `thread_id` posts into a thread of the webhook's
//! channel; MESSAGE_CREATE), `GET`/`PATCH`/`DELETE
//! /webhooks/{webhook.id}/{webhook.token}/messages/{message.id}` (only the webhook's own
//! messages, else 404/10008; MESSAGE_UPDATE / MESSAGE_DELETE).
//!
//! Executed messages carry `webhook_id` and the webhook as `author` (`bot: true`, id = the
//! webhook's id, `username` = its name or the `username` override, `avatar`). Names (and
//! `username` overrides) are 1–80 characters and may not contain "clyde" or "discord"
//! (400/50035 on `name` / `username`).

use std::collections::HashMap;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, Query, State as AxumState};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use serde_json::{Value, json};

use super::channels::{holds_messages, visible_channel};
use super::messages::{Draft, apply_edit, build_message_as};
use super::roles::{body_object, guild_id, require};
use super::{json_body, snowflake_param};
use crate::error::{ApiError, FormErrors};
use crate::fixture::Access;
use crate::multipart::{self, Uploads};
use crate::snowflake::parse_snowflake;
use crate::state::State;
use crate::store::guild::MANAGE_WEBHOOKS;
use crate::store::{ChannelOwner, Store, StoredMessage, Webhook};
use crate::validate;

/// Whether channels of this type are forum (15) or media (16) channels: their webhooks post
/// into a thread (`thread_id`) or start a post (`thread_name`).
fn is_forum(kind: u64) -> bool {
    matches!(kind, 15 | 16)
}

/// The most webhooks one channel may have.
pub(crate) const MAX_PER_CHANNEL: usize = 15;
/// The longest webhook name (and `username` override), in characters.
const NAME_MAX: usize = 80;

/// The webhook object as the bot routes serve it (with `user` and `token`).
fn webhook_object(store: &Store, webhook: &Webhook) -> Value {
    let user = store
        .users
        .get(&webhook.user_id)
        .map_or(Value::Null, |user| Value::Object(user.object.clone()));
    json!({
        "application_id": null,
        "avatar": webhook.avatar,
        "channel_id": webhook.channel_id.to_string(),
        "guild_id": webhook.guild_id.to_string(),
        "id": webhook.id.to_string(),
        "name": webhook.name,
        "type": 1,
        "user": user,
        "token": webhook.token,
    })
}

/// The webhook object as the token routes serve it: without `user`, as Discord documents.
fn token_object(store: &Store, webhook: &Webhook) -> Value {
    let mut object = webhook_object(store, webhook);
    if let Some(fields) = object.as_object_mut() {
        fields.remove("user");
    }
    object
}

/// Checks a webhook name (or `username` override) at `field`: 1–80 characters, neither
/// "clyde" nor "discord" in it (Discord's rule; the error codes are guessed).
fn check_name(field: &str, name: &str, errors: &mut FormErrors) {
    let length = name.chars().count();
    if !(1..=NAME_MAX).contains(&length) {
        errors.add(
            [field.to_owned()],
            "BASE_TYPE_BAD_LENGTH",
            format!("Must be between 1 and {NAME_MAX} in length."),
        );
        return;
    }
    let lower = name.to_lowercase();
    for word in ["clyde", "discord"] {
        if lower.contains(word) {
            errors.add(
                [field.to_owned()],
                "USERNAME_INVALID_CONTAINS",
                format!("Username cannot contain \"{word}\""),
            );
        }
    }
}

/// An avatar data URI (`data:image/png;base64,…`) → its (made-up) hash; anything else is
/// 50035 on `avatar`.
fn avatar_hash(value: &str, errors: &mut FormErrors) -> Option<String> {
    let valid = value.starts_with("data:image/")
        && value
            .split_once(";base64,")
            .is_some_and(|(_, data)| !data.is_empty());
    if !valid {
        errors.add(["avatar".to_owned()], "IMAGE_INVALID", "Invalid image data");
        return None;
    }
    // FNV-1a of the URI, as 32 hex digits (Discord's hashes are opaque MD5-like strings).
    let mut hash: u128 = 0x6c62_272e_07bb_0142_62b8_2175_6295_c58d;
    for byte in value.bytes() {
        hash ^= u128::from(byte);
        hash = hash.wrapping_mul(0x0000_0000_0100_0000_0000_0000_0000_013B);
    }
    Some(format!("{hash:032x}"))
}

/// The guild of a channel the bot may manage webhooks in: unknown → 404/10003, invisible →
/// 403/50001, a DM or an `emulator_access: "read"` channel or no MANAGE_WEBHOOKS → 403/50013.
fn managed_channel(store: &Store, channel_id: u64) -> Result<u64, ApiError> {
    let channel = visible_channel(store, channel_id)?;
    match channel.owner {
        ChannelOwner::Guild {
            guild_id,
            access: Access::Full,
        } => {
            require(&store.guilds[&guild_id], store.bot_id, MANAGE_WEBHOOKS)?;
            Ok(guild_id)
        }
        _ => Err(ApiError::MissingPermissions),
    }
}

/// The webhook `raw` names (malformed → 50035, unknown → 404/10015), for a bot route (the bot
/// needs MANAGE_WEBHOOKS in its guild).
fn managed_webhook(store: &Store, raw: &str) -> Result<Webhook, ApiError> {
    let id = snowflake_param("webhook_id", raw)?;
    let webhook = store
        .webhooks
        .get(&id)
        .cloned()
        .ok_or(ApiError::UnknownWebhook)?;
    managed_channel(store, webhook.channel_id)?;
    Ok(webhook)
}

/// The webhook of a token route: unknown → 404/10015, wrong token → 401/50027.
fn token_webhook(store: &Store, raw_id: &str, token: &str) -> Result<Webhook, ApiError> {
    let id = snowflake_param("webhook_id", raw_id)?;
    let webhook = store.webhooks.get(&id).ok_or(ApiError::UnknownWebhook)?;
    if webhook.token != token {
        return Err(ApiError::InvalidWebhookToken);
    }
    Ok(webhook.clone())
}

/// A new webhook token: 68 URL-safe characters, as Discord's are.
pub(super) fn new_token(store: &mut Store) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut seed = store.snowflakes.next() ^ 0x9E37_79B9_7F4A_7C15;
    (0..68)
        .map(|_| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            char::from(ALPHABET[(seed % 64) as usize])
        })
        .collect()
}

/// WEBHOOKS_UPDATE for `channel_id` of `guild_id`.
fn webhooks_updated(state: &State, guild_id: u64, channel_id: u64) {
    state.gateway.dispatch_guild_event(
        guild_id,
        "WEBHOOKS_UPDATE",
        &json!({"guild_id": guild_id.to_string(), "channel_id": channel_id.to_string()}),
    );
}

/// `POST /channels/{channel.id}/webhooks` `{"name", "avatar"}` → 200 with the new webhook
/// (with its `token`), and WEBHOOKS_UPDATE. 15 in the channel already → 400/30007.
pub(super) async fn create_webhook(
    AxumState(state): AxumState<Arc<State>>,
    Path(channel): Path<String>,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    let channel_id = snowflake_param("channel_id", &channel)?;
    let mut store = state.store();
    let guild_id = managed_channel(&store, channel_id)?;
    let kind = store.channels[&channel_id].kind;
    if !(holds_messages(kind) || is_forum(kind)) || crate::store::is_thread(kind) {
        return Err(ApiError::InvalidChannelType);
    }
    let body = body_object(json_body(&body)?)?;
    let mut errors = FormErrors::default();
    let name = match body.get("name") {
        Some(Value::String(name)) => {
            check_name("name", name, &mut errors);
            name.clone()
        }
        Some(Value::Null) | None => {
            errors.add(
                ["name".to_owned()],
                "BASE_TYPE_REQUIRED",
                "This field is required",
            );
            String::new()
        }
        Some(_) => {
            errors.add(
                ["name".to_owned()],
                "STRING_TYPE_CONVERT",
                "Could not interpret as string.",
            );
            String::new()
        }
    };
    let avatar = match body.get("avatar") {
        Some(Value::String(uri)) => avatar_hash(uri, &mut errors),
        _ => None,
    };
    errors.into_result()?;
    let count = store
        .webhooks
        .values()
        .filter(|webhook| webhook.channel_id == channel_id)
        .count();
    if count >= MAX_PER_CHANNEL {
        return Err(ApiError::TooManyWebhooks);
    }
    let id = store.snowflakes.next();
    let token = new_token(&mut store);
    let webhook = Webhook {
        id,
        guild_id,
        channel_id,
        name,
        avatar,
        token,
        user_id: store.bot_id,
    };
    store.webhooks.insert(id, webhook.clone());
    tracing::debug!(channel_id, webhook_id = id, "webhook created");
    webhooks_updated(&state, guild_id, channel_id);
    Ok(Json(webhook_object(&store, &webhook)))
}

/// `GET /channels/{channel.id}/webhooks` → the channel's webhooks (by id).
pub(super) async fn channel_webhooks(
    AxumState(state): AxumState<Arc<State>>,
    Path(channel): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let channel_id = snowflake_param("channel_id", &channel)?;
    let store = state.store();
    managed_channel(&store, channel_id)?;
    let list = store
        .webhooks
        .values()
        .filter(|webhook| webhook.channel_id == channel_id)
        .map(|webhook| webhook_object(&store, webhook))
        .collect();
    Ok(Json(Value::Array(list)))
}

/// `GET /guilds/{guild.id}/webhooks` → the guild's webhooks (by id).
pub(super) async fn guild_webhooks(
    AxumState(state): AxumState<Arc<State>>,
    Path(guild): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let store = state.store();
    let guild_id = guild_id(&store, &guild)?;
    require(&store.guilds[&guild_id], store.bot_id, MANAGE_WEBHOOKS)?;
    let list = store
        .webhooks
        .values()
        .filter(|webhook| webhook.guild_id == guild_id)
        .map(|webhook| webhook_object(&store, webhook))
        .collect();
    Ok(Json(Value::Array(list)))
}

/// `GET /webhooks/{webhook.id}` → the webhook.
pub(super) async fn get_webhook(
    AxumState(state): AxumState<Arc<State>>,
    Path(webhook): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let store = state.store();
    let webhook = managed_webhook(&store, &webhook)?;
    Ok(Json(webhook_object(&store, &webhook)))
}

/// `PATCH /webhooks/{webhook.id}` `{"name", "avatar" (null: the default), "channel_id" (a
/// channel of the same guild the bot manages webhooks in)}` → the webhook, and WEBHOOKS_UPDATE
/// (for both channels on a move).
pub(super) async fn modify_webhook(
    AxumState(state): AxumState<Arc<State>>,
    Path(webhook): Path<String>,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    let mut store = state.store();
    let mut webhook = managed_webhook(&store, &webhook)?;
    let body = body_object(json_body(&body)?)?;
    let mut errors = FormErrors::default();
    match body.get("name") {
        None | Some(Value::Null) => {}
        Some(Value::String(name)) => {
            check_name("name", name, &mut errors);
            webhook.name.clone_from(name);
        }
        Some(_) => errors.add(
            ["name".to_owned()],
            "STRING_TYPE_CONVERT",
            "Could not interpret as string.",
        ),
    }
    match body.get("avatar") {
        None => {}
        Some(Value::Null) => webhook.avatar = None,
        Some(Value::String(uri)) => webhook.avatar = avatar_hash(uri, &mut errors),
        Some(_) => errors.add(["avatar".to_owned()], "IMAGE_INVALID", "Invalid image data"),
    }
    let old_channel = webhook.channel_id;
    match body.get("channel_id") {
        None | Some(Value::Null) => {}
        Some(value) => match parse_snowflake(value) {
            Some(channel_id) => {
                let guild_id = managed_channel(&store, channel_id)?;
                if guild_id != webhook.guild_id {
                    return Err(ApiError::UnknownChannel);
                }
                webhook.channel_id = channel_id;
            }
            None => errors.add(
                ["channel_id".to_owned()],
                "NUMBER_TYPE_COERCE",
                format!("Value \"{value}\" is not snowflake."),
            ),
        },
    }
    errors.into_result()?;
    store.webhooks.insert(webhook.id, webhook.clone());
    webhooks_updated(&state, webhook.guild_id, webhook.channel_id);
    if old_channel != webhook.channel_id {
        webhooks_updated(&state, webhook.guild_id, old_channel);
    }
    Ok(Json(webhook_object(&store, &webhook)))
}

/// `DELETE /webhooks/{webhook.id}` → 204, and WEBHOOKS_UPDATE; later calls answer 404/10015.
pub(super) async fn delete_webhook(
    AxumState(state): AxumState<Arc<State>>,
    Path(webhook): Path<String>,
) -> Result<StatusCode, ApiError> {
    let mut store = state.store();
    let webhook = managed_webhook(&store, &webhook)?;
    store.webhooks.remove(&webhook.id);
    tracing::debug!(webhook_id = webhook.id, "webhook deleted");
    webhooks_updated(&state, webhook.guild_id, webhook.channel_id);
    Ok(StatusCode::NO_CONTENT)
}

/// `GET /webhooks/{webhook.id}/{webhook.token}` → the webhook, without `user`.
pub(super) async fn get_webhook_with_token(
    AxumState(state): AxumState<Arc<State>>,
    Path((webhook, token)): Path<(String, String)>,
) -> Result<Json<Value>, ApiError> {
    let store = state.store();
    let webhook = token_webhook(&store, &webhook, &token)?;
    Ok(Json(token_object(&store, &webhook)))
}

/// `PATCH /webhooks/{webhook.id}/{webhook.token}` `{"name", "avatar"}` (no `channel_id` with a
/// token) → the webhook without `user`, and WEBHOOKS_UPDATE.
pub(super) async fn modify_webhook_with_token(
    AxumState(state): AxumState<Arc<State>>,
    Path((webhook, token)): Path<(String, String)>,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    let mut store = state.store();
    let mut webhook = token_webhook(&store, &webhook, &token)?;
    let body = body_object(json_body(&body)?)?;
    let mut errors = FormErrors::default();
    match body.get("name") {
        None | Some(Value::Null) => {}
        Some(Value::String(name)) => {
            check_name("name", name, &mut errors);
            webhook.name.clone_from(name);
        }
        Some(_) => errors.add(
            ["name".to_owned()],
            "STRING_TYPE_CONVERT",
            "Could not interpret as string.",
        ),
    }
    match body.get("avatar") {
        None => {}
        Some(Value::Null) => webhook.avatar = None,
        Some(Value::String(uri)) => webhook.avatar = avatar_hash(uri, &mut errors),
        Some(_) => errors.add(["avatar".to_owned()], "IMAGE_INVALID", "Invalid image data"),
    }
    errors.into_result()?;
    store.webhooks.insert(webhook.id, webhook.clone());
    webhooks_updated(&state, webhook.guild_id, webhook.channel_id);
    Ok(Json(token_object(&store, &webhook)))
}

/// `DELETE /webhooks/{webhook.id}/{webhook.token}` → 204, and WEBHOOKS_UPDATE.
pub(super) async fn delete_webhook_with_token(
    AxumState(state): AxumState<Arc<State>>,
    Path((webhook, token)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    let mut store = state.store();
    let webhook = token_webhook(&store, &webhook, &token)?;
    store.webhooks.remove(&webhook.id);
    webhooks_updated(&state, webhook.guild_id, webhook.channel_id);
    Ok(StatusCode::NO_CONTENT)
}

/// The channel a token route acts in: the webhook's channel, or `thread_id` (a thread of it;
/// else 404/10003; malformed → 50035).
fn target_channel(
    store: &Store,
    webhook: &Webhook,
    query: &HashMap<String, String>,
) -> Result<u64, ApiError> {
    let Some(raw) = query.get("thread_id") else {
        return Ok(webhook.channel_id);
    };
    let thread_id = snowflake_param("thread_id", raw)?;
    let parent = Value::String(webhook.channel_id.to_string());
    match store.channels.get(&thread_id) {
        Some(thread)
            if crate::store::is_thread(thread.kind)
                && thread.object.get("parent_id") == Some(&parent) =>
        {
            Ok(thread_id)
        }
        _ => Err(ApiError::UnknownChannel),
    }
}

/// Whether the query's `wait` is true (`true`/`1`/`True`; a malformed one is 50035).
fn wait(query: &HashMap<String, String>) -> Result<bool, ApiError> {
    match query.get("wait").map(|raw| raw.to_ascii_lowercase()) {
        None => Ok(false),
        Some(raw) if raw == "true" || raw == "1" => Ok(true),
        Some(raw) if raw == "false" || raw == "0" => Ok(false),
        Some(raw) => Err(ApiError::form(
            &["wait"],
            "BOOLEAN_TYPE_CONVERT",
            format!("Value \"{raw}\" is not bool."),
        )),
    }
}

/// `POST /webhooks/{webhook.id}/{webhook.token}?wait&thread_id` → 204, or 200 with the message
/// when `wait`; MESSAGE_CREATE. Body: a message create body (content, embeds, tts,
/// allowed_mentions, components, flags, attachments with files) plus `username` and
/// `avatar_url` (this message's author name; the avatar stays the webhook's). A webhook of a
/// forum or media channel needs `thread_id` (a post) or `thread_name` (and optional
/// `applied_tags`: a new post, THREAD_CREATE, whose first message has the thread's id), else
/// 400/220001.
pub(super) async fn execute_webhook(
    AxumState(state): AxumState<Arc<State>>,
    Path((webhook, token)): Path<(String, String)>,
    Query(query): Query<HashMap<String, String>>,
    uploads: Option<Extension<Uploads>>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let mut store = state.store();
    let webhook = token_webhook(&store, &webhook, &token)?;
    let wait = wait(&query)?;
    let channel_id = target_channel(&store, &webhook, &query)?;
    let body = json_body(&body)?;
    let mut message_body = body.clone();
    let mut errors = FormErrors::default();
    let mut username = webhook.name.clone();
    if let Some(Value::Object(fields)) = message_body.as_mut() {
        match fields.remove("username") {
            Some(Value::String(name)) => {
                check_name("username", &name, &mut errors);
                username = name;
            }
            Some(Value::Null) | None => {}
            Some(_) => errors.add(
                ["username".to_owned()],
                "STRING_TYPE_CONVERT",
                "Could not interpret as string.",
            ),
        }
        // The avatar of `avatar_url` is Discord's CDN's business; the emulator keeps the
        // webhook's avatar hash.
        fields.remove("avatar_url");
        fields.remove("thread_name");
        fields.remove("applied_tags");
    }
    errors.into_result()?;
    let input = validate::message_create(message_body.as_ref())?;
    if crate::rest::threads::archived(&store.channels[&channel_id].object)
        && crate::rest::threads::locked(&store.channels[&channel_id].object)
    {
        return Err(ApiError::ThreadArchived);
    }
    // A forum or media channel: into a post (`thread_id`), or a new post (`thread_name`).
    let new_post =
        is_forum(store.channels[&webhook.channel_id].kind) && !query.contains_key("thread_id");
    let empty = serde_json::Map::new();
    let fields = body.as_ref().and_then(Value::as_object).unwrap_or(&empty);
    if new_post && !fields.get("thread_name").is_some_and(Value::is_string) {
        return Err(ApiError::ForumWebhookNeedsThread);
    }
    let (channel_id, id) = if new_post {
        let id = store.snowflakes.next();
        (id, id)
    } else {
        (channel_id, 0)
    };
    let upload = multipart::uploads(uploads.as_ref().map(|uploads| &uploads.0));
    let base_url = state.base_url();
    let attachments = multipart::attachments_for(
        body.as_ref(),
        &upload,
        channel_id,
        &base_url,
        &|_| false,
        &mut || store.snowflakes.next(),
    )?;
    if new_post {
        crate::rest::threads::start_webhook_post(
            &state,
            &mut store,
            webhook.channel_id,
            id,
            webhook.id,
            fields,
        )?;
    }
    // The webhook as a user: the bot user's keys, with the webhook's id, name and avatar.
    let mut author = store.bot_user().clone();
    for (key, value) in [
        ("id", json!(webhook.id.to_string())),
        ("username", json!(username)),
        ("avatar", json!(webhook.avatar)),
        ("discriminator", json!("0000")),
        ("public_flags", json!(0)),
        ("flags", json!(0)),
        ("bot", json!(true)),
        ("global_name", Value::Null),
    ] {
        author.insert(key.to_owned(), value);
    }
    let author = Value::Object(author);
    let draft = Draft {
        author,
        input,
        reply: None,
        sticker_items: Vec::new(),
        attachments: attachments
            .iter()
            .map(|attachment| attachment.object.clone())
            .collect(),
    };
    if crate::rest::threads::unarchive(&mut store, channel_id) {
        state.gateway.thread_updated(&store, channel_id);
    }
    multipart::store_files(&mut store, channel_id, attachments);
    // A new post's first message has the thread's id.
    let id = if new_post {
        id
    } else {
        store.snowflakes.next()
    };
    let mut object = build_message_as(&store, channel_id, id, draft);
    if let Some(fields) = object.as_object_mut() {
        fields.insert("webhook_id".into(), Value::String(webhook.id.to_string()));
    }
    tracing::debug!(
        channel_id,
        message_id = id,
        webhook_id = webhook.id,
        "webhook executed"
    );
    let message = StoredMessage::new(id, object);
    let served = store.channels[&channel_id].served(&message);
    store.push_message(channel_id, message);
    state.gateway.message_created(&store, channel_id, &served);
    Ok(if wait {
        Json(served).into_response()
    } else {
        StatusCode::NO_CONTENT.into_response()
    })
}

/// The webhook, channel and message id of a webhook message route (the message must be one
/// the webhook sent in its channel or the `thread_id` thread, else 404/10008).
fn webhook_message(
    store: &Store,
    (webhook, token, message): &(String, String, String),
    query: &HashMap<String, String>,
) -> Result<(Webhook, u64, u64), ApiError> {
    let webhook = token_webhook(store, webhook, token)?;
    let message_id = snowflake_param("message_id", message)?;
    let channel_id = target_channel(store, &webhook, query)?;
    let own = Value::String(webhook.id.to_string());
    store.channels[&channel_id]
        .message(message_id)
        .filter(|message| message.object.get("webhook_id") == Some(&own))
        .ok_or(ApiError::UnknownMessage)?;
    Ok((webhook, channel_id, message_id))
}

/// `GET /webhooks/{webhook.id}/{webhook.token}/messages/{message.id}?thread_id` → the message.
pub(super) async fn get_webhook_message(
    AxumState(state): AxumState<Arc<State>>,
    Path(path): Path<(String, String, String)>,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Json<Value>, ApiError> {
    let store = state.store();
    let (_, channel_id, message_id) = webhook_message(&store, &path, &query)?;
    let channel = &store.channels[&channel_id];
    let message = channel
        .message(message_id)
        .ok_or(ApiError::UnknownMessage)?;
    Ok(Json(channel.served(message)))
}

/// `PATCH /webhooks/{webhook.id}/{webhook.token}/messages/{message.id}?thread_id` → the edited
/// message, and MESSAGE_UPDATE. Body as a message edit: content, embeds, allowed_mentions,
/// components, attachments (to keep) and files.
pub(super) async fn edit_webhook_message(
    AxumState(state): AxumState<Arc<State>>,
    Path(path): Path<(String, String, String)>,
    Query(query): Query<HashMap<String, String>>,
    uploads: Option<Extension<Uploads>>,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    let parsed = json_body(&body);
    let mut store = state.store();
    let (_, channel_id, message_id) = webhook_message(&store, &path, &query)?;
    let body = parsed?;
    let original = store.channels[&channel_id]
        .message(message_id)
        .map(|message| message.object.clone())
        .ok_or(ApiError::UnknownMessage)?;
    let v2 = original
        .get("flags")
        .and_then(Value::as_u64)
        .is_some_and(|flags| flags & validate::IS_COMPONENTS_V2 != 0);
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
    let upload = multipart::uploads(uploads.as_ref().map(|uploads| &uploads.0));
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
    let updated = apply_edit(&store, channel_id, &original, edit, new_objects)?;
    multipart::store_files(&mut store, channel_id, added);
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
    state.gateway.message_updated(&store, channel_id, &served);
    Ok(Json(served))
}

/// `DELETE /webhooks/{webhook.id}/{webhook.token}/messages/{message.id}?thread_id` → 204, and
/// MESSAGE_DELETE.
pub(super) async fn delete_webhook_message(
    AxumState(state): AxumState<Arc<State>>,
    Path(path): Path<(String, String, String)>,
    Query(query): Query<HashMap<String, String>>,
) -> Result<StatusCode, ApiError> {
    let mut store = state.store();
    let (_, channel_id, message_id) = webhook_message(&store, &path, &query)?;
    if let Some(channel) = store.channels.get_mut(&channel_id) {
        channel.remove_message(message_id);
    }
    state
        .gateway
        .message_deleted(&store, channel_id, message_id);
    Ok(StatusCode::NO_CONTENT)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_discords_rules() {
        let mut errors = FormErrors::default();
        check_name("name", "Alerts", &mut errors);
        assert!(errors.is_empty());
        check_name("name", "", &mut errors);
        check_name("username", "my Discord hook", &mut errors);
        check_name("username", &"x".repeat(81), &mut errors);
        let value = errors.to_value();
        assert_eq!(
            value["name"]["_errors"][0]["code"],
            json!("BASE_TYPE_BAD_LENGTH")
        );
        assert_eq!(
            value["username"]["_errors"][0]["message"],
            json!("Username cannot contain \"discord\"")
        );
        assert_eq!(value["username"]["_errors"].as_array().unwrap().len(), 2);
    }

    #[test]
    fn avatars_are_data_uris() {
        let mut errors = FormErrors::default();
        let hash = avatar_hash("data:image/png;base64,iVBORw0KGgo=", &mut errors).unwrap();
        assert_eq!(hash.len(), 32);
        assert!(errors.is_empty());
        assert_eq!(avatar_hash("https://x/y.png", &mut errors), None);
        assert!(!errors.is_empty());
    }
}
