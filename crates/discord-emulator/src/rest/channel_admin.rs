//! Creating, modifying and deleting guild channels, with the gateway events they cause:
//! `POST /guilds/{guild.id}/channels`
//! ([docs](https://discord.com/developers/docs/resources/guild#create-guild-channel)) →
//! CHANNEL_CREATE, `PATCH /channels/{channel.id}`
//! ([docs](https://discord.com/developers/docs/resources/channel#modify-channel)) →
//! CHANNEL_UPDATE, `DELETE /channels/{channel.id}`
//! ([docs](https://discord.com/developers/docs/resources/channel#deleteclose-channel)) →
//! CHANNEL_DELETE.
//!
//! The events go to the gateway sessions with the GUILDS intent whose shard has the guild, while
//! the store is locked, so they go out in the order of the changes.
//!
//! A guild's API order (`GET /guilds/{id}/channels`, GUILD_CREATE's `channels`) is the
//! fixture's order followed by the created channels in creation order; deleting removes a
//! channel from it and modifying (also its `position`) keeps its place. Channel ids increase
//! with creation, so created channels are also in id order. Deleting a category moves its
//! channels out of it (`parent_id` null, one CHANNEL_UPDATE each).

use std::collections::VecDeque;
use std::sync::Arc;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State as AxumState};
use axum::http::StatusCode;
use serde_json::{Map, Value, json};

use super::{json_body, snowflake_param};
use crate::error::{ApiError, FormErrors};
use crate::fixture::{Access, parse_channel};
use crate::snowflake::parse_snowflake;
use crate::state::State;
use crate::store::{ChannelOwner, ChannelState, Store, is_thread};

/// Channel types `POST /guilds/{id}/channels` creates: text, voice, category, announcement,
/// stage, forum, media.
const CREATABLE_TYPES: [u64; 7] = [0, 2, 4, 5, 13, 15, 16];
/// Category channel type.
const CATEGORY: u64 = 4;
/// Channel name length, in characters.
const NAME_LENGTH: std::ops::RangeInclusive<usize> = 1..=100;
/// Topic length of text, announcement and stage channels.
const TOPIC_MAX: usize = 1024;
/// Topic length of forum and media channels.
const FORUM_TOPIC_MAX: usize = 4096;
/// Largest `position` (a signed 32-bit integer on Discord).
const POSITION_MAX: u64 = i32::MAX as u64;

/// Whether channels of type `kind` have a `topic` (text, announcement, stage, forum, media).
fn has_topic(kind: u64) -> bool {
    matches!(kind, 0 | 5 | 13 | 15 | 16)
}

/// The fields a create or modify body sets, validated. `None`: not sent (or null where null
/// means "no change").
#[derive(Debug, Default, PartialEq)]
struct ChannelFields {
    name: Option<String>,
    kind: Option<u64>,
    /// `Some(Value::Null)` clears the topic.
    topic: Option<Value>,
    position: Option<u64>,
    nsfw: Option<bool>,
    /// `Some(None)` takes the channel out of its category.
    parent_id: Option<Option<u64>>,
}

/// What a body is validated for.
#[derive(Debug, Clone, Copy)]
enum Target {
    /// A new channel of guild `guild_id` (`name` required, `type` allowed).
    Create { guild_id: u64 },
    /// Channel `channel_id` of type `kind` in guild `guild_id`.
    Modify {
        guild_id: u64,
        channel_id: u64,
        kind: u64,
    },
}

