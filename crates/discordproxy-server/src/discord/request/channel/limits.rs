//! Discord's documented limits on Modify Channel and Create Guild Channel bodies, checked by
//! the RPCs before any request and refused the way Discord refuses them (400/50035 with the
//! field path, like the [message limits](crate::discord::request::message::limits)).
//! <https://discord.com/developers/docs/resources/channel#modify-channel-json-params-guild-channel>

use crate::{discord::request::message::limits::FormErrors, error::Result};
use serde_json::Value;

/// `name`: characters.
pub const NAME_LENGTH: std::ops::RangeInclusive<usize> = 1..=100;
/// `topic` of text, announcement and stage channels: characters.
pub const TOPIC_MAX: usize = 1024;
/// `topic` of forum and media channels (and the bound when the type is not known).
pub const FORUM_TOPIC_MAX: usize = 4096;
/// `rate_limit_per_user`: seconds.
pub const SLOWMODE: std::ops::RangeInclusive<i64> = 0..=21600;
/// `bitrate`: the least bits per second.
pub const BITRATE_MIN: i64 = 8000;
/// `permission_overwrites`: entries.
pub const OVERWRITES_MAX: usize = 100;
/// `default_auto_archive_duration`: the minutes Discord accepts.
pub const AUTO_ARCHIVE_DURATIONS: [i64; 4] = [60, 1440, 4320, 10080];

/// Checks a channel body (as built by `convert::channel_body`): `name` 1–100 characters,
/// `topic` at most 1024 characters (4096 when `type` is forum 15 or media 16, or when the body
/// has no `type`: Discord checks a modify by the channel's own type), `position`, `user_limit`
/// ≥ 0, `rate_limit_per_user` 0–21600, `bitrate` ≥ 8000, at most 100
/// `permission_overwrites`, `default_auto_archive_duration` one of 60, 1440, 4320, 10080.
/// `null`s pass.
///
/// # Errors
/// [`Error::Discord`](crate::error::Error::Discord) 400/50035 naming every field over its
/// limit (gRPC `INVALID_ARGUMENT`).
pub fn check_channel_settings(body: &Value) -> Result<()> {
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
    let topic_max = match body.get("type").and_then(Value::as_i64) {
        Some(15 | 16) | None => FORUM_TOPIC_MAX,
        Some(_) => TOPIC_MAX,
    };
    errors.max_len(&["topic"], body.get("topic"), topic_max);
    for field in ["position", "user_limit"] {
        min(&mut errors, body, field, 0);
    }
    min(&mut errors, body, "rate_limit_per_user", *SLOWMODE.start());
    if let Some(value) = body.get("rate_limit_per_user").and_then(Value::as_i64)
        && value > *SLOWMODE.end()
    {
        errors.add(
            &["rate_limit_per_user"],
            "NUMBER_TYPE_MAX",
            format!(
                "int value should be less than or equal to {}.",
                SLOWMODE.end()
            ),
        );
    }
    min(&mut errors, body, "bitrate", BITRATE_MIN);
    errors.max_items(
        &["permission_overwrites"],
        body.get("permission_overwrites"),
        OVERWRITES_MAX,
    );
    if let Some(value) = body
        .get("default_auto_archive_duration")
        .and_then(Value::as_i64)
        && !AUTO_ARCHIVE_DURATIONS.contains(&value)
    {
        let choices: Vec<String> = AUTO_ARCHIVE_DURATIONS.iter().map(i64::to_string).collect();
        errors.add(
            &["default_auto_archive_duration"],
            "BASE_TYPE_CHOICES",
            format!("Value must be one of {{{}}}.", choices.join(", ")),
        );
    }
    errors.into_result()
}

/// An integer below `least` is refused as Discord refuses it.
fn min(errors: &mut FormErrors, body: &Value, field: &str, least: i64) {
    if let Some(value) = body.get(field).and_then(Value::as_i64)
        && value < least
    {
        errors.add(
            &[field],
            "NUMBER_TYPE_MIN",
            format!("int value should be greater than or equal to {least}."),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::{DiscordHttpError, Error};
    use serde_json::json;

    fn refused(body: Value) -> DiscordHttpError {
        match check_channel_settings(&body) {
            Err(Error::Discord(error)) => error,
            other => panic!("expected a refusal, got {other:?}"),
        }
    }

    #[test]
    fn settings_within_the_limits_pass() {
        let body = json!({"name": "é".repeat(100), "topic": "t".repeat(1024), "type": 0,
            "position": 0, "rate_limit_per_user": 21600, "bitrate": 8000, "user_limit": 0,
            "default_auto_archive_duration": 10080, "parent_id": null, "nsfw": null});
        check_channel_settings(&body).unwrap();
        check_channel_settings(&json!({"topic": "t".repeat(4096)})).unwrap();
        check_channel_settings(&json!({"topic": null, "position": null})).unwrap();
    }

    #[test]
    fn the_name_is_1_to_100_characters() {
        for name in [String::new(), "n".repeat(101)] {
            let error = refused(json!({ "name": name }));
            assert_eq!((error.status, error.code), (400, 50035));
            assert_eq!(
                error.text,
                "Invalid Form Body\nIn name: Must be between 1 and 100 in length."
            );
        }
    }

    #[test]
    fn every_field_over_its_limit_is_named() {
        let error = refused(json!({"type": 0, "topic": "t".repeat(1025), "position": -1,
            "rate_limit_per_user": 21601, "bitrate": 7999, "user_limit": -1,
            "permission_overwrites": vec![json!({"id": "1"}); 101],
            "default_auto_archive_duration": 30}));
        for line in [
            "In topic: Must be 1024 or fewer in length.",
            "In position: int value should be greater than or equal to 0.",
            "In rate_limit_per_user: int value should be less than or equal to 21600.",
            "In bitrate: int value should be greater than or equal to 8000.",
            "In user_limit: int value should be greater than or equal to 0.",
            "In permission_overwrites: Must be 100 or fewer in length.",
            "In default_auto_archive_duration: Value must be one of {60, 1440, 4320, 10080}.",
        ] {
            assert!(
                error.text.contains(line),
                "{line} missing in {}",
                error.text
            );
        }
        let error = refused(json!({"type": 15, "topic": "t".repeat(4097)}));
        assert!(
            error
                .text
                .ends_with("In topic: Must be 4096 or fewer in length.")
        );
    }
}
