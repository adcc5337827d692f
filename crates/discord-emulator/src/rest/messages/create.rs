//! `POST /channels/{channel.id}/messages`
//! ([docs](https://discord.com/developers/docs/resources/message#create-message)).

use std::sync::Arc;
use std::time::Instant;

use axum::body::Bytes;
use axum::extract::{Path, State as AxumState};
use axum::{Extension, Json};
use serde_json::Value;

use super::super::channels::{holds_messages, visible_channel};
use super::build::{Draft, build_message};
use super::{reply, stickers};
use crate::error::ApiError;
use crate::fixture::Access;
use crate::multipart::{self, Uploads};
use crate::rest::{json_body, snowflake_param};
use crate::state::State;
use crate::store::{ChannelOwner, Store, StoredMessage};
use crate::validate;

/// `POST /channels/{channel.id}/messages` → the created message (HTTP 200), and
/// MESSAGE_CREATE on the gateway.
///
/// Checks in Discord's order: unknown channel → 404/10003; `emulator_access: "none"` →
/// 403/50001; `"read"` → 403/50013; DM with a `dm_closed` user → 403/50007; a channel that
/// cannot hold messages → 400/50008; malformed JSON → 400/50109; invalid body → 400/50035;
/// nothing to send → 400/50006; then (unless `enforce_nonce` returns an earlier message) a
/// reply to a message that is not in the channel → 400/50035 on `message_reference`, and a
/// sticker that is not the guild's → 400/50081; a `multipart/form-data` file without an
/// `attachments` entry (or an entry without its file) → 400/50035. An archived thread: locked →
/// 400/50083, else the message unarchives it (THREAD_UPDATE before MESSAGE_CREATE).
///
/// Files (`files[n]` parts of a multipart body) become the message's `attachments`, served at
/// their `url`.
///
/// With `"enforce_nonce": true`, a `nonce` already used for a message in this channel within the
/// last 5 minutes returns that message (200) and creates nothing.
pub(in crate::rest) async fn create_message(
    AxumState(state): AxumState<Arc<State>>,
    Path(channel_id): Path<String>,
    uploads: Option<Extension<Uploads>>,
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
        if crate::rest::threads::archived(&channel.object)
            && crate::rest::threads::locked(&channel.object)
        {
            return Err(ApiError::ThreadArchived);
        }
    }
    let body = json_body(&body)?;
    let input = validate::message_create(body.as_ref())?;
    let enforce_nonce = crate::nonce::enforce_nonce(body.as_ref())?;
    let nonce = input.nonce.as_ref().and_then(crate::nonce::nonce_key);
    let now = Instant::now();
    let mut store = state.store();
    if enforce_nonce
        && let Some(nonce) = &nonce
        && let Some(existing) = existing_message(&mut store, channel_id, nonce, now)
    {
        tracing::debug!(channel_id, "enforce_nonce: returning the earlier message");
        return Ok(Json(existing));
    }
    let reply = match &input.reference {
        Some(reference) => reply::resolve(&store, channel_id, reference)?,
        None => None,
    };
    let sticker_items = stickers::sticker_items(&store, channel_id, &input.sticker_ids)?;
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
    let draft = Draft {
        author: Value::Object(store.bot_user().clone()),
        input,
        reply,
        sticker_items,
        attachments: attachments
            .iter()
            .map(|attachment| attachment.object.clone())
            .collect(),
    };
    // A message unarchives an archived thread (not a locked one, refused above).
    if crate::rest::threads::unarchive(&mut store, channel_id) {
        state.gateway.thread_updated(&store, channel_id);
    }
    multipart::store_files(&mut store, channel_id, attachments);
    let (id, object) = build_message(&mut store, channel_id, draft);
    tracing::debug!(channel_id, message_id = id, "message created");
    let message = StoredMessage::new(id, object);
    let served = store.channels[&channel_id].served(&message);
    store.push_message(channel_id, message);
    // MESSAGE_CREATE to the gateway sessions, in message order (the store is still locked).
    state.gateway.message_created(&store, channel_id, &served);
    if let Some(nonce) = nonce {
        store.nonces.remember(channel_id, nonce, id, now);
    }
    Ok(Json(served))
}

/// The message created in `channel_id` with `nonce` within the nonce TTL, if still stored.
fn existing_message(
    store: &mut Store,
    channel_id: u64,
    nonce: &str,
    now: Instant,
) -> Option<Value> {
    let id = store.nonces.find(channel_id, nonce, now)?;
    let channel = store.channels.get(&channel_id)?;
    channel.message(id).map(|message| channel.served(message))
}