/// Validates a create or modify body like Discord: every failing field at once in a 50035.
/// Keys other than `name`, `type` (create only), `topic`, `position`, `nsfw` and `parent_id`
/// are ignored.
fn channel_fields(
    store: &Store,
    target: Target,
    body: Option<&Value>,
) -> Result<ChannelFields, ApiError> {
    let empty = Map::new();
    let body = match body {
        None | Some(Value::Null) => &empty,
        Some(Value::Object(body)) => body,
        Some(_) => {
            return Err(ApiError::form(
                &[],
                "DICT_TYPE_CONVERT",
                "Only dictionaries may be used in a DictType",
            ));
        }
    };
    let mut errors = FormErrors::default();
    let mut error = |key: &str, code: &str, message: String| {
        errors.add([key.to_owned()], code, message);
    };
    let mut fields = ChannelFields::default();
    let creating = matches!(target, Target::Create { .. });

    match body.get("name") {
        None if !creating => {}
        None | Some(Value::Null) => error(
            "name",
            "BASE_TYPE_REQUIRED",
            "This field is required".into(),
        ),
        Some(value) => match string(value) {
            Some(name) if NAME_LENGTH.contains(&name.chars().count()) => fields.name = Some(name),
            Some(_) => error(
                "name",
                "BASE_TYPE_BAD_LENGTH",
                format!(
                    "Must be between {} and {} in length.",
                    NAME_LENGTH.start(),
                    NAME_LENGTH.end()
                ),
            ),
            None => error(
                "name",
                "STRING_TYPE_CONVERT",
                format!("Could not interpret \"{value}\" as string."),
            ),
        },
    }

    let kind = match target {
        Target::Modify { kind, .. } => kind,
        Target::Create { .. } => match body.get("type") {
            None | Some(Value::Null) => 0,
            Some(value) => match integer(value) {
                Some(kind) if CREATABLE_TYPES.contains(&kind) => kind,
                Some(_) => {
                    let choices: Vec<String> = CREATABLE_TYPES.iter().map(u64::to_string).collect();
                    error(
                        "type",
                        "BASE_TYPE_CHOICES",
                        format!("Value must be one of {{{}}}.", choices.join(", ")),
                    );
                    0
                }
                None => {
                    error("type", "NUMBER_TYPE_COERCE", not_int(value));
                    0
                }
            },
        },
    };
    if creating {
        fields.kind = Some(kind);
    }

    match body.get("topic") {
        None => {}
        Some(Value::Null) => fields.topic = Some(Value::Null),
        Some(value) => match string(value) {
            Some(topic) => {
                let max = if matches!(kind, 15 | 16) {
                    FORUM_TOPIC_MAX
                } else {
                    TOPIC_MAX
                };
                if topic.chars().count() > max {
                    error(
                        "topic",
                        "BASE_TYPE_MAX_LENGTH",
                        format!("Must be {max} or fewer in length."),
                    );
                } else {
                    fields.topic = Some(Value::String(topic));
                }
            }
            None => error(
                "topic",
                "STRING_TYPE_CONVERT",
                format!("Could not interpret \"{value}\" as string."),
            ),
        },
    }

    match body.get("position") {
        None | Some(Value::Null) => {}
        Some(value) => match value.as_i64().or_else(|| {
            value
                .as_str()
                .and_then(|text| text.trim().parse::<i64>().ok())
        }) {
            Some(position) if position < 0 => error(
                "position",
                "NUMBER_TYPE_MIN",
                "int value should be greater than or equal to 0.".into(),
            ),
            Some(position) if position.unsigned_abs() > POSITION_MAX => error(
                "position",
                "NUMBER_TYPE_MAX",
                format!("int value should be less than or equal to {POSITION_MAX}."),
            ),
            Some(position) => fields.position = Some(position.unsigned_abs()),
            None => error("position", "NUMBER_TYPE_COERCE", not_int(value)),
        },
    }

    match body.get("nsfw") {
        None | Some(Value::Null) => {}
        Some(Value::Bool(nsfw)) => fields.nsfw = Some(*nsfw),
        Some(_) => error(
            "nsfw",
            "BASE_TYPE_BOOLEAN",
            "Must be either true or false.".into(),
        ),
    }

    match body.get("parent_id") {
        None => {}
        Some(Value::Null) => fields.parent_id = Some(None),
        Some(value) => match parse_snowflake(value) {
            None => {
                let shown = value
                    .as_str()
                    .map_or_else(|| value.to_string(), str::to_owned);
                error(
                    "parent_id",
                    "NUMBER_TYPE_COERCE",
                    format!("Value \"{shown}\" is not snowflake."),
                );
            }
            Some(_) if kind == CATEGORY => error(
                "parent_id",
                "CHANNEL_PARENT_INVALID_TYPE",
                "Categories cannot have a parent category".into(),
            ),
            Some(parent) => {
                let (guild_id, own_id) = match target {
                    Target::Create { guild_id } => (guild_id, None),
                    Target::Modify {
                        guild_id,
                        channel_id,
                        ..
                    } => (guild_id, Some(channel_id)),
                };
                match store.channels.get(&parent) {
                    Some(channel)
                        if channel.owner_guild() == Some(guild_id) && Some(parent) != own_id =>
                    {
                        if channel.kind == CATEGORY {
                            fields.parent_id = Some(Some(parent));
                        } else {
                            error(
                                "parent_id",
                                "CHANNEL_PARENT_INVALID_TYPE",
                                "Not a category".into(),
                            );
                        }
                    }
                    _ => error(
                        "parent_id",
                        "CHANNEL_PARENT_INVALID",
                        "Category does not exist".into(),
                    ),
                }
            }
        },
    }

    errors.into_result()?;
    Ok(fields)
}

