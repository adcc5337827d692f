//! Starting threads: `POST /channels/{channel.id}/messages/{message.id}/threads`
//! ([Start Thread from Message](https://discord.com/developers/docs/resources/channel#start-thread-from-message))
//! and `POST /channels/{channel.id}/threads`
//! ([Start Thread without Message](https://discord.com/developers/docs/resources/channel#start-thread-without-message),
//! [Start Thread in Forum or Media Channel](https://discord.com/developers/docs/resources/channel#start-thread-in-forum-or-media-channel)).
//!
//! The bot starting a thread becomes its first member. Events, in this order: THREAD_CREATE
//! (`newly_created: true`), THREAD_MEMBER_UPDATE and THREAD_MEMBERS_UPDATE for the bot, then
//! MESSAGE_UPDATE of the source message (from a message: it gets `thread` and the HAS_THREAD
//! flag) or MESSAGE_CREATE of the post's first message (forum and media).

use std::collections::VecDeque;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, State as AxumState};
use axum::http::StatusCode;
use axum::{Extension, Json};
use serde_json::{Map, Value, json};

use super::super::channel_admin::managed_channel;
use super::super::messages::{Draft, build_message_as, sticker_items};
use super::super::{json_body, snowflake_param};
use super::{
    ANNOUNCEMENT_THREAD, Body, NewThread, PRIVATE_THREAD, PUBLIC_THREAD, add_member, body_object,
    thread_fields, thread_object,
};
use crate::error::{ApiError, FormErrors};
use crate::fixture::Access;
use crate::multipart::{self, Uploads};
use crate::state::State;
use crate::store::{ChannelOwner, ChannelState, Store, StoredMessage};
use crate::timestamp::now_ms;
use crate::validate;

/// Message flag HAS_THREAD (1 << 5).
const HAS_THREAD: u64 = 1 << 5;

/// Stores a new thread (the bot its owner and first member) and dispatches THREAD_CREATE and
/// the bot's membership events. Returns the thread as served.
fn store_thread(state: &State, store: &mut Store, thread: NewThread<'_>, access: Access) -> Value {
    let (id, kind, guild_id, now) = (thread.id, thread.kind, thread.guild_id, thread.now_ms);
    let object = thread_object(thread);
    store.channels.insert(
        id,
        ChannelState {
            kind,
            owner: ChannelOwner::Guild { guild_id, access },
            object,
            messages: VecDeque::new(),
        },
    );
    let bot_id = store.bot_id;
    add_member(store, id, bot_id, now);
    let served = Value::Object(store.channels[&id].object.clone());
    tracing::debug!(guild_id, thread_id = id, kind, "thread started");
    state.gateway.thread_created(store, id, true);
    state.gateway.thread_members_added(store, id, &[bot_id]);
    served
}

/// `POST /channels/{channel.id}/messages/{message.id}/threads` → 201 with the new thread, whose
/// id is the message's: a PUBLIC_THREAD (11) in a text channel, an ANNOUNCEMENT_THREAD (10) in
/// an announcement channel.
///
/// Body: `name` (required, 1–100 characters), `auto_archive_duration` (60, 1440, 4320, 10080;
/// default: the parent's `default_auto_archive_duration`, else 4320), `rate_limit_per_user`
/// (0–21600). Checks in this order: unknown channel → 404/10003; `emulator_access: "none"` →
/// 403/50001; `"read"` → 403/50013; a DM → 403/50003; another channel type (a forum, a
/// thread, …) → 400/50024; unknown message → 404/10008; malformed JSON → 400/50109; invalid
/// body → 400/50035; a message that has a thread already → 400/160004.
pub(in crate::rest) async fn start_thread_from_message(
    AxumState(state): AxumState<Arc<State>>,
    Path((channel_id, message_id)): Path<(String, String)>,
    body: Bytes,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let channel_id = snowflake_param("channel_id", &channel_id)?;
    let message_id = snowflake_param("message_id", &message_id)?;
    let parsed = json_body(&body);
    let mut store = state.store();
    let (guild_id, parent_kind) = managed_channel(&store, channel_id)?;
    let kind = match parent_kind {
        0 => PUBLIC_THREAD,
        5 => ANNOUNCEMENT_THREAD,
        _ => return Err(ApiError::InvalidChannelType),
    };
    let parent = &store.channels[&channel_id];
    if parent.message(message_id).is_none() {
        return Err(ApiError::UnknownMessage);
    }
    let body = body_object(parsed?.as_ref())?;
    let mut errors = FormErrors::default();
    let fields = thread_fields(&body, Body::FromMessage, &mut errors);
    errors.into_result()?;
    if store.channels.contains_key(&message_id) {
        return Err(ApiError::ThreadAlreadyCreated);
    }
    let access = match parent.owner {
        ChannelOwner::Guild { access, .. } => access,
        ChannelOwner::Dm { .. } => Access::Full,
    };
    let parent_object = parent.object.clone();
    let thread = NewThread {
        id: message_id,
        kind,
        guild_id,
        parent: &parent_object,
        owner_id: store.bot_id,
        fields,
        now_ms: now_ms(),
        forum: false,
    };
    let served = store_thread(&state, &mut store, thread, access);
    // The source message now shows its thread.
    if let Some(parent) = store.channels.get_mut(&channel_id)
        && let Some(message) = parent.message_mut(message_id)
        && let Some(object) = message.object.as_object_mut()
    {
        let flags = object.get("flags").and_then(Value::as_u64).unwrap_or(0);
        object.insert("flags".into(), json!(flags | HAS_THREAD));
        object.insert("thread".into(), served.clone());
    }
    let parent = &store.channels[&channel_id];
    if let Some(message) = parent.message(message_id) {
        let updated = parent.served(message);
        state.gateway.message_updated(&store, channel_id, &updated);
    }
    Ok((StatusCode::CREATED, Json(served)))
}

