//! Discord's documented limits on member requests, checked by the RPCs before any request and
//! refused the way Discord refuses them (400/50035 with the field path): nicknames, the page
//! size of List and Search Guild Members, and the timeout length.
//! <https://discord.com/developers/docs/resources/guild#modify-guild-member-json-params>

use crate::{discord::request::message::limits::FormErrors, error::Result};
use serde_json::Value;

/// `nick`: characters.
pub const NICK_MAX: usize = 32;
/// `limit` of List and Search Guild Members.
pub const MEMBER_PAGE: std::ops::RangeInclusive<i32> = 1..=1000;
/// `roles` of Add Guild Member: entries.
pub const ROLES_MAX: usize = 250;
/// `communication_disabled_until`: the furthest ahead, in seconds (28 days).
pub const TIMEOUT_MAX_SECONDS: i64 = 28 * 24 * 3600;

/// Checks a member body (as built by `convert::member_body`): `nick` at most 32 characters,
/// at most 250 `roles`. `null`s pass.
///
/// # Errors
/// [`Error::Discord`](crate::error::Error::Discord) 400/50035 naming every field over its
/// limit (gRPC `INVALID_ARGUMENT`).
pub fn check_member(body: &Value) -> Result<()> {
    let mut errors = FormErrors::default();
    errors.max_len(&["nick"], body.get("nick"), NICK_MAX);
    errors.max_items(&["roles"], body.get("roles"), ROLES_MAX);
    errors.into_result()
}

/// Checks a timeout end `until_unix` (seconds) against `now_unix`: at most 28 days ahead, as
/// Discord checks `communication_disabled_until`.
///
/// # Errors
/// [`Error::Discord`](crate::error::Error::Discord) 400/50035 on
/// `communication_disabled_until`.
pub fn check_timeout(until_unix: i64, now_unix: i64) -> Result<()> {
    let mut errors = FormErrors::default();
    if until_unix - now_unix > TIMEOUT_MAX_SECONDS {
        errors.add(
            &["communication_disabled_until"],
            "BASE_TYPE_BAD_TIME",
            "Timeout can not be longer than 28 days.".into(),
        );
    }
    errors.into_result()
}

/// Checks the `limit` of List and Search Guild Members (1–1000; unset passes).
///
/// # Errors
/// [`Error::Discord`](crate::error::Error::Discord) 400/50035 naming `limit`.
pub fn check_member_page(limit: Option<i32>) -> Result<()> {
    crate::discord::request::message::limits::check_limit(limit, MEMBER_PAGE)
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
    fn nicknames_pages_and_timeouts_are_checked_like_discord() {
        check_member(&json!({"nick": "n".repeat(32), "roles": ["1"]})).unwrap();
        check_member(&json!({"nick": null})).unwrap();
        assert_eq!(
            text(check_member(&json!({"nick": "n".repeat(33)}))),
            "Invalid Form Body\nIn nick: Must be 32 or fewer in length."
        );
        check_member_page(Some(1000)).unwrap();
        check_member_page(None).unwrap();
        assert!(
            text(check_member_page(Some(0)))
                .contains("In limit: int value should be greater than or equal to 1.")
        );
        assert!(
            text(check_member_page(Some(1001)))
                .contains("In limit: int value should be less than or equal to 1000.")
        );
        check_timeout(TIMEOUT_MAX_SECONDS, 0).unwrap();
        assert!(
            text(check_timeout(TIMEOUT_MAX_SECONDS + 1, 0))
                .contains("In communication_disabled_until:")
        );
    }
}
