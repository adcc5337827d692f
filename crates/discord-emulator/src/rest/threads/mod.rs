//! Threads ([docs](https://discord.com/developers/docs/topics/threads)), one file per group of
//! routes:
//!
//! - [`create`]: Start Thread from Message (`POST /channels/{channel.id}/messages/{message.id}/threads`),
//!   Start Thread without Message and Start Thread in Forum or Media Channel
//!   (`POST /channels/{channel.id}/threads`)
//! - [`members`]: Join/Leave Thread, Add/Remove/Get Thread Member, List Thread Members
//!   (`/channels/{channel.id}/thread-members…`)
//! - [`list`]: List Active Guild Threads and the three archived-thread lists
//!
//! A thread is a channel of type 10, 11 or 12 of its parent's guild (with the parent's
//! `emulator_access`); it is not in the guild's channel list (`GET /guilds/{id}/channels`), as on
//! Discord. Its members are [`Store::thread_members`]. Gateway events go out while the store is
//! locked (see `crate::gateway`'s thread hooks).

mod create;
mod list;
mod members;

pub(super) use create::{start_thread, start_thread_from_message, start_webhook_post};
pub(super) use list::{
    list_active_guild_threads, list_joined_private_archived_threads, list_private_archived_threads,
    list_public_archived_threads,
};
pub(super) use members::{
    add_thread_member, get_thread_member, join_thread, leave_thread, list_thread_members,
    remove_thread_member,
};

use serde_json::{Map, Value, json};

use crate::error::{ApiError, FormErrors};
use crate::fixture::Object;
use crate::store::{Store, ThreadMember, is_thread};
use crate::timestamp::format_timestamp_ms;

/// `auto_archive_duration` values Discord accepts, in minutes.
pub(crate) const AUTO_ARCHIVE_DURATIONS: [u64; 4] = [60, 1440, 4320, 10080];
/// The `auto_archive_duration` of a thread whose body and parent set none.
const DEFAULT_AUTO_ARCHIVE: u64 = 4320;
/// Largest `rate_limit_per_user`, in seconds.
const RATE_LIMIT_MAX: u64 = 21600;
/// Most `applied_tags` a forum post may have.
const APPLIED_TAGS_MAX: usize = 5;
/// Thread name length, in characters.
const NAME_LENGTH: std::ops::RangeInclusive<usize> = 1..=100;

/// Channel type ANNOUNCEMENT_THREAD.
pub(crate) const ANNOUNCEMENT_THREAD: u64 = 10;
/// Channel type PUBLIC_THREAD.
pub(crate) const PUBLIC_THREAD: u64 = 11;
/// Channel type PRIVATE_THREAD.
pub(crate) const PRIVATE_THREAD: u64 = 12;

/// The validated fields of a thread create body.
#[derive(Debug, Default, PartialEq)]
pub(crate) struct ThreadFields {
    pub(crate) name: String,
    pub(crate) auto_archive_duration: Option<u64>,
    pub(crate) rate_limit_per_user: Option<u64>,
    /// `type` (Start Thread without Message only).
    pub(crate) kind: Option<u64>,
    pub(crate) invitable: Option<bool>,
    /// `applied_tags` (forum posts only).
    pub(crate) applied_tags: Vec<u64>,
}

/// What a body is validated for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Body {
    /// Start Thread from Message: `name`, `auto_archive_duration`, `rate_limit_per_user`.
    FromMessage,
    /// Start Thread without Message: also `type` and `invitable`.
    WithoutMessage,
    /// Start Thread in Forum or Media Channel: also `applied_tags` (and `message`, checked by
    /// the caller).
    Forum,
}

/// The body as an object (absent or null: empty), else Discord's DICT_TYPE_CONVERT.
pub(crate) fn body_object(body: Option<&Value>) -> Result<Map<String, Value>, ApiError> {
    match body {
        None | Some(Value::Null) => Ok(Map::new()),
        Some(Value::Object(body)) => Ok(body.clone()),
        Some(_) => Err(ApiError::form(
            &[],
            "DICT_TYPE_CONVERT",
            "Only dictionaries may be used in a DictType",
        )),
    }
}

/// An integer or an integer in a string, as Discord coerces them.
fn integer(value: &Value) -> Option<i64> {
    value
        .as_i64()
        .or_else(|| value.as_str().and_then(|text| text.trim().parse().ok()))
}

/// `Value "x" is not int.`
fn not_int(value: &Value) -> String {
    match value {
        Value::String(text) => format!("Value \"{text}\" is not int."),
        other => format!("Value \"{other}\" is not int."),
    }
}