/// `POST /channels/{channel.id}/threads` → 201 with the new thread.
///
/// In a text or announcement channel (Start Thread without Message): `name` (required, 1–100
/// characters), `auto_archive_duration`, `rate_limit_per_user` (0–21600), `type` (10, 11 or
/// 12; default 12, a private thread), `invitable` (private threads). A text channel takes 11
/// and 12, an announcement channel 10; another type → 400/50024, and so does a body with a
/// forum post's `message`.
///
/// In a forum (15) or media (16) channel (Start Thread in Forum or Media Channel): `name`,
/// `auto_archive_duration`, `rate_limit_per_user`, `applied_tags` (at most 5, tags of the
/// channel's `available_tags`) and `message` (required: the post's first message, checked like
/// Create Message with the errors under `message.…`; it gets the thread's id). The thread is a
/// PUBLIC_THREAD and the answer has the first message as `message`. A `multipart/form-data`
/// post carries files as `files[n]` parts with their `attachments` entries in `message`; they
/// become the first message's attachments (a file without an entry, and any file of a thread
/// without a message, → 400/50035).
///
/// Checks in this order: unknown channel → 404/10003; `emulator_access: "none"` → 403/50001;
/// `"read"` → 403/50013; a DM → 403/50003; a channel type without threads → 400/50024;
/// malformed JSON → 400/50109; invalid body → 400/50035; a forum message with nothing in it →
/// 400/50006; a sticker that is not the guild's → 400/50081.
pub(in crate::rest) async fn start_thread(
    AxumState(state): AxumState<Arc<State>>,
    Path(channel_id): Path<String>,
    uploads: Option<Extension<Uploads>>,
    body: Bytes,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let channel_id = snowflake_param("channel_id", &channel_id)?;
    let parsed = json_body(&body);
    let mut store = state.store();
    let (guild_id, parent_kind) = managed_channel(&store, channel_id)?;
    if !matches!(parent_kind, 0 | 5 | 15 | 16) {
        return Err(ApiError::InvalidChannelType);
    }
    let body = body_object(parsed?.as_ref())?;
    let forum = matches!(parent_kind, 15 | 16);
    if !forum
        && body
            .get("message")
            .is_some_and(|message| !message.is_null())
    {
        return Err(ApiError::InvalidChannelType);
    }
    let mut errors = FormErrors::default();
    let target = if forum {
        Body::Forum
    } else {
        Body::WithoutMessage
    };
    let fields = thread_fields(&body, target, &mut errors);
    let parent = &store.channels[&channel_id];
    let input = if forum {
        if !fields.applied_tags.is_empty() {
            let available: Vec<u64> = parent
                .object
                .get("available_tags")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(|tag| tag.get("id").and_then(crate::snowflake::parse_snowflake))
                .collect();
            for (index, tag) in fields.applied_tags.iter().enumerate() {
                if !available.contains(tag) {
                    errors.add(
                        ["applied_tags".to_owned(), index.to_string()],
                        "TAG_INVALID",
                        "Tag does not exist.",
                    );
                }
            }
        }
        match body.get("message") {
            None | Some(Value::Null) => {
                errors.add(
                    ["message".to_owned()],
                    "BASE_TYPE_REQUIRED",
                    "This field is required",
                );
                None
            }
            Some(message) => match validate::message_create(Some(message)) {
                Ok(input) => Some(input),
                Err(ApiError::InvalidFormBody(message_errors)) => {
                    errors.merge(message_errors.nested("message"));
                    None
                }
                Err(other) => {
                    errors.into_result()?;
                    return Err(other);
                }
            },
        }
    } else {
        None
    };
    errors.into_result()?;
    let kind = if forum {
        PUBLIC_THREAD
    } else {
        let kind = fields.kind.unwrap_or(PRIVATE_THREAD);
        let fits = match parent_kind {
            0 => kind == PUBLIC_THREAD || kind == PRIVATE_THREAD,
            _ => kind == ANNOUNCEMENT_THREAD,
        };
        if !fits {
            return Err(ApiError::InvalidChannelType);
        }
        kind
    };
    let access = match parent.owner {
        ChannelOwner::Guild { access, .. } => access,
        ChannelOwner::Dm { .. } => Access::Full,
    };
    let parent_object = parent.object.clone();
    let id = store.snowflakes.next();
    // A forum post's files (`files[n]`) need `attachments` entries in its `message`; files
    // without one (and any file of a thread without a message) are 400/50035.
    let upload = multipart::uploads(uploads.as_ref().map(|uploads| &uploads.0));
    let base_url = state.base_url();
    let attachments = multipart::attachments_for(
        body.get("message"),
        &upload,
        id,
        &base_url,
        &|_| false,
        &mut || store.snowflakes.next(),
    )?;
    // The first message is checked against the store before the thread exists.
    let first = match input {
        Some(input) => {
            let stickers = sticker_items(&store, channel_id, &input.sticker_ids)?;
            Some((input, stickers))
        }
        None => None,
    };
    let thread = NewThread {
        id,
        kind,
        guild_id,
        parent: &parent_object,
        owner_id: store.bot_id,
        fields,
        now_ms: now_ms(),
        forum,
    };
    let mut served = store_thread(&state, &mut store, thread, access);
    if let Some((input, sticker_items)) = first {
        let draft = Draft {
            author: Value::Object(store.bot_user().clone()),
            input,
            reply: None,
            sticker_items,
            attachments: attachments
                .iter()
                .map(|attachment| attachment.object.clone())
                .collect(),
        };
        multipart::store_files(&mut store, id, attachments);
        let message = build_message_as(&store, id, id, draft);
        let stored = StoredMessage::new(id, message);
        let message = store.channels[&id].served(&stored);
        store.push_message(id, stored);
        state.gateway.message_created(&store, id, &message);
        if let Some(object) = served.as_object_mut() {
            object.insert("last_message_id".into(), json!(id.to_string()));
            object.insert("message".into(), message);
        }
    }
    Ok((StatusCode::CREATED, Json(served)))
}

