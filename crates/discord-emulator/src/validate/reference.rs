//! `message_reference` of a message create: the message a reply answers
//! ([docs](https://discord.com/developers/docs/resources/message#message-reference-structure)).
//!
//! Only `message_id` is required; `channel_id` and `guild_id` may name the reply's own channel
//! and guild; `fail_if_not_exists` (default true) decides whether an unknown message is an
//! error or the message is sent as a normal one. Whether the message exists is checked against
//! the store by the handler. Forwards (`type` 1) are not emulated.

use serde_json::{Map, Value};

use super::{Checker, at};
use crate::snowflake::parse_snowflake;

/// The reference of a reply, validated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct MessageReference {
    /// The message replied to.
    pub(crate) message_id: u64,
    /// The channel it should be in (the reply's own), if given.
    pub(crate) channel_id: Option<u64>,
    /// The guild it should be in (the reply's own), if given.
    pub(crate) guild_id: Option<u64>,
    /// `false`: an unknown message makes a normal message instead of an error.
    pub(crate) fail_if_not_exists: bool,
}

impl Checker {
    /// The `message_reference` object (absent or null: none).
    pub(super) fn message_reference(
        &mut self,
        body: &Map<String, Value>,
    ) -> Option<MessageReference> {
        let path = vec!["message_reference".to_owned()];
        let value = body
            .get("message_reference")
            .filter(|value| !value.is_null())?;
        let object = self.object(&path, value)?;
        let before = self.errors.clone();
        match object.get("type") {
            None | Some(Value::Null) => {}
            Some(value) if value.as_u64() == Some(0) => {}
            Some(_) => self.error(
                &at(&path, "type"),
                "BASE_TYPE_CHOICES",
                "Value must be one of {0}.",
            ),
        }
        let message_id = match object.get("message_id") {
            None | Some(Value::Null) => {
                self.error(
                    &at(&path, "message_id"),
                    "BASE_TYPE_REQUIRED",
                    "This field is required",
                );
                None
            }
            Some(value) => self.snowflake(&at(&path, "message_id"), value),
        };
        let optional = |checker: &mut Self, key: &str| match object.get(key) {
            None | Some(Value::Null) => None,
            Some(value) => checker.snowflake(&at(&path, key), value),
        };
        let channel_id = optional(self, "channel_id");
        let guild_id = optional(self, "guild_id");
        let fail_if_not_exists = match object.get("fail_if_not_exists") {
            None | Some(Value::Null) => true,
            Some(Value::Bool(fail)) => *fail,
            Some(_) => {
                self.error(
                    &at(&path, "fail_if_not_exists"),
                    "BASE_TYPE_BOOLEAN",
                    "Must be either true or false.",
                );
                true
            }
        };
        if self.errors != before {
            return None;
        }
        Some(MessageReference {
            message_id: message_id?,
            channel_id,
            guild_id,
            fail_if_not_exists,
        })
    }

    /// A snowflake field, or a `NUMBER_TYPE_COERCE` error.
    fn snowflake(&mut self, path: &[String], value: &Value) -> Option<u64> {
        let id = parse_snowflake(value);
        if id.is_none() {
            let shown = value
                .as_str()
                .map_or_else(|| value.to_string(), str::to_owned);
            self.error(
                path,
                "NUMBER_TYPE_COERCE",
                format!("Value \"{shown}\" is not snowflake."),
            );
        }
        id
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;
    use crate::validate::message_create;

    fn reference(reference: Value) -> Result<Option<MessageReference>, Value> {
        message_create(Some(
            &json!({"content": "x", "message_reference": reference}),
        ))
        .map(|message| message.reference)
        .map_err(|error| error.body()["errors"]["message_reference"].clone())
    }

    #[test]
    fn only_the_message_id_is_required() {
        assert_eq!(
            reference(json!({"message_id": "5"})),
            Ok(Some(MessageReference {
                message_id: 5,
                channel_id: None,
                guild_id: None,
                fail_if_not_exists: true,
            }))
        );
        assert_eq!(
            reference(json!({"message_id": 5, "channel_id": "6", "guild_id": null,
                             "fail_if_not_exists": false, "type": 0})),
            Ok(Some(MessageReference {
                message_id: 5,
                channel_id: Some(6),
                guild_id: None,
                fail_if_not_exists: false,
            }))
        );
        assert_eq!(reference(Value::Null), Ok(None));
    }

    #[test]
    fn malformed_references_are_form_errors() {
        let code = |errors: Value, key: &str| errors[key]["_errors"][0]["code"].clone();
        let errors = reference(json!({})).unwrap_err();
        assert_eq!(code(errors, "message_id"), json!("BASE_TYPE_REQUIRED"));
        let errors = reference(json!({"message_id": "x", "channel_id": [1]})).unwrap_err();
        assert_eq!(
            code(errors.clone(), "message_id"),
            json!("NUMBER_TYPE_COERCE")
        );
        assert_eq!(code(errors, "channel_id"), json!("NUMBER_TYPE_COERCE"));
        let errors = reference(json!({"message_id": "1", "fail_if_not_exists": "no"})).unwrap_err();
        assert_eq!(
            code(errors, "fail_if_not_exists"),
            json!("BASE_TYPE_BOOLEAN")
        );
        let errors = reference(json!({"message_id": "1", "type": 1})).unwrap_err();
        assert_eq!(code(errors, "type"), json!("BASE_TYPE_CHOICES"));
        let errors = reference(json!("1")).unwrap_err();
        assert_eq!(errors["_errors"][0]["code"], json!("MODEL_TYPE_CONVERT"));
    }
}
