//! `PATCH /channels/{channel.id}/messages/{message.id}`
//! ([docs](https://discord.com/developers/docs/resources/message#edit-message)).

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, State as AxumState};
use axum::{Extension, Json};
use serde_json::{Map, Value, json};
use time::OffsetDateTime;

use super::super::channels::visible_channel;
use super::mentions::Mentions;
use super::{find_message, guild_of, may_manage_messages, message_path};
use crate::error::ApiError;
use crate::multipart::{self, Uploads};
use crate::rest::json_body;
use crate::snowflake::parse_snowflake;
use crate::state::State;
use crate::store::{Store, StoredMessage, replied_message_id};
use crate::timestamp::format_timestamp;
use crate::validate::{self, IS_COMPONENTS_V2, MessageEdit, SUPPRESS_EMBEDS};

/// `PATCH /channels/{channel.id}/messages/{message.id}` → 200 with the edited message, and
/// MESSAGE_UPDATE on the gateway.
///
/// Every body key is optional and nullable (null clears): `content`, `embeds`, `flags` (only
/// SUPPRESS_EMBEDS can be set and unset, IS_COMPONENTS_V2 only set; other bits are ignored),
/// `allowed_mentions` (how mentions are parsed from new content; without it, every mention
/// pings), `components`, `attachments` (the ones to keep). New content rebuilds `mentions`,
/// `mention_roles` and `mention_everyone`. Files of a `multipart/form-data` body, each named
/// by an `attachments` entry whose `id` is its index, are added after the kept attachments
/// (a file without an entry, or an entry that is neither a file nor an attachment of the
/// message → 400/50035). A change to anything but the flags sets
/// `edited_timestamp`.
///
/// Checks in this order: unknown channel → 404/10003; `emulator_access: "none"` → 403/50001;
/// unknown message → 404/10008; malformed JSON → 400/50109; another user's message: anything
/// but `flags` / `allowed_mentions` → 403/50005, flags in a DM → 403/50003, in an
/// `emulator_access: "read"` channel → 403/50013; invalid body → 400/50035; an edit that
/// leaves the message empty → 400/50006.
pub(in crate::rest) async fn edit_message(
    AxumState(state): AxumState<Arc<State>>,
    Path(path): Path<(String, String)>,
    uploads: Option<Extension<Uploads>>,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    let (channel_id, message_id) = message_path(path)?;
    let parsed = json_body(&body);
    let mut store = state.store();
    let channel = visible_channel(&store, channel_id)?;
    let message = find_message(channel, message_id)?;
    let body = parsed?;
    if message.author_id() != Some(store.bot_id) {
        if validate::edit_touches_content(body.as_ref()) {
            return Err(ApiError::NotMessageAuthor);
        }
        may_manage_messages(channel)?;
    }
    let v2 = message
        .object
        .get("flags")
        .and_then(Value::as_u64)
        .is_some_and(|flags| flags & IS_COMPONENTS_V2 != 0);
    let edit = validate::message_edit_of(body.as_ref(), v2)?;
    let existing: Vec<u64> = list(
        message.object.as_object().unwrap_or(&Map::new()),
        "attachments",
    )
    .iter()
    .filter_map(|attachment| attachment.get("id").and_then(parse_snowflake))
    .collect();
    let original = message.object.clone();
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
    let updated = apply(&store, channel_id, &original, edit, new_objects)?;
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
    tracing::debug!(channel_id, message_id, "message edited");
    state.gateway.message_updated(&store, channel_id, &served);
    Ok(Json(served))
}

/// The message object after `edit`, or 50006 when nothing would be left to show.
pub(in crate::rest) fn apply(
    store: &Store,
    channel_id: u64,
    original: &Value,
    edit: MessageEdit,
    added: Vec<Value>,
) -> Result<Value, ApiError> {
    let mut object: Map<String, Value> = original.as_object().cloned().unwrap_or_default();
    let edited = edit.changes_content();
    if let Some(content) = edit.content {
        let guild_id = guild_of(&store.channels[&channel_id]);
        let replied_author = replied_author(store, channel_id, original);
        Mentions::resolve(
            store,
            guild_id,
            &content,
            edit.allowed_mentions.as_ref(),
            replied_author,
        )
        .write(&mut object);
        object.insert("content".into(), Value::String(content));
    }
    if let Some(embeds) = edit.embeds {
        object.insert("embeds".into(), Value::Array(embeds));
    }
    if let Some(components) = edit.components {
        object.insert("components".into(), Value::Array(components));
    }
    if let Some(keep) = edit.attachments {
        let kept: Vec<Value> = list(&object, "attachments")
            .into_iter()
            .filter(|attachment| {
                attachment
                    .get("id")
                    .and_then(parse_snowflake)
                    .is_some_and(|id| keep.contains(&id))
            })
            .collect();
        object.insert("attachments".into(), Value::Array(kept));
    }
    if !added.is_empty() {
        let mut attachments = list(&object, "attachments");
        attachments.extend(added);
        object.insert("attachments".into(), Value::Array(attachments));
    }
    if let Some(flags) = edit.flags {
        let old = object.get("flags").and_then(Value::as_u64).unwrap_or(0);
        let new = (old & !SUPPRESS_EMBEDS) | (flags & (SUPPRESS_EMBEDS | IS_COMPONENTS_V2));
        object.insert("flags".into(), json!(new));
    }
    let content = object
        .get("content")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let shows_something = !content.trim().is_empty()
        || ["embeds", "components", "attachments", "sticker_items"]
            .iter()
            .any(|key| !list(&object, key).is_empty());
    if !shows_something {
        return Err(ApiError::EmptyMessage);
    }
    if edited {
        object.insert(
            "edited_timestamp".into(),
            Value::String(format_timestamp(OffsetDateTime::now_utc())),
        );
    }
    Ok(Value::Object(object))
}

