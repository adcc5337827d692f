//! `GET /channels/{channel.id}`, `GET /channels/{channel.id}/messages` and
//! `POST /channels/{channel.id}/messages`
//! ([docs](https://discord.com/developers/docs/resources/channel),
//! [messages](https://discord.com/developers/docs/resources/message)).

use std::collections::HashMap;
use std::sync::Arc;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query, State as AxumState};
use serde_json::{Map, Value, json};

use super::{json_body, snowflake_param};
use crate::error::ApiError;
use crate::fixture::Access;
use crate::snowflake::{parse_snowflake, snowflake_timestamp};
use crate::state::State;
use crate::store::{ChannelOwner, ChannelState, Store, StoredMessage};
use crate::validate::{self, MessageCreate};

/// Default and maximum `limit` of `GET /channels/{id}/messages`.
const DEFAULT_LIMIT: u64 = 50;
/// Maximum `limit` of `GET /channels/{id}/messages`.
const MAX_LIMIT: u64 = 100;

/// The channel if the bot can see it: unknown → 404/10003, `emulator_access: "none"` →
/// 403/50001.
fn visible_channel(store: &Store, channel_id: u64) -> Result<&ChannelState, ApiError> {
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
fn holds_messages(kind: u64) -> bool {
    !matches!(kind, 4 | 14 | 15 | 16)
}

/// `GET /channels/{channel.id}` → the channel object (guild channels carry `guild_id`, DM
/// channels `recipients`).
pub(super) async fn get_channel(
    AxumState(state): AxumState<Arc<State>>,
    Path(channel_id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let channel_id = snowflake_param("channel_id", &channel_id)?;
    let store = state.store();
    let channel = visible_channel(&store, channel_id)?;
    Ok(Json(Value::Object(channel.object.clone())))
}

/// Parses `limit` (1–100, default 50) like Discord's integer validation.
fn parse_limit(raw: Option<&String>) -> Result<usize, ApiError> {
    let Some(raw) = raw else {
        return Ok(DEFAULT_LIMIT as usize);
    };
    let limit: i64 = raw.parse().map_err(|_| {
        ApiError::form(
            &["limit"],
            "NUMBER_TYPE_COERCE",
            format!("Value \"{raw}\" is not int."),
        )
    })?;
    if limit < 1 {
        return Err(ApiError::form(
            &["limit"],
            "NUMBER_TYPE_MIN",
            "int value should be greater than or equal to 1.",
        ));
    }
    if limit > MAX_LIMIT as i64 {
        return Err(ApiError::form(
            &["limit"],
            "NUMBER_TYPE_MAX",
            format!("int value should be less than or equal to {MAX_LIMIT}."),
        ));
    }
    Ok(limit as usize)
}

/// `GET /channels/{channel.id}/messages[?limit&before|after|around]` → stored messages, newest
/// first. Read-only channels may be read; `emulator_access: "none"` → 403/50001.
pub(super) async fn list_messages(
    AxumState(state): AxumState<Arc<State>>,
    Path(channel_id): Path<String>,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Json<Vec<Value>>, ApiError> {
    let channel_id = snowflake_param("channel_id", &channel_id)?;
    let limit = parse_limit(query.get("limit"))?;
    let cursor = |name: &str| {
        query
            .get(name)
            .map(|raw| snowflake_param(name, raw))
            .transpose()
    };
    let (around, before, after) = (cursor("around")?, cursor("before")?, cursor("after")?);
    let store = state.store();
    let channel = visible_channel(&store, channel_id)?;
    let messages = &channel.messages;
    // Index of the first message with an id >= `id` (ids increase with the index).
    let split = |id: u64| messages.partition_point(|message| message.id < id);
    let selected: Vec<&StoredMessage> = if let Some(around) = around {
        let middle = split(around);
        let newer = messages.len().min(middle + limit.div_ceil(2));
        let older = middle.saturating_sub(limit - (newer - middle));
        messages.range(older..newer).collect()
    } else if let Some(before) = before {
        let end = split(before);
        messages.range(end.saturating_sub(limit)..end).collect()
    } else if let Some(after) = after {
        let start = split(after.saturating_add(1));
        messages
            .range(start..messages.len().min(start + limit))
            .collect()
    } else {
        let end = messages.len();
        messages.range(end.saturating_sub(limit)..end).collect()
    };
    Ok(Json(
        selected
            .into_iter()
            .rev()
            .map(|message| message.object.clone())
            .collect(),
    ))
}

/// `POST /channels/{channel.id}/messages` → the created message (HTTP 200).
///
/// Checks in Discord's order: unknown channel → 404/10003; `emulator_access: "none"` →
/// 403/50001; `"read"` → 403/50013; DM with a `dm_closed` user → 403/50007; a channel that
/// cannot hold messages → 400/50008; malformed JSON → 400/50109; invalid body → 400/50035;
/// nothing to send → 400/50006.
///
/// With `"enforce_nonce": true`, a `nonce` already used for a message in this channel within the
/// last 5 minutes returns that message (200) and creates nothing.
pub(super) async fn create_message(
    AxumState(state): AxumState<Arc<State>>,
    Path(channel_id): Path<String>,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    let channel_id = snowflake_param("channel_id", &channel_id)?;
    {
        let store = state.store();
        let channel = visible_channel(&store, channel_id)?;
        match channel.owner {
            ChannelOwner::Guild {
                access: Access::Read,
                ..
            } => return Err(ApiError::MissingPermissions),
            ChannelOwner::Dm { recipient_id }
                if store
                    .users
                    .get(&recipient_id)
                    .is_some_and(|user| user.dm_closed) =>
            {
                return Err(ApiError::CannotMessageUser);
            }
            _ => {}
        }
        if !holds_messages(channel.kind) {
            return Err(ApiError::NonTextChannel);
        }
    }
    let body = json_body(&body)?;
    let input = validate::message_create(body.as_ref())?;
    let enforce_nonce = crate::nonce::enforce_nonce(body.as_ref())?;
    let nonce = input.nonce.as_ref().and_then(crate::nonce::nonce_key);
    let now = std::time::Instant::now();
    let mut store = state.store();
    if enforce_nonce
        && let Some(nonce) = &nonce
        && let Some(existing) = existing_message(&mut store, channel_id, nonce, now)
    {
        tracing::debug!(channel_id, "enforce_nonce: returning the earlier message");
        return Ok(Json(existing));
    }
    let message = build_message(&mut store, channel_id, input);
    let id = parse_snowflake(&message["id"]).expect("generated id");
    tracing::debug!(channel_id, message_id = id, "message created");
    store.push_message(
        channel_id,
        StoredMessage {
            id,
            object: message.clone(),
        },
    );
    // MESSAGE_CREATE to the gateway sessions, in message order (the store is still locked).
    state.gateway.message_created(&store, channel_id, &message);
    if let Some(nonce) = nonce {
        store.nonces.remember(channel_id, nonce, id, now);
    }
    Ok(Json(message))
}

/// The message created in `channel_id` with `nonce` within the nonce TTL, if still stored.
fn existing_message(
    store: &mut Store,
    channel_id: u64,
    nonce: &str,
    now: std::time::Instant,
) -> Option<Value> {
    let id = store.nonces.find(channel_id, nonce, now)?;
    let messages = &store.channels.get(&channel_id)?.messages;
    let index = messages.partition_point(|message| message.id < id);
    messages
        .get(index)
        .filter(|message| message.id == id)
        .map(|message| message.object.clone())
}

/// Builds the message object Discord returns for a create (keys in Discord's order).
fn build_message(store: &mut Store, channel_id: u64, input: MessageCreate) -> Value {
    let id = store.snowflakes.next();
    let guild_id = match store.channels[&channel_id].owner {
        ChannelOwner::Guild { guild_id, .. } => Some(guild_id),
        ChannelOwner::Dm { .. } => None,
    };
    let allowed = input.allowed_mentions.as_ref();
    let mut mentions = Vec::new();
    let mut mention_roles = Vec::new();
    for mention in parse_mentions(&input.content) {
        match mention {
            Mention::User(user_id) => {
                let permitted = allowed.is_none_or(|allowed| allowed.user(user_id));
                if permitted
                    && !mentions.iter().any(|(id, _)| *id == user_id)
                    && let Some(user) = store.users.get(&user_id)
                {
                    mentions.push((user_id, Value::Object(user.object.clone())));
                }
            }
            Mention::Role(role_id) => {
                let permitted = allowed.is_none_or(|allowed| allowed.role(role_id));
                let in_guild = guild_id.is_some_and(|guild_id| {
                    role_id != guild_id && guild_has_role(store, guild_id, role_id)
                });
                let role = Value::String(role_id.to_string());
                if permitted && in_guild && !mention_roles.contains(&role) {
                    mention_roles.push(role);
                }
            }
        }
    }
    let mention_everyone = guild_id.is_some()
        && (input.content.contains("@everyone") || input.content.contains("@here"))
        && allowed.is_none_or(validate::AllowedMentions::everyone);
    let mut message = Map::new();
    message.insert("type".into(), json!(0));
    message.insert("content".into(), Value::String(input.content));
    message.insert(
        "mentions".into(),
        Value::Array(mentions.into_iter().map(|(_, user)| user).collect()),
    );
    message.insert("mention_roles".into(), Value::Array(mention_roles));
    message.insert("attachments".into(), json!([]));
    message.insert("embeds".into(), Value::Array(input.embeds));
    message.insert("timestamp".into(), Value::String(snowflake_timestamp(id)));
    message.insert("edited_timestamp".into(), Value::Null);
    message.insert("flags".into(), json!(input.flags));
    message.insert("components".into(), Value::Array(input.components));
    message.insert("id".into(), Value::String(id.to_string()));
    message.insert("channel_id".into(), Value::String(channel_id.to_string()));
    message.insert("author".into(), Value::Object(store.bot_user().clone()));
    message.insert("pinned".into(), json!(false));
    message.insert("mention_everyone".into(), json!(mention_everyone));
    message.insert("tts".into(), json!(input.tts));
    if let Some(nonce) = input.nonce {
        message.insert("nonce".into(), nonce);
    }
    Value::Object(message)
}

/// Whether guild `guild_id` has a role `role_id`.
fn guild_has_role(store: &Store, guild_id: u64, role_id: u64) -> bool {
    store
        .guilds
        .get(&guild_id)
        .and_then(|guild| guild.object.get("roles"))
        .and_then(Value::as_array)
        .is_some_and(|roles| {
            roles
                .iter()
                .any(|role| role.get("id").and_then(parse_snowflake) == Some(role_id))
        })
}

/// A mention in message content.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mention {
    /// `<@id>` or `<@!id>`.
    User(u64),
    /// `<@&id>`.
    Role(u64),
}

/// The user and role mentions of `content`, in order.
fn parse_mentions(content: &str) -> Vec<Mention> {
    let mut found = Vec::new();
    let mut rest = content;
    while let Some(start) = rest.find("<@") {
        rest = &rest[start + 2..];
        let (role, digits_from) = match rest.as_bytes().first() {
            Some(b'&') => (true, 1),
            Some(b'!') => (false, 1),
            _ => (false, 0),
        };
        let tail = &rest[digits_from..];
        let digits = tail.bytes().take_while(u8::is_ascii_digit).count();
        if digits > 0
            && tail.as_bytes().get(digits) == Some(&b'>')
            && let Ok(id) = tail[..digits].parse()
        {
            found.push(if role {
                Mention::Role(id)
            } else {
                Mention::User(id)
            });
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mentions_are_parsed() {
        assert_eq!(
            parse_mentions("hi <@1> <@!2> <@&3> <@x> <@4 <#5> <@6>"),
            vec![
                Mention::User(1),
                Mention::User(2),
                Mention::Role(3),
                Mention::User(6)
            ]
        );
        assert!(parse_mentions("@everyone").is_empty());
    }

    #[test]
    fn limits() {
        assert_eq!(parse_limit(None), Ok(50));
        assert_eq!(parse_limit(Some(&"100".to_owned())), Ok(100));
        assert_eq!(parse_limit(Some(&"1".to_owned())), Ok(1));
        for (raw, code) in [
            ("0", "NUMBER_TYPE_MIN"),
            ("101", "NUMBER_TYPE_MAX"),
            ("ten", "NUMBER_TYPE_COERCE"),
        ] {
            let error = parse_limit(Some(&raw.to_owned())).unwrap_err();
            assert_eq!(
                error.body()["errors"]["limit"]["_errors"][0]["code"],
                json!(code)
            );
        }
    }

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
