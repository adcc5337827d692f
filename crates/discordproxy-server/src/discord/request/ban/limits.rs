//! Discord's documented limits on ban requests, checked by the RPCs before any request and
//! refused the way Discord refuses them (400/50035 with the field path).
//! <https://discord.com/developers/docs/resources/guild#create-guild-ban-json-params>

use crate::{discord::request::message::limits::FormErrors, error::Result};
use serde_json::Value;

/// `delete_message_seconds`: at most 7 days.
pub const DELETE_MESSAGE_SECONDS: std::ops::RangeInclusive<i64> = 0..=604_800;
/// `limit` of Get Guild Bans.
pub const BAN_PAGE: std::ops::RangeInclusive<i32> = 1..=1000;
/// `user_ids` of Bulk Guild Ban: entries.
pub const BULK_USERS: std::ops::RangeInclusive<usize> = 1..=200;

/// Checks a ban body: `delete_message_seconds` 0–604800 and (bulk ban) 1–200 `user_ids`.
///
/// # Errors
/// [`Error::Discord`](crate::error::Error::Discord) 400/50035 naming every field over its
/// limit (gRPC `INVALID_ARGUMENT`).
pub fn check_ban(body: &Value) -> Result<()> {
    let mut errors = FormErrors::default();
    match body.get("delete_message_seconds").and_then(Value::as_i64) {
        Some(seconds) if seconds < *DELETE_MESSAGE_SECONDS.start() => errors.add(
            &["delete_message_seconds"],
            "NUMBER_TYPE_MIN",
            "int value should be greater than or equal to 0.".into(),
        ),
        Some(seconds) if seconds > *DELETE_MESSAGE_SECONDS.end() => errors.add(
            &["delete_message_seconds"],
            "NUMBER_TYPE_MAX",
            format!(
                "int value should be less than or equal to {}.",
                DELETE_MESSAGE_SECONDS.end()
            ),
        ),
        _ => {}
    }
    if let Some(ids) = body.get("user_ids").and_then(Value::as_array) {
        if ids.len() < *BULK_USERS.start() {
            errors.add(
                &["user_ids"],
                "BASE_TYPE_MIN_LENGTH",
                format!("Must be {} or more in length.", BULK_USERS.start()),
            );
        }
        errors.max_items(
            &["user_ids"],
            Some(&Value::Array(ids.clone())),
            *BULK_USERS.end(),
        );
    }
    errors.into_result()
}

/// Checks the `limit` of Get Guild Bans (1–1000; unset passes).
///
/// # Errors
/// [`Error::Discord`](crate::error::Error::Discord) 400/50035 naming `limit`.
pub fn check_ban_page(limit: Option<i32>) -> Result<()> {
    crate::discord::request::message::limits::check_limit(limit, BAN_PAGE)
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
            other => panic!("expected 50035, got {other:?}"),
        }
    }

    #[test]
    fn ban_bodies_and_pages_are_checked_like_discord() {
        check_ban(&json!({"delete_message_seconds": 604800})).unwrap();
        check_ban(&json!({"user_ids": vec!["1"; 200]})).unwrap();
        assert_eq!(
            text(check_ban(&json!({"delete_message_seconds": 604801}))),
            "Invalid Form Body\nIn delete_message_seconds: int value should be less than or equal to 604800."
        );
        assert!(
            text(check_ban(&json!({"user_ids": vec!["1"; 201]})))
                .contains("In user_ids: Must be 200 or fewer in length.")
        );
        assert!(
            text(check_ban(&json!({"user_ids": []})))
                .contains("In user_ids: Must be 1 or more in length.")
        );
        check_ban_page(Some(1000)).unwrap();
        assert!(text(check_ban_page(Some(0))).contains("In limit:"));
    }
}