/// A string field; numbers are coerced like Discord does.
fn string(value: &Value) -> Option<String> {
    match value {
        Value::String(text) => Some(text.clone()),
        Value::Number(number) => Some(number.to_string()),
        _ => None,
    }
}

/// A non-negative integer field (also a string of digits, as Discord coerces).
fn integer(value: &Value) -> Option<u64> {
    value
        .as_u64()
        .or_else(|| value.as_str().and_then(|text| text.trim().parse().ok()))
}

/// Discord's message for a value that is not an integer.
fn not_int(value: &Value) -> String {
    let shown = value
        .as_str()
        .map_or_else(|| value.to_string(), str::to_owned);
    format!("Value \"{shown}\" is not int.")
}

impl ChannelState {
    /// The guild of a guild channel.
    fn owner_guild(&self) -> Option<u64> {
        match self.owner {
            ChannelOwner::Guild { guild_id, .. } => Some(guild_id),
            ChannelOwner::Dm { .. } => None,
        }
    }
}

/// Writes `parent` as the object's `parent_id` (a string, or null).
fn set_parent(object: &mut Map<String, Value>, parent: Option<u64>) {
    object.insert(
        "parent_id".to_owned(),
        parent.map_or(Value::Null, |id| Value::String(id.to_string())),
    );
}

/// The `position` a new channel gets when the body has none: one more than the highest
/// position among the channels that would be its siblings (same `parent_id`), 0 if none.
fn next_position(store: &Store, guild_id: u64, parent: Option<u64>) -> u64 {
    let Some(guild) = store.guilds.get(&guild_id) else {
        return 0;
    };
    guild
        .channel_ids
        .iter()
        .filter_map(|id| store.channels.get(id))
        .filter(|channel| channel.object.get("parent_id").and_then(parse_snowflake) == parent)
        .filter_map(|channel| channel.object.get("position").and_then(Value::as_u64))
        .max()
        .map_or(0, |highest| highest + 1)
}

/// `POST /guilds/{guild.id}/channels` → 201 with the new channel (Discord's OpenAPI lists 201
/// for this route), and CHANNEL_CREATE on the gateway.
///
/// Body: `name` (required, 1–100 characters), `type` (0 text, 2 voice, 4 category, 5
/// announcement, 13 stage, 15 forum, 16 media; default 0), `topic` (≤ 1024 characters, 4096
/// for forum and media; ignored for types without a topic), `position` (default: after its
/// siblings), `nsfw` (default false), `parent_id` (a category of the guild). Unknown guild →
/// 404/10004; malformed JSON → 400/50109; invalid body → 400/50035. The bot has full access to
/// the channels it creates.
pub(super) async fn create_guild_channel(
    AxumState(state): AxumState<Arc<State>>,
    Path(guild_id): Path<String>,
    body: Bytes,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let guild_id = snowflake_param("guild_id", &guild_id)?;
    let parsed = json_body(&body);
    let mut store = state.store();
    if !store.guilds.contains_key(&guild_id) {
        return Err(ApiError::UnknownGuild);
    }
    let body = parsed?;
    let fields = channel_fields(&store, Target::Create { guild_id }, body.as_ref())?;
    let kind = fields.kind.unwrap_or(0);
    let parent = fields.parent_id.flatten();
    let position = fields
        .position
        .unwrap_or_else(|| next_position(&store, guild_id, parent));
    let id = store.snowflakes.next();
    let mut object = Map::new();
    object.insert("id".into(), Value::String(id.to_string()));
    object.insert("type".into(), json!(kind));
    object.insert("name".into(), json!(fields.name));
    set_parent(&mut object, parent);
    object.insert("position".into(), json!(position));
    object.insert("nsfw".into(), json!(fields.nsfw.unwrap_or(false)));
    if has_topic(kind) {
        object.insert("topic".into(), fields.topic.unwrap_or(Value::Null));
    }
    let channel = parse_channel(Value::Object(object), "$", guild_id)
        .expect("a channel built from a validated body is a valid fixture channel");
    let served = Value::Object(channel.object.clone());
    store.channels.insert(
        id,
        ChannelState {
            kind,
            owner: ChannelOwner::Guild {
                guild_id,
                access: Access::Full,
            },
            object: channel.object,
            messages: VecDeque::new(),
        },
    );
    if let Some(guild) = store.guilds.get_mut(&guild_id) {
        guild.channel_ids.push(id);
    }
    tracing::debug!(guild_id, channel_id = id, kind, "channel created");
    state
        .gateway
        .dispatch_guild_event(guild_id, "CHANNEL_CREATE", &served);
    Ok((StatusCode::CREATED, Json(served)))
}

