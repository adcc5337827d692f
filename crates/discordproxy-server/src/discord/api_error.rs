//! Turns a Discord error response (status + body) into a [`DiscordHttpError`].
//!
//! Discord's error body is `{"code": int, "message": str, "errors": {...}}`; form errors nest
//! by field path down to `{"_errors": [{"code", "message"}]}`.
//! <https://discord.com/developers/docs/reference#error-messages>
//!
//! The text is built exactly like py-cord's `HTTPException.text` (what the original server sent),
//! so clients that match on it keep working: the message, then per nested error one line
//! `In <dotted.path>: <messages joined by a space>`.

use crate::error::DiscordHttpError;
use serde_json::{Map, Value};

/// Builds the error for an HTTP error response from Discord.
pub fn from_response(status: u16, body: &[u8]) -> DiscordHttpError {
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(object)) => {
            let code = object.get("code").and_then(Value::as_u64).unwrap_or(0);
            let message = object
                .get("message")
                .and_then(Value::as_str)
                .unwrap_or_default();
            let text = match object.get("errors") {
                Some(Value::Object(errors)) if !errors.is_empty() => {
                    let lines: Vec<String> = flatten(errors, "")
                        .into_iter()
                        .map(|(path, message)| format!("In {path}: {message}"))
                        .collect();
                    format!("{message}\n{}", lines.join("\n"))
                }
                _ => message.to_owned(),
            };
            DiscordHttpError { status, code, text }
        }
        _ => DiscordHttpError {
            status,
            code: 0,
            text: String::from_utf8_lossy(body).trim().to_owned(),
        },
    }
}

/// py-cord's `_flatten_error_dict`: dotted paths to the joined `_errors` messages.
fn flatten(errors: &Map<String, Value>, prefix: &str) -> Vec<(String, String)> {
    let mut items = Vec::new();
    for (key, value) in errors {
        let path = if prefix.is_empty() {
            key.clone()
        } else {
            format!("{prefix}.{key}")
        };
        match value {
            Value::Object(inner) => match inner.get("_errors") {
                Some(Value::Array(list)) => {
                    let messages: Vec<&str> = list
                        .iter()
                        .map(|e| e.get("message").and_then(Value::as_str).unwrap_or_default())
                        .collect();
                    items.push((path, messages.join(" ")));
                }
                _ => items.extend(flatten(inner, &path)),
            },
            Value::String(text) => items.push((path, text.clone())),
            other => items.push((path, other.to_string())),
        }
    }
    items
}

#[cfg(test)]
mod tests {
    use super::from_response;

    #[test]
    fn plain_error_body() {
        let error = from_response(
            403,
            br#"{"message": "Cannot send messages to this user", "code": 50007}"#,
        );
        assert_eq!((error.status, error.code), (403, 50007));
        assert_eq!(error.text, "Cannot send messages to this user");
    }

    #[test]
    fn nested_form_errors_are_flattened_like_py_cord() {
        let body = br#"{"code": 50035, "errors": {"embeds": {"0": {"fields": {"3": {"value": {"_errors": [{"code": "BASE_TYPE_REQUIRED", "message": "This field is required"}]}}}}}, "content": {"_errors": [{"code": "A", "message": "Must be 2000 or fewer in length."}, {"code": "B", "message": "Second."}]}}, "message": "Invalid Form Body"}"#;
        let error = from_response(400, body);
        assert_eq!(error.code, 50035);
        assert_eq!(
            error.text,
            "Invalid Form Body\nIn embeds.0.fields.3.value: This field is required\nIn content: Must be 2000 or fewer in length. Second."
        );
    }

    #[test]
    fn non_json_body_becomes_text_with_code_zero() {
        let error = from_response(502, b"<html>Bad Gateway</html>\n");
        assert_eq!((error.status, error.code), (502, 0));
        assert_eq!(error.text, "<html>Bad Gateway</html>");
    }

    #[test]
    fn rate_limit_body_has_code_zero() {
        let error = from_response(
            429,
            br#"{"message": "You are being rate limited.", "retry_after": 1.5, "global": false}"#,
        );
        assert_eq!(
            (error.code, error.text.as_str()),
            (0, "You are being rate limited.")
        );
    }
}
