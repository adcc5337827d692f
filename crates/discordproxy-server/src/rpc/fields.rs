//! Checks of request fields shared by the RPCs, made before any Discord request.

use crate::discord::route::Emoji;
use crate::error::{Error, Result};

/// A required snowflake: 0 (unset) is refused before any Discord request.
///
/// # Errors
/// [`Error::InvalidArgument`] naming `field`.
pub(super) fn required_id(value: u64, field: &str) -> Result<u64> {
    if value == 0 {
        return Err(Error::InvalidArgument(format!(
            "{field} must be set to a Discord snowflake (got 0)"
        )));
    }
    Ok(value)
}

/// A required emoji (a Unicode emoji or `name:id`): empty is refused before any Discord
/// request.
///
/// # Errors
/// [`Error::InvalidArgument`] naming `emoji`.
pub(super) fn required_emoji(value: &str) -> Result<Emoji> {
    if value.is_empty() {
        return Err(Error::InvalidArgument(
            "emoji must be set to a Unicode emoji or a custom emoji as name:id (got \"\")".into(),
        ));
    }
    Ok(Emoji::new(value))
}

/// An optional snowflake: 0 means unset.
pub(super) fn optional_id(value: u64) -> Option<u64> {
    (value != 0).then_some(value)
}

/// At most one of the optional snowflakes `fields` (name, value; 0 = unset) may be set.
///
/// # Errors
/// [`Error::InvalidArgument`] naming the fields that are set.
pub(super) fn at_most_one(fields: &[(&str, u64)]) -> Result<()> {
    let set: Vec<&str> = fields
        .iter()
        .filter(|(_, value)| *value != 0)
        .map(|(name, _)| *name)
        .collect();
    if set.len() > 1 {
        let all: Vec<&str> = fields.iter().map(|(name, _)| *name).collect();
        return Err(Error::InvalidArgument(format!(
            "set at most one of {} (got {})",
            all.join(", "),
            set.join(" and ")
        )));
    }
    Ok(())
}

/// Snowflakes that must all be set.
///
/// # Errors
/// [`Error::InvalidArgument`] naming the first `field[i]` that is 0.
pub(super) fn required_ids(ids: &[u64], field: &str) -> Result<()> {
    match ids.iter().position(|id| *id == 0) {
        Some(index) => Err(Error::InvalidArgument(format!(
            "{field}[{index}] must be a Discord snowflake (got 0)"
        ))),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn invalid<T: std::fmt::Debug>(result: Result<T>) -> String {
        match result {
            Err(Error::InvalidArgument(text)) => text,
            other => panic!("expected INVALID_ARGUMENT, got {other:?}"),
        }
    }

    #[test]
    fn ids_of_zero_are_refused_naming_the_field() {
        assert_eq!(required_id(5, "channel_id").unwrap(), 5);
        assert!(invalid(required_id(0, "message_id")).starts_with("message_id "));
        assert_eq!(optional_id(0), None);
        assert_eq!(optional_id(9), Some(9));
    }

    #[test]
    fn an_empty_emoji_is_refused_naming_the_field() {
        assert_eq!(required_emoji("👍🏽").unwrap().as_str(), "👍🏽");
        assert!(invalid(required_emoji("")).starts_with("emoji "));
    }

    #[test]
    fn at_most_one_cursor() {
        at_most_one(&[("around", 0), ("before", 0), ("after", 0)]).unwrap();
        at_most_one(&[("around", 0), ("before", 3), ("after", 0)]).unwrap();
        let text = invalid(at_most_one(&[("around", 1), ("before", 0), ("after", 2)]));
        assert_eq!(
            text,
            "set at most one of around, before, after (got around and after)"
        );
    }

    #[test]
    fn required_ids_name_the_first_zero() {
        required_ids(&[1, 2, 1], "messages").unwrap();
        assert_eq!(
            invalid(required_ids(&[1, 0, 0], "messages")),
            "messages[1] must be a Discord snowflake (got 0)"
        );
    }
}
