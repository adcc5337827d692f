//! Discord's documented limits on thread bodies and list queries, checked by the RPCs before
//! any request and refused the way Discord refuses them (400/50035 with the field path, like
//! the [message limits](crate::discord::request::message::limits)).
//! <https://discord.com/developers/docs/resources/channel#start-thread-from-message>

use crate::{
    discord::request::channel::limits::{AUTO_ARCHIVE_DURATIONS, NAME_LENGTH, SLOWMODE},
    discord::request::message::limits::{self, FormErrors, check_message_fields},
    error::Result,
};
use serde_json::Value;

/// `applied_tags` of a forum or media post: entries.
pub const APPLIED_TAGS_MAX: usize = 5;
/// `limit` of List Thread Members: 1–100 (Discord's default: 100).
pub const MEMBERS_LIMIT: std::ops::RangeInclusive<i32> = 1..=100;
/// `limit` of the archived-thread lists: 2–100 (Discord's OpenAPI document).
pub const ARCHIVED_LIMIT: std::ops::RangeInclusive<i32> = 2..=100;

/// The checks of every thread create body, into `errors`.
fn thread_fields(errors: &mut FormErrors, body: &Value) {
    let length = body
        .get("name")
        .and_then(Value::as_str)
        .map_or(0, |name| name.chars().count());
    if !NAME_LENGTH.contains(&length) {
        errors.add(
            &["name"],
            "BASE_TYPE_BAD_LENGTH",
            format!(
                "Must be between {} and {} in length.",
                NAME_LENGTH.start(),
                NAME_LENGTH.end()
            ),
        );
    }
    if let Some(value) = body.get("auto_archive_duration").and_then(Value::as_i64)
        && !AUTO_ARCHIVE_DURATIONS.contains(&value)
    {
        let choices: Vec<String> = AUTO_ARCHIVE_DURATIONS.iter().map(i64::to_string).collect();
        errors.add(
            &["auto_archive_duration"],
            "BASE_TYPE_CHOICES",
            format!("Value must be one of {{{}}}.", choices.join(", ")),
        );
    }
    if let Some(value) = body.get("rate_limit_per_user").and_then(Value::as_i64) {
        if value < *SLOWMODE.start() {
            errors.add(
                &["rate_limit_per_user"],
                "NUMBER_TYPE_MIN",
                format!(
                    "int value should be greater than or equal to {}.",
                    SLOWMODE.start()
                ),
            );
        } else if value > *SLOWMODE.end() {
            errors.add(
                &["rate_limit_per_user"],
                "NUMBER_TYPE_MAX",
                format!(
                    "int value should be less than or equal to {}.",
                    SLOWMODE.end()
                ),
            );
        }
    }
    if let Some(value) = body.get("type").and_then(Value::as_i64)
        && !(10..=12).contains(&value)
    {
        errors.add(
            &["type"],
            "BASE_TYPE_CHOICES",
            "Value must be one of {10, 11, 12}.".into(),
        );
    }
}

/// Checks a Start Thread from Message or without Message body (as built by
/// `convert::thread`): `name` 1–100 characters, `auto_archive_duration` one of 60, 1440, 4320,
/// 10080, `rate_limit_per_user` 0–21600, `type` 10, 11 or 12.
///
/// # Errors
/// [`Error::Discord`](crate::error::Error::Discord) 400/50035 naming every field over its
/// limit (gRPC `INVALID_ARGUMENT`).
pub fn check_thread_settings(body: &Value) -> Result<()> {
    let mut errors = FormErrors::default();
    thread_fields(&mut errors, body);
    errors.into_result()
}

/// Checks a Start Thread in Forum or Media Channel body: the thread settings of
/// [`check_thread_settings`], at most 5 `applied_tags`, and the first `message` as a Create
/// Message body (content, embeds, stickers, allowed mentions), its errors under `message.…`.
///
/// # Errors
/// [`Error::Discord`](crate::error::Error::Discord) 400/50035 naming every field over its
/// limit (gRPC `INVALID_ARGUMENT`).
pub fn check_forum_thread(body: &Value) -> Result<()> {
    let mut errors = FormErrors::default();
    thread_fields(&mut errors, body);
    errors.max_items(
        &["applied_tags"],
        body.get("applied_tags"),
        APPLIED_TAGS_MAX,
    );
    if let Some(message) = body.get("message") {
        errors.set_prefix(&["message"]);
        check_message_fields(&mut errors, message);
    }
    errors.into_result()
}

/// Checks List Thread Members' `limit` (1–100).
///
/// # Errors
/// [`Error::Discord`](crate::error::Error::Discord) 400/50035 naming `limit` (gRPC
/// `INVALID_ARGUMENT`).
pub fn check_members_page(limit: Option<i32>) -> Result<()> {
    limits::check_limit(limit, MEMBERS_LIMIT)
}

/// Checks the archived-thread lists' `limit` (2–100).
///
/// # Errors
/// [`Error::Discord`](crate::error::Error::Discord) 400/50035 naming `limit` (gRPC
/// `INVALID_ARGUMENT`).
pub fn check_archived_page(limit: Option<i32>) -> Result<()> {
    limits::check_limit(limit, ARCHIVED_LIMIT)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Error;
    use serde_json::json;

    fn text(result: Result<()>) -> String {
        match result {
            Err(Error::Discord(error)) => {
                assert_eq!((error.status, error.code), (400, 50035));
                error.text
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn thread_settings() {
        check_thread_settings(&json!({"name": "t", "auto_archive_duration": 60,
            "rate_limit_per_user": 21600, "type": 11}))
        .unwrap();
        assert_eq!(
            text(check_thread_settings(&json!({"name": ""}))),
            "Invalid Form Body\nIn name: Must be between 1 and 100 in length."
        );
        let text = text(check_thread_settings(&json!({"name": "x".repeat(101),
            "auto_archive_duration": 30, "rate_limit_per_user": 21601, "type": 0})));
        for line in [
            "In name: Must be between 1 and 100 in length.",
            "In auto_archive_duration: Value must be one of {60, 1440, 4320, 10080}.",
            "In rate_limit_per_user: int value should be less than or equal to 21600.",
            "In type: Value must be one of {10, 11, 12}.",
        ] {
            assert!(text.contains(line), "{text}");
        }
    }

    #[test]
    fn forum_posts_check_their_message_under_message() {
        check_forum_thread(&json!({"name": "p", "message": {"content": "hi"}})).unwrap();
        let text = text(check_forum_thread(&json!({"name": "p",
            "applied_tags": ["1", "2", "3", "4", "5", "6"],
            "message": {"content": "x".repeat(2001)}})));
        assert!(
            text.contains("In message.content: Must be 2000 or fewer in length."),
            "{text}"
        );
        assert!(
            text.contains("In applied_tags: Must be 5 or fewer in length."),
            "{text}"
        );
    }

    #[test]
    fn page_limits() {
        check_members_page(Some(100)).unwrap();
        check_archived_page(None).unwrap();
        assert_eq!(
            text(check_members_page(Some(0))),
            "Invalid Form Body\nIn limit: int value should be greater than or equal to 1."
        );
        assert_eq!(
            text(check_archived_page(Some(1))),
            "Invalid Form Body\nIn limit: int value should be greater than or equal to 2."
        );
    }
}