/// The array under `key` (empty when absent).
fn list(object: &Map<String, Value>, key: &str) -> Vec<Value> {
    object
        .get(key)
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default()
}

/// The author of the message a reply answers, while that message exists.
fn replied_author(store: &Store, channel_id: u64, object: &Value) -> Option<u64> {
    store.channels[&channel_id]
        .message(replied_message_id(object)?)
        .and_then(StoredMessage::author_id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixture::Fixture;

    const GENERAL: u64 = 400_000_000_000_000_002;
    const ALICE: u64 = 200_000_000_000_000_001;

    fn edit(body: Value) -> MessageEdit {
        validate::message_edit(Some(&body)).unwrap()
    }

    fn message() -> Value {
        json!({"type": 0, "content": "old <@200000000000000001>", "mentions": [{"id": "200000000000000001"}],
               "mention_roles": [], "attachments": [], "embeds": [{"type": "rich", "title": "t"}],
               "edited_timestamp": null, "flags": 1 | 4, "components": [], "mention_everyone": false})
    }

    #[test]
    fn content_rebuilds_mentions_and_marks_the_edit() {
        let store = Store::new(&Fixture::default_fixture());
        let updated = apply(
            &store,
            GENERAL,
            &message(),
            edit(json!({"content": "new @everyone"})),
            Vec::new(),
        )
        .unwrap();
        assert_eq!(updated["content"], json!("new @everyone"));
        assert_eq!(updated["mentions"], json!([]));
        assert_eq!(updated["mention_everyone"], json!(true));
        assert!(updated["edited_timestamp"].is_string());
        assert_eq!(updated["embeds"], message()["embeds"]);
        let pings = apply(
            &store,
            GENERAL,
            &message(),
            edit(json!({"content": format!("<@{ALICE}>"), "allowed_mentions": {"parse": []}})),
            Vec::new(),
        )
        .unwrap();
        assert_eq!(pings["mentions"], json!([]));
    }

    #[test]
    fn flags_only_toggle_suppress_embeds_and_leave_no_edit_mark() {
        let store = Store::new(&Fixture::default_fixture());
        let updated = apply(
            &store,
            GENERAL,
            &message(),
            edit(json!({"flags": 0})),
            Vec::new(),
        )
        .unwrap();
        // CROSSPOSTED (1) stays, SUPPRESS_EMBEDS (4) is unset.
        assert_eq!(updated["flags"], json!(1));
        assert_eq!(updated["edited_timestamp"], Value::Null);
        let updated = apply(
            &store,
            GENERAL,
            &message(),
            edit(json!({"flags": 4 | 64 | 32768})),
            Vec::new(),
        )
        .unwrap();
        assert_eq!(updated["flags"], json!(1 | 4 | 32768));
        let updated = apply(
            &store,
            GENERAL,
            &updated,
            edit(json!({"flags": null})),
            Vec::new(),
        )
        .unwrap();
        assert_eq!(
            updated["flags"],
            json!(1 | 32768),
            "IS_COMPONENTS_V2 cannot be unset"
        );
    }

    #[test]
    fn an_edit_that_leaves_nothing_is_50006() {
        let store = Store::new(&Fixture::default_fixture());
        assert_eq!(
            apply(
                &store,
                GENERAL,
                &message(),
                edit(json!({"content": null, "embeds": []})),
                Vec::new()
            ),
            Err(ApiError::EmptyMessage)
        );
        let updated = apply(
            &store,
            GENERAL,
            &message(),
            edit(json!({"content": null})),
            Vec::new(),
        )
        .unwrap();
        assert_eq!(updated["content"], json!(""));
    }
}