/// Validates a thread create body like Discord: every failing field at once in a 50035,
/// recorded into `errors`. Unknown keys are ignored.
pub(crate) fn thread_fields(
    body: &Map<String, Value>,
    target: Body,
    errors: &mut FormErrors,
) -> ThreadFields {
    let mut fields = ThreadFields::default();
    let mut error = |key: &str, code: &str, message: String| {
        errors.add([key.to_owned()], code, message);
    };
    match body.get("name") {
        None | Some(Value::Null) => error(
            "name",
            "BASE_TYPE_REQUIRED",
            "This field is required".into(),
        ),
        Some(value) => {
            let name = match value {
                Value::String(text) => Some(text.clone()),
                Value::Number(number) => Some(number.to_string()),
                _ => None,
            };
            match name {
                Some(name) if NAME_LENGTH.contains(&name.chars().count()) => fields.name = name,
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
            }
        }
    }
    match body.get("auto_archive_duration") {
        None | Some(Value::Null) => {}
        Some(value) => match integer(value) {
            Some(minutes)
                if u64::try_from(minutes).is_ok_and(|m| AUTO_ARCHIVE_DURATIONS.contains(&m)) =>
            {
                fields.auto_archive_duration = Some(minutes.unsigned_abs());
            }
            Some(_) => error(
                "auto_archive_duration",
                "BASE_TYPE_CHOICES",
                "Value must be one of {60, 1440, 4320, 10080}.".into(),
            ),
            None => error(
                "auto_archive_duration",
                "NUMBER_TYPE_COERCE",
                not_int(value),
            ),
        },
    }
    match body.get("rate_limit_per_user") {
        None | Some(Value::Null) => {}
        Some(value) => match integer(value) {
            Some(seconds) if seconds < 0 => error(
                "rate_limit_per_user",
                "NUMBER_TYPE_MIN",
                "int value should be greater than or equal to 0.".into(),
            ),
            Some(seconds) if seconds.unsigned_abs() > RATE_LIMIT_MAX => error(
                "rate_limit_per_user",
                "NUMBER_TYPE_MAX",
                format!("int value should be less than or equal to {RATE_LIMIT_MAX}."),
            ),
            Some(seconds) => fields.rate_limit_per_user = Some(seconds.unsigned_abs()),
            None => error("rate_limit_per_user", "NUMBER_TYPE_COERCE", not_int(value)),
        },
    }
    if target == Body::WithoutMessage {
        match body.get("type") {
            None | Some(Value::Null) => {}
            Some(value) => match integer(value) {
                Some(kind) if u64::try_from(kind).is_ok_and(is_thread) => {
                    fields.kind = Some(kind.unsigned_abs());
                }
                Some(_) => error(
                    "type",
                    "BASE_TYPE_CHOICES",
                    "Value must be one of {10, 11, 12}.".into(),
                ),
                None => error("type", "NUMBER_TYPE_COERCE", not_int(value)),
            },
        }
        match body.get("invitable") {
            None | Some(Value::Null) => {}
            Some(Value::Bool(invitable)) => fields.invitable = Some(*invitable),
            Some(_) => error(
                "invitable",
                "BASE_TYPE_BOOLEAN",
                "Must be either true or false.".into(),
            ),
        }
    }
    if target == Body::Forum {
        match body.get("applied_tags") {
            None | Some(Value::Null) => {}
            Some(Value::Array(tags)) => {
                if tags.len() > APPLIED_TAGS_MAX {
                    error(
                        "applied_tags",
                        "BASE_TYPE_MAX_LENGTH",
                        format!("Must be {APPLIED_TAGS_MAX} or fewer in length."),
                    );
                }
                for (index, tag) in tags.iter().enumerate() {
                    match crate::snowflake::parse_snowflake(tag) {
                        Some(id) => fields.applied_tags.push(id),
                        None => errors.add(
                            ["applied_tags".to_owned(), index.to_string()],
                            "NUMBER_TYPE_COERCE",
                            format!("Value \"{tag}\" is not snowflake."),
                        ),
                    }
                }
            }
            Some(_) => error("applied_tags", "BASE_TYPE_LIST", "Must be a list.".into()),
        }
    }
    fields
}

/// Where a new thread goes and who starts it.
pub(crate) struct NewThread<'a> {
    pub(crate) id: u64,
    pub(crate) kind: u64,
    pub(crate) guild_id: u64,
    pub(crate) parent: &'a Object,
    pub(crate) owner_id: u64,
    pub(crate) fields: ThreadFields,
    pub(crate) now_ms: u64,
    /// Whether the thread is a forum or media post (it gets `applied_tags`).
    pub(crate) forum: bool,
}

