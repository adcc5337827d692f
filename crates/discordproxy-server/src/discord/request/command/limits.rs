//! Discord's documented limits on application-command bodies (Create, Edit, each entry of a
//! Bulk Overwrite), checked by the RPCs before any request and refused the way Discord refuses
//! them (400/50035 with the field path).
//! <https://discord.com/developers/docs/interactions/application-commands#application-command-naming>
//!
//! The count of commands (100 CHAT_INPUT per scope) is Discord's to check (400/30032).

use crate::{discord::request::message::limits::FormErrors, error::Result};
use serde_json::Value;

/// `name`: characters (every command type).
pub const NAME_LENGTH: std::ops::RangeInclusive<usize> = 1..=32;
/// `description` of a CHAT_INPUT command or an option: characters.
pub const DESCRIPTION_LENGTH: std::ops::RangeInclusive<usize> = 1..=100;
/// The most options of a command (or subcommand), and the most choices of an option.
pub const MAX_OPTIONS: usize = 25;
/// Command type CHAT_INPUT (the default).
pub const CHAT_INPUT: u64 = 1;

/// Whether `name` matches Discord's CHAT_INPUT name rule
/// `^[-_'\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$`, in lower case where a letter has a lower
/// case.
pub fn valid_chat_input_name(name: &str) -> bool {
    NAME_LENGTH.contains(&name.chars().count())
        && name.chars().all(|c| {
            (matches!(c, '-' | '_' | '\'' | '\u{0900}'..='\u{097F}' | '\u{0E00}'..='\u{0E7F}')
                || c.is_alphabetic()
                || c.is_numeric())
                && c.to_lowercase().eq(std::iter::once(c))
        })
}

fn length(
    errors: &mut FormErrors,
    path: &[String],
    value: Option<&Value>,
    range: &std::ops::RangeInclusive<usize>,
) {
    let path: Vec<&str> = path.iter().map(String::as_str).collect();
    if let Some(text) = value.and_then(Value::as_str)
        && !range.contains(&text.chars().count())
    {
        errors.add(
            &path,
            "BASE_TYPE_BAD_LENGTH",
            format!(
                "Must be between {} and {} in length.",
                range.start(),
                range.end()
            ),
        );
    }
}

fn name(errors: &mut FormErrors, path: &[String], value: Option<&Value>, chat_input: bool) {
    let Some(text) = value.and_then(Value::as_str) else {
        return;
    };
    if !NAME_LENGTH.contains(&text.chars().count()) {
        length(errors, path, value, &NAME_LENGTH);
    } else if chat_input && !valid_chat_input_name(text) {
        let path: Vec<&str> = path.iter().map(String::as_str).collect();
        errors.add(
            &path,
            "APPLICATION_COMMAND_INVALID_NAME",
            "Command name is invalid".into(),
        );
    }
}

fn at(path: &[String], key: &str) -> Vec<String> {
    let mut path = path.to_vec();
    path.push(key.to_owned());
    path
}

fn options(errors: &mut FormErrors, path: &[String], list: &[Value]) {
    let as_str: Vec<&str> = path.iter().map(String::as_str).collect();
    if list.len() > MAX_OPTIONS {
        errors.add(
            &as_str,
            "BASE_TYPE_MAX_LENGTH",
            format!("Must be {MAX_OPTIONS} or fewer in length."),
        );
    }
    let mut optional_seen = false;
    let mut misplaced = false;
    for (index, option) in list.iter().enumerate() {
        let here = at(path, &index.to_string());
        let kind = option.get("type").and_then(Value::as_u64).unwrap_or(0);
        name(errors, &at(&here, "name"), option.get("name"), true);
        length(
            errors,
            &at(&here, "description"),
            option.get("description"),
            &DESCRIPTION_LENGTH,
        );
        if (3..=11).contains(&kind) {
            let required = option.get("required").and_then(Value::as_bool) == Some(true);
            misplaced |= required && optional_seen;
            optional_seen |= !required;
        }
        if let Some(choices) = option.get("choices").and_then(Value::as_array) {
            let choices_path = at(&here, "choices");
            if choices.len() > MAX_OPTIONS {
                let p: Vec<&str> = choices_path.iter().map(String::as_str).collect();
                errors.add(
                    &p,
                    "BASE_TYPE_MAX_LENGTH",
                    format!("Must be {MAX_OPTIONS} or fewer in length."),
                );
            }
            for (number, choice) in choices.iter().enumerate() {
                let choice_path = at(&choices_path, &number.to_string());
                length(
                    errors,
                    &at(&choice_path, "name"),
                    choice.get("name"),
                    &(1..=100),
                );
            }
        }
        if let Some(nested) = option.get("options").and_then(Value::as_array) {
            options(errors, &at(&here, "options"), nested);
        }
    }
    if misplaced {
        errors.add(
            &as_str,
            "APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID",
            "Required options must be placed before non-required options".into(),
        );
    }
}