/// The guild and type of a guild channel the bot may manage: unknown → 404/10003;
/// `emulator_access: "none"` → 403/50001; `"read"` → 403/50013; a DM channel → 403/50003.
pub(super) fn managed_channel(store: &Store, channel_id: u64) -> Result<(u64, u64), ApiError> {
    let channel = store
        .channels
        .get(&channel_id)
        .ok_or(ApiError::UnknownChannel)?;
    match channel.owner {
        ChannelOwner::Guild {
            access: Access::None,
            ..
        } => Err(ApiError::MissingAccess),
        ChannelOwner::Guild {
            access: Access::Read,
            ..
        } => Err(ApiError::MissingPermissions),
        ChannelOwner::Guild { guild_id, .. } => Ok((guild_id, channel.kind)),
        ChannelOwner::Dm { .. } => Err(ApiError::DmChannelAction),
    }
}

/// The thread keys of a modify body: `archived`, `locked`, `invitable` (private threads),
/// `auto_archive_duration` ([docs](https://discord.com/developers/docs/resources/channel#modify-channel-json-params-thread)).
#[derive(Debug, Default)]
struct ThreadChanges {
    archived: Option<bool>,
    locked: Option<bool>,
    invitable: Option<bool>,
    auto_archive_duration: Option<u64>,
}

impl ThreadChanges {
    /// Writes the changes into the thread's `thread_metadata`; archiving, unarchiving and a
    /// new `auto_archive_duration` set `archive_timestamp` to now, as Discord documents.
    fn apply(self, object: &mut Map<String, Value>) {
        let Some(Value::Object(metadata)) = object.get_mut("thread_metadata") else {
            return;
        };
        let mut touched = false;
        if let Some(archived) = self.archived {
            touched |= metadata.get("archived") != Some(&Value::Bool(archived));
            metadata.insert("archived".into(), json!(archived));
        }
        if let Some(minutes) = self.auto_archive_duration {
            touched = true;
            metadata.insert("auto_archive_duration".into(), json!(minutes));
        }
        if let Some(locked) = self.locked {
            metadata.insert("locked".into(), json!(locked));
        }
        if let Some(invitable) = self.invitable
            && metadata.contains_key("invitable")
        {
            metadata.insert("invitable".into(), json!(invitable));
        }
        if touched {
            let now = crate::timestamp::format_timestamp_ms(crate::timestamp::now_ms());
            metadata.insert("archive_timestamp".into(), json!(now));
        }
    }
}