/// A new thread's channel object, in Discord's key order
/// ([thread fields](https://discord.com/developers/docs/resources/channel#channel-object)).
pub(crate) fn thread_object(thread: NewThread<'_>) -> Object {
    let NewThread {
        id,
        kind,
        guild_id,
        parent,
        owner_id,
        fields,
        now_ms,
        forum,
    } = thread;
    let auto_archive = fields
        .auto_archive_duration
        .or_else(|| {
            parent
                .get("default_auto_archive_duration")
                .and_then(Value::as_u64)
        })
        .unwrap_or(DEFAULT_AUTO_ARCHIVE);
    let rate_limit = fields.rate_limit_per_user.unwrap_or_else(|| {
        if forum {
            parent
                .get("default_thread_rate_limit_per_user")
                .and_then(Value::as_u64)
                .unwrap_or(0)
        } else {
            0
        }
    });
    let now = format_timestamp_ms(now_ms);
    let mut metadata = Map::new();
    metadata.insert("archived".into(), json!(false));
    metadata.insert("archive_timestamp".into(), json!(now));
    metadata.insert("auto_archive_duration".into(), json!(auto_archive));
    metadata.insert("locked".into(), json!(false));
    metadata.insert("create_timestamp".into(), json!(now));
    if kind == PRIVATE_THREAD {
        metadata.insert("invitable".into(), json!(fields.invitable.unwrap_or(true)));
    }
    let parent_id = parent.get("id").cloned().unwrap_or(Value::Null);
    let mut object = Map::new();
    object.insert("id".into(), json!(id.to_string()));
    object.insert("type".into(), json!(kind));
    object.insert("last_message_id".into(), Value::Null);
    object.insert("flags".into(), json!(0));
    object.insert("guild_id".into(), json!(guild_id.to_string()));
    object.insert("name".into(), json!(fields.name));
    object.insert("parent_id".into(), parent_id);
    object.insert("rate_limit_per_user".into(), json!(rate_limit));
    object.insert("bitrate".into(), json!(64000));
    object.insert("user_limit".into(), json!(0));
    object.insert("rtc_region".into(), Value::Null);
    object.insert("owner_id".into(), json!(owner_id.to_string()));
    object.insert("thread_metadata".into(), Value::Object(metadata));
    object.insert("message_count".into(), json!(0));
    object.insert("member_count".into(), json!(0));
    object.insert("total_message_sent".into(), json!(0));
    if forum {
        let tags: Vec<Value> = fields
            .applied_tags
            .iter()
            .map(|tag| json!(tag.to_string()))
            .collect();
        object.insert("applied_tags".into(), Value::Array(tags));
    }
    object
}

/// Whether a thread object is archived.
pub(crate) fn archived(object: &Object) -> bool {
    object
        .get("thread_metadata")
        .and_then(|metadata| metadata.get("archived"))
        .and_then(Value::as_bool)
        .unwrap_or(false)
}

/// Whether a thread object is locked.
pub(crate) fn locked(object: &Object) -> bool {
    object
        .get("thread_metadata")
        .and_then(|metadata| metadata.get("locked"))
        .and_then(Value::as_bool)
        .unwrap_or(false)
}

/// Unarchives thread `thread_id` if it is archived (`archive_timestamp` now); whether it was.
pub(crate) fn unarchive(store: &mut Store, thread_id: u64) -> bool {
    let Some(channel) = store.channels.get_mut(&thread_id) else {
        return false;
    };
    if !is_thread(channel.kind) || !archived(&channel.object) {
        return false;
    }
    if let Some(Value::Object(metadata)) = channel.object.get_mut("thread_metadata") {
        metadata.insert("archived".into(), json!(false));
        metadata.insert(
            "archive_timestamp".into(),
            json!(format_timestamp_ms(crate::timestamp::now_ms())),
        );
    }
    true
}

/// The thread's `archive_timestamp` in Unix milliseconds (0 when absent or unreadable).
pub(crate) fn archive_ms(object: &Object) -> u64 {
    object
        .get("thread_metadata")
        .and_then(|metadata| metadata.get("archive_timestamp"))
        .and_then(Value::as_str)
        .and_then(|text| {
            time::OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339).ok()
        })
        .and_then(|time| u64::try_from(time.unix_timestamp_nanos() / 1_000_000).ok())
        .unwrap_or(0)
}