/// Checks one command body at `prefix` (empty for Create and Edit, `["3"]` for a bulk entry):
/// the name (1–32 characters; CHAT_INPUT: Discord's regex, lower case), the CHAT_INPUT
/// description (1–100), at most 25 options (same rules for their names and descriptions,
/// required ones first, at most 25 choices). `kind` is the command type when the body does not
/// say (Edit: 0, unknown: names are checked for length only).
pub(crate) fn check_command_at(
    errors: &mut FormErrors,
    prefix: &[String],
    body: &Value,
    kind: u64,
) {
    let kind = body.get("type").and_then(Value::as_u64).unwrap_or(kind);
    let chat_input = kind == CHAT_INPUT;
    name(errors, &at(prefix, "name"), body.get("name"), chat_input);
    if let Some(Value::Object(map)) = body.get("name_localizations") {
        for (locale, text) in map {
            name(
                errors,
                &at(&at(prefix, "name_localizations"), locale),
                Some(text),
                chat_input,
            );
        }
    }
    if chat_input {
        length(
            errors,
            &at(prefix, "description"),
            body.get("description"),
            &DESCRIPTION_LENGTH,
        );
    } else if kind == 0 {
        // An edit of a command whose type the body does not say: the upper bound only.
        length(
            errors,
            &at(prefix, "description"),
            body.get("description"),
            &(0..=100),
        );
    }
    if let Some(list) = body.get("options").and_then(Value::as_array) {
        options(errors, &at(prefix, "options"), list);
    }
}

/// Checks a Create or Edit body (see [`check_command_at`]).
///
/// # Errors
/// [`Error::Discord`](crate::error::Error::Discord) 400/50035 naming every field over its
/// limit (gRPC `INVALID_ARGUMENT`).
pub fn check_command(body: &Value, kind: u64) -> Result<()> {
    let mut errors = FormErrors::default();
    check_command_at(&mut errors, &[], body, kind);
    errors.into_result()
}

/// Checks every entry of a Bulk Overwrite body, errors under the entry's index.
///
/// # Errors
/// As [`check_command`].
pub fn check_commands(list: &[Value]) -> Result<()> {
    let mut errors = FormErrors::default();
    for (index, body) in list.iter().enumerate() {
        check_command_at(&mut errors, &[index.to_string()], body, CHAT_INPUT);
    }
    errors.into_result()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Error;
    use serde_json::json;

    fn refused(result: Result<()>) -> String {
        match result {
            Err(Error::Discord(error)) => {
                assert_eq!((error.status, error.code), (400, 50035));
                error.text
            }
            other => panic!("expected 50035, got {other:?}"),
        }
    }

    #[test]
    fn names_follow_discords_rule() {
        for good in ["ping", "add-family", "设置", "नमस्ते", "ทดสอบ", "o'clock"]
        {
            assert!(valid_chat_input_name(good), "{good}");
        }
        for bad in ["Ping", "two words", "", "dot.name"] {
            assert!(!valid_chat_input_name(bad), "{bad}");
        }
        let text = refused(check_command(
            &json!({"name": "Ping", "description": ""}),
            1,
        ));
        assert!(text.contains("In name: Command name is invalid"), "{text}");
        assert!(
            text.contains("In description: Must be between 1 and 100 in length."),
            "{text}"
        );
        assert!(check_command(&json!({"type": 2, "name": "Show Profile"}), 1).is_ok());
    }

    #[test]
    fn options_are_counted_and_ordered() {
        let many: Vec<Value> = (0..26)
            .map(|i| json!({"type": 3, "name": format!("o{i}"), "description": "d"}))
            .collect();
        let text = refused(check_commands(&[
            json!({"name": "ok", "description": "d"}),
            json!({"name": "many", "description": "d", "options": many}),
        ]));
        assert!(
            text.contains("In 1.options: Must be 25 or fewer in length."),
            "{text}"
        );
        let text = refused(check_command(
            &json!({"name": "o", "description": "d", "options": [
                {"type": 3, "name": "a", "description": "a"},
                {"type": 3, "name": "b", "description": "b", "required": true}
            ]}),
            1,
        ));
        assert!(
            text.contains(
                "In options: Required options must be placed before non-required options"
            ),
            "{text}"
        );
    }
}