/// The longest thread name, in characters.
const THREAD_NAME_MAX: usize = 100;

/// A forum or media post started by Execute Webhook's `thread_name` (and `applied_tags`) in
/// `channel_id`: the thread `id` (reserved by the caller; owned by the webhook `owner_id`)
/// is stored with THREAD_CREATE; the caller adds its first message, with the thread's id.
/// A `thread_name` that is not 1–100 characters → 400/50035 on `thread_name`.
pub(in crate::rest) fn start_webhook_post(
    state: &State,
    store: &mut Store,
    channel_id: u64,
    id: u64,
    owner_id: u64,
    body: &Map<String, Value>,
) -> Result<(), ApiError> {
    let name = body
        .get("thread_name")
        .and_then(Value::as_str)
        .unwrap_or_default();
    if !(1..=THREAD_NAME_MAX).contains(&name.chars().count()) {
        return Err(ApiError::form(
            &["thread_name"],
            "BASE_TYPE_BAD_LENGTH",
            format!("Must be between 1 and {THREAD_NAME_MAX} in length."),
        ));
    }
    let mut post = Map::new();
    post.insert("name".into(), json!(name));
    if let Some(tags) = body.get("applied_tags") {
        post.insert("applied_tags".into(), tags.clone());
    }
    let mut errors = FormErrors::default();
    let fields = thread_fields(&post, Body::Forum, &mut errors);
    errors.into_result()?;
    let parent = &store.channels[&channel_id];
    let (guild_id, access) = match parent.owner {
        ChannelOwner::Guild { guild_id, access } => (guild_id, access),
        ChannelOwner::Dm { .. } => return Err(ApiError::InvalidChannelType),
    };
    let parent_object = parent.object.clone();
    let thread = NewThread {
        id,
        kind: PUBLIC_THREAD,
        guild_id,
        parent: &parent_object,
        owner_id,
        fields,
        now_ms: now_ms(),
        forum: true,
    };
    store_thread(state, store, thread, access);
    Ok(())
}
