//! Discord's documented limits on Create Guild Role and Modify Guild Role bodies, checked by the
//! RPCs before any request and refused the way Discord refuses them (400/50035 with the field
//! path).
//! <https://discord.com/developers/docs/resources/guild#create-guild-role-json-params>

use crate::{discord::request::message::limits::FormErrors, error::Result};
use serde_json::Value;

/// `name`: characters.
pub const NAME_LENGTH: std::ops::RangeInclusive<usize> = 1..=100;
/// `color`: the largest RGB value.
pub const COLOR_MAX: i64 = 0xFF_FFFF;
/// `unicode_emoji`: characters.
pub const UNICODE_EMOJI_MAX: usize = 100;

/// Checks a role body (as built by `convert::role_body`): `name` 1–100 characters, `color`
/// 0–16777215, `unicode_emoji` at most 100 characters. `null`s pass.
///
/// # Errors
/// [`Error::Discord`](crate::error::Error::Discord) 400/50035 naming every field over its
/// limit (gRPC `INVALID_ARGUMENT`).
pub fn check_role(body: &Value) -> Result<()> {
    let mut errors = FormErrors::default();
    if let Some(name) = body.get("name").and_then(Value::as_str)
        && !NAME_LENGTH.contains(&name.chars().count())
    {
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
    match body.get("color").and_then(Value::as_i64) {
        Some(color) if color < 0 => errors.add(
            &["color"],
            "NUMBER_TYPE_MIN",
            "int value should be greater than or equal to 0.".into(),
        ),
        Some(color) if color > COLOR_MAX => errors.add(
            &["color"],
            "NUMBER_TYPE_MAX",
            format!("int value should be less than or equal to {COLOR_MAX}."),
        ),
        _ => {}
    }
    errors.max_len(
        &["unicode_emoji"],
        body.get("unicode_emoji"),
        UNICODE_EMOJI_MAX,
    );
    errors.into_result()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Error;
    use serde_json::json;

    fn refused(body: Value) -> String {
        match check_role(&body) {
            Err(Error::Discord(error)) => {
                assert_eq!((error.status, error.code), (400, 50035));
                error.text
            }
            other => panic!("expected 50035, got {other:?}"),
        }
    }

    #[test]
    fn names_and_colors_are_checked_like_discord() {
        assert!(check_role(&json!({"name": "x".repeat(100), "color": 0xFFFFFF})).is_ok());
        assert!(check_role(&json!({"color": null, "name": null})).is_ok());
        let text = refused(json!({"name": "x".repeat(101), "color": 0x1000000}));
        assert!(
            text.contains("In name: Must be between 1 and 100 in length."),
            "{text}"
        );
        assert!(
            text.contains("In color: int value should be less than or equal to 16777215."),
            "{text}"
        );
        let text = refused(json!({"name": "", "color": -1}));
        assert!(
            text.contains("In color: int value should be greater than or equal to 0."),
            "{text}"
        );
    }
}