/// Validates the thread keys of a modify body (50035 naming the key).
fn thread_changes(body: Option<&Value>) -> Result<ThreadChanges, ApiError> {
    let Some(Value::Object(body)) = body else {
        return Ok(ThreadChanges::default());
    };
    let mut errors = FormErrors::default();
    let mut flag = |key: &str| match body.get(key) {
        None | Some(Value::Null) => None,
        Some(Value::Bool(value)) => Some(*value),
        Some(_) => {
            errors.add(
                [key.to_owned()],
                "BASE_TYPE_BOOLEAN",
                "Must be either true or false.",
            );
            None
        }
    };
    let mut changes = ThreadChanges {
        archived: flag("archived"),
        locked: flag("locked"),
        invitable: flag("invitable"),
        auto_archive_duration: None,
    };
    match body.get("auto_archive_duration") {
        None | Some(Value::Null) => {}
        Some(value) => match value.as_u64() {
            Some(minutes) if super::threads::AUTO_ARCHIVE_DURATIONS.contains(&minutes) => {
                changes.auto_archive_duration = Some(minutes);
            }
            _ => errors.add(
                ["auto_archive_duration".to_owned()],
                "BASE_TYPE_CHOICES",
                "Value must be one of {60, 1440, 4320, 10080}.",
            ),
        },
    }
    errors.into_result()?;
    Ok(changes)
}

/// `PATCH /channels/{channel.id}` → 200 with the updated channel, and CHANNEL_UPDATE on the
/// gateway (also when nothing changed).
///
/// Body (every key optional): `name` (1–100 characters), `topic` (null clears it; ignored for
/// types without a topic), `position`, `nsfw`, `parent_id` (a category of the guild, or null).
/// Checks in this order: unknown channel → 404/10003; `emulator_access: "none"` → 403/50001;
/// `"read"` → 403/50013; a DM channel → 403/50003; malformed JSON → 400/50109; invalid body →
/// 400/50035. The channel keeps its place in the guild's API order.
///
/// A thread also takes `archived`, `locked`, `invitable` and `auto_archive_duration`, and its
/// change is a THREAD_UPDATE instead.
pub(super) async fn modify_channel(
    AxumState(state): AxumState<Arc<State>>,
    Path(channel_id): Path<String>,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    let channel_id = snowflake_param("channel_id", &channel_id)?;
    let parsed = json_body(&body);
    let mut store = state.store();
    let (guild_id, kind) = managed_channel(&store, channel_id)?;
    let body = parsed?;
    let target = Target::Modify {
        guild_id,
        channel_id,
        kind,
    };
    let fields = channel_fields(&store, target, body.as_ref())?;
    let thread = if is_thread(kind) {
        Some(thread_changes(body.as_ref())?)
    } else {
        None
    };
    let Some(channel) = store.channels.get_mut(&channel_id) else {
        return Err(ApiError::UnknownChannel);
    };
    let object = &mut channel.object;
    if let Some(name) = fields.name {
        object.insert("name".into(), Value::String(name));
    }
    if let Some(topic) = fields.topic
        && object.contains_key("topic")
    {
        object.insert("topic".into(), topic);
    }
    if let Some(position) = fields.position {
        object.insert("position".into(), json!(position));
    }
    if let Some(nsfw) = fields.nsfw {
        object.insert("nsfw".into(), json!(nsfw));
    }
    if let Some(parent) = fields.parent_id {
        set_parent(object, parent);
    }
    if let Some(changes) = thread {
        changes.apply(object);
        let served = Value::Object(object.clone());
        tracing::debug!(guild_id, channel_id, "thread modified");
        state.gateway.thread_updated(&store, channel_id);
        return Ok(Json(served));
    }
    let served = Value::Object(object.clone());
    tracing::debug!(guild_id, channel_id, "channel modified");
    state
        .gateway
        .dispatch_guild_event(guild_id, "CHANNEL_UPDATE", &served);
    Ok(Json(served))
}