/// A thread member object `{"id", "user_id", "join_timestamp", "flags"}`, plus the guild
/// `member` (with its `user`) when `with_member` and the user is a member of the guild.
pub(crate) fn thread_member_value(
    store: &Store,
    thread_id: u64,
    guild_id: u64,
    member: &ThreadMember,
    with_member: bool,
) -> Value {
    let mut value = member.to_value(thread_id);
    let Some(object) = value.as_object_mut() else {
        return value;
    };
    if with_member && let Some(guild_member) = guild_member(store, guild_id, member.user_id) {
        object.insert("member".into(), Value::Object(guild_member.clone()));
    }
    value
}

/// The guild member object of `user_id` (with the full `user`).
pub(crate) fn guild_member(store: &Store, guild_id: u64, user_id: u64) -> Option<&Object> {
    store.guilds.get(&guild_id)?.members.iter().find(|member| {
        member
            .get("user")
            .and_then(|user| user.get("id"))
            .and_then(crate::snowflake::parse_snowflake)
            == Some(user_id)
    })
}

/// Adds `user_id` to thread `thread_id` (now); `false` when already a member. Keeps the
/// thread's `member_count` (which stops at 50, as on Discord).
pub(crate) fn add_member(store: &mut Store, thread_id: u64, user_id: u64, now_ms: u64) -> bool {
    let members = store.thread_members.entry(thread_id).or_default();
    if members.iter().any(|member| member.user_id == user_id) {
        return false;
    }
    members.push(ThreadMember {
        user_id,
        join_ms: now_ms,
        flags: 0,
    });
    sync_member_count(store, thread_id);
    true
}

/// Removes `user_id` from thread `thread_id`; `false` when not a member.
pub(crate) fn remove_member(store: &mut Store, thread_id: u64, user_id: u64) -> bool {
    let Some(members) = store.thread_members.get_mut(&thread_id) else {
        return false;
    };
    let before = members.len();
    members.retain(|member| member.user_id != user_id);
    let removed = members.len() != before;
    sync_member_count(store, thread_id);
    removed
}

/// Writes the thread's `member_count` (at most 50).
fn sync_member_count(store: &mut Store, thread_id: u64) {
    let count = store
        .thread_members
        .get(&thread_id)
        .map_or(0, Vec::len)
        .min(50);
    if let Some(thread) = store.channels.get_mut(&thread_id) {
        thread.object.insert("member_count".into(), json!(count));
    }
}

/// The membership of `user_id` in thread `thread_id`.
pub(crate) fn membership(store: &Store, thread_id: u64, user_id: u64) -> Option<ThreadMember> {
    store
        .thread_members
        .get(&thread_id)?
        .iter()
        .find(|member| member.user_id == user_id)
        .copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(body: Value, target: Body) -> (ThreadFields, Value) {
        let mut errors = FormErrors::default();
        let fields = thread_fields(body.as_object().unwrap(), target, &mut errors);
        (fields, errors.to_value())
    }

    #[test]
    fn bodies_are_checked_field_by_field() {
        let (fields, errors) = check(
            json!({"name": "t", "auto_archive_duration": 60, "rate_limit_per_user": 5,
                   "type": 11, "invitable": false}),
            Body::WithoutMessage,
        );
        assert_eq!(errors, json!({}));
        assert_eq!(fields.kind, Some(11));
        assert_eq!(fields.auto_archive_duration, Some(60));
        let (_, errors) = check(
            json!({"name": "", "auto_archive_duration": 61, "rate_limit_per_user": 21601,
                   "type": 0, "invitable": "x"}),
            Body::WithoutMessage,
        );
        let code = |key: &str| errors[key]["_errors"][0]["code"].clone();
        assert_eq!(code("name"), "BASE_TYPE_BAD_LENGTH");
        assert_eq!(code("auto_archive_duration"), "BASE_TYPE_CHOICES");
        assert_eq!(code("rate_limit_per_user"), "NUMBER_TYPE_MAX");
        assert_eq!(code("type"), "BASE_TYPE_CHOICES");
        assert_eq!(code("invitable"), "BASE_TYPE_BOOLEAN");
        // `type` is not read by Start Thread from Message.
        let (_, errors) = check(json!({"name": "t", "type": 0}), Body::FromMessage);
        assert_eq!(errors, json!({}));
        let (_, errors) = check(json!({}), Body::FromMessage);
        assert_eq!(errors["name"]["_errors"][0]["code"], "BASE_TYPE_REQUIRED");
        let (_, errors) = check(
            json!({"name": "t", "applied_tags": ["1", "2", "3", "4", "5", "6"]}),
            Body::Forum,
        );
        assert_eq!(
            errors["applied_tags"]["_errors"][0]["message"],
            "Must be 5 or fewer in length."
        );
    }
}