/// `DELETE /channels/{channel.id}` → 200 with the deleted channel, and CHANNEL_DELETE on the
/// gateway; its messages are gone and its id answers 10003 from then on. Deleting a category
/// moves its channels out of it (each gets `parent_id` null and a CHANNEL_UPDATE after the
/// CHANNEL_DELETE).
///
/// A DM channel is "closed": 200 with the DM channel, which stays (opening the DM again returns
/// it), and no event. Unknown channel → 404/10003; `emulator_access: "none"` → 403/50001;
/// `"read"` → 403/50013. Deleting a thread is a THREAD_DELETE `{"id", "guild_id", "parent_id",
/// "type"}` instead.
pub(super) async fn delete_channel(
    AxumState(state): AxumState<Arc<State>>,
    Path(channel_id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let channel_id = snowflake_param("channel_id", &channel_id)?;
    let mut store = state.store();
    let guild_id = match managed_channel(&store, channel_id) {
        Ok((guild_id, _)) => guild_id,
        Err(ApiError::DmChannelAction) => {
            return Ok(Json(Value::Object(
                store.channels[&channel_id].object.clone(),
            )));
        }
        Err(error) => return Err(error),
    };
    let Some(removed) = store.channels.remove(&channel_id) else {
        return Err(ApiError::UnknownChannel);
    };
    if is_thread(removed.kind) {
        store.thread_members.remove(&channel_id);
        tracing::debug!(guild_id, channel_id, "thread deleted");
        state.gateway.thread_deleted(guild_id, &removed.object);
        return Ok(Json(Value::Object(removed.object)));
    }
    let mut children = Vec::new();
    if let Some(guild) = store.guilds.get_mut(&guild_id) {
        guild.channel_ids.retain(|id| *id != channel_id);
        children.clone_from(&guild.channel_ids);
    }
    children.retain(|id| {
        store.channels.get(id).is_some_and(|channel| {
            channel.object.get("parent_id").and_then(parse_snowflake) == Some(channel_id)
        })
    });
    // Its threads go with it (no events of their own).
    let parent = Value::String(channel_id.to_string());
    let threads: Vec<u64> = store
        .channels
        .iter()
        .filter(|(_, channel)| {
            is_thread(channel.kind) && channel.object.get("parent_id") == Some(&parent)
        })
        .map(|(id, _)| *id)
        .collect();
    for thread in threads {
        store.channels.remove(&thread);
        store.thread_members.remove(&thread);
    }
    let served = Value::Object(removed.object);
    tracing::debug!(guild_id, channel_id, "channel deleted");
    state
        .gateway
        .dispatch_guild_event(guild_id, "CHANNEL_DELETE", &served);
    for child in children {
        if let Some(channel) = store.channels.get_mut(&child) {
            set_parent(&mut channel.object, None);
            let updated = Value::Object(channel.object.clone());
            state
                .gateway
                .dispatch_guild_event(guild_id, "CHANNEL_UPDATE", &updated);
        }
    }
    Ok(Json(served))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixture::Fixture;

    const GUILD: u64 = 300_000_000_000_000_001;
    const CATEGORY_ID: u64 = 400_000_000_000_000_001;
    const GENERAL: u64 = 400_000_000_000_000_002;

    fn store() -> Store {
        Store::new(&Fixture::default_fixture())
    }

    fn create(body: Value) -> Result<ChannelFields, ApiError> {
        channel_fields(&store(), Target::Create { guild_id: GUILD }, Some(&body))
    }

    fn modify(kind: u64, body: Value) -> Result<ChannelFields, ApiError> {
        let target = Target::Modify {
            guild_id: GUILD,
            channel_id: GENERAL,
            kind,
        };
        channel_fields(&store(), target, Some(&body))
    }

    fn errors(result: Result<ChannelFields, ApiError>) -> Value {
        match result {
            Err(error) => {
                assert_eq!(error.code(), 50035);
                error.body()["errors"].clone()
            }
            Ok(fields) => panic!("accepted: {fields:?}"),
        }
    }

    #[test]
    fn create_needs_a_name_and_defaults_to_text() {
        let fields = create(json!({"name": "new"})).unwrap();
        assert_eq!(fields.name.as_deref(), Some("new"));
        assert_eq!(fields.kind, Some(0));
        assert_eq!(
            errors(create(json!({})))["name"]["_errors"][0]["code"],
            "BASE_TYPE_REQUIRED"
        );
        assert_eq!(
            errors(channel_fields(
                &store(),
                Target::Create { guild_id: GUILD },
                None
            ))["name"]["_errors"][0]["code"],
            "BASE_TYPE_REQUIRED"
        );
        // A modify body without a name keeps the name.
        assert_eq!(modify(0, json!({})).unwrap(), ChannelFields::default());
    }

    #[test]
    fn every_invalid_field_is_reported_at_once() {
        let errors = errors(create(json!({
            "name": "x".repeat(101), "type": 1, "topic": "t".repeat(1025),
            "position": -1, "nsfw": "yes", "parent_id": "abc"
        })));
        let code = |key: &str| errors[key]["_errors"][0]["code"].clone();
        assert_eq!(code("name"), "BASE_TYPE_BAD_LENGTH");
        assert_eq!(code("type"), "BASE_TYPE_CHOICES");
        assert_eq!(code("topic"), "BASE_TYPE_MAX_LENGTH");
        assert_eq!(code("position"), "NUMBER_TYPE_MIN");
        assert_eq!(code("nsfw"), "BASE_TYPE_BOOLEAN");
        assert_eq!(code("parent_id"), "NUMBER_TYPE_COERCE");
        assert_eq!(
            errors["type"]["_errors"][0]["message"],
            "Value must be one of {0, 2, 4, 5, 13, 15, 16}."
        );
    }

    #[test]
    fn forum_topics_may_be_longer() {
        let topic = "t".repeat(4096);
        assert!(create(json!({"name": "f", "type": 15, "topic": topic})).is_ok());
        assert!(create(json!({"name": "t", "type": 0, "topic": topic})).is_err());
    }

    #[test]
    fn parents_must_be_categories_of_the_guild() {
        let fields = create(json!({"name": "c", "parent_id": CATEGORY_ID.to_string()})).unwrap();
        assert_eq!(fields.parent_id, Some(Some(CATEGORY_ID)));
        let code = |result| errors(result)["parent_id"]["_errors"][0]["code"].clone();
        assert_eq!(
            code(create(
                json!({"name": "c", "parent_id": GENERAL.to_string()})
            )),
            "CHANNEL_PARENT_INVALID_TYPE"
        );
        assert_eq!(
            code(create(json!({"name": "c", "parent_id": "42"}))),
            "CHANNEL_PARENT_INVALID"
        );
        assert_eq!(
            code(create(
                json!({"name": "c", "type": 4, "parent_id": CATEGORY_ID.to_string()})
            )),
            "CHANNEL_PARENT_INVALID_TYPE"
        );
        // null takes a channel out of its category.
        assert_eq!(
            modify(0, json!({"parent_id": null})).unwrap().parent_id,
            Some(None)
        );
    }

    #[test]
    fn modify_fields_and_nulls() {
        let fields = modify(
            0,
            json!({"name": 42, "topic": null, "position": "3", "nsfw": true, "type": 2}),
        )
        .unwrap();
        assert_eq!(
            fields,
            ChannelFields {
                name: Some("42".into()),
                kind: None,
                topic: Some(Value::Null),
                position: Some(3),
                nsfw: Some(true),
                parent_id: None,
            }
        );
        assert_eq!(
            errors(modify(0, json!({"name": null})))["name"]["_errors"][0]["code"],
            "BASE_TYPE_REQUIRED"
        );
        assert_eq!(
            errors(modify(0, json!([1])))["_errors"][0]["code"],
            "DICT_TYPE_CONVERT"
        );
    }

    #[test]
    fn new_channels_go_after_their_siblings() {
        let store = store();
        // The default fixture's top-level channels and the category's children.
        let top_level = next_position(&store, GUILD, None);
        let in_category = next_position(&store, GUILD, Some(CATEGORY_ID));
        let highest = |parent: Option<u64>| {
            store
                .channels
                .values()
                .filter(|c| c.object.get("parent_id").and_then(parse_snowflake) == parent)
                .filter(|c| c.owner_guild() == Some(GUILD))
                .filter_map(|c| c.object["position"].as_u64())
                .max()
                .unwrap()
        };
        assert_eq!(top_level, highest(None) + 1);
        assert_eq!(in_category, highest(Some(CATEGORY_ID)) + 1);
        assert_eq!(next_position(&store, 42, None), 0);
    }

    #[test]
    fn dm_and_restricted_channels_cannot_be_managed() {
        let mut store = store();
        let dm = store.open_dm(200_000_000_000_000_001);
        assert_eq!(managed_channel(&store, dm), Err(ApiError::DmChannelAction));
        assert_eq!(
            managed_channel(&store, 400_000_000_000_000_007),
            Err(ApiError::MissingAccess)
        );
        assert_eq!(
            managed_channel(&store, 400_000_000_000_000_008),
            Err(ApiError::MissingPermissions)
        );
        assert_eq!(managed_channel(&store, 42), Err(ApiError::UnknownChannel));
        assert_eq!(managed_channel(&store, GENERAL), Ok((GUILD, 0)));
    }
}
