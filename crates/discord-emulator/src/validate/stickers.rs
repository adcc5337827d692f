//! `sticker_ids` of a message create: at most 3 snowflakes
//! ([docs](https://discord.com/developers/docs/resources/message#create-message)). Whether
//! the stickers may be sent in the channel is checked against the store by the handler.

use serde_json::{Map, Value};

use super::{Checker, at};
use crate::snowflake::parse_snowflake;

/// Most stickers in one message.
pub(crate) const STICKERS_MAX: usize = 3;

impl Checker {
    /// The `sticker_ids` list (absent or null: none).
    pub(super) fn sticker_ids(&mut self, body: &Map<String, Value>) -> Vec<u64> {
        let path = vec!["sticker_ids".to_owned()];
        let Some(value) = body.get("sticker_ids").filter(|value| !value.is_null()) else {
            return Vec::new();
        };
        let Some(items) = self.list(&path, value) else {
            return Vec::new();
        };
        if items.len() > STICKERS_MAX {
            self.error(
                &path,
                "BASE_TYPE_MAX_LENGTH",
                format!("Must be {STICKERS_MAX} or fewer in length."),
            );
        }
        let mut ids = Vec::new();
        for (index, item) in items.iter().enumerate() {
            match parse_snowflake(item) {
                Some(id) => ids.push(id),
                None => {
                    let shown = item
                        .as_str()
                        .map_or_else(|| item.to_string(), str::to_owned);
                    self.error(
                        &at(&path, index),
                        "NUMBER_TYPE_COERCE",
                        format!("Value \"{shown}\" is not snowflake."),
                    );
                }
            }
        }
        ids
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::validate::message_create;

    #[test]
    fn at_most_three_snowflakes() {
        let message = message_create(Some(&json!({"sticker_ids": ["1", 2, "3"]}))).unwrap();
        assert_eq!(message.sticker_ids, [1, 2, 3]);
        let error = message_create(Some(&json!({"sticker_ids": ["1", "2", "3", "4"]})))
            .unwrap_err()
            .body();
        assert_eq!(
            error["errors"]["sticker_ids"]["_errors"][0],
            json!({"code": "BASE_TYPE_MAX_LENGTH", "message": "Must be 3 or fewer in length."})
        );
        let error = message_create(Some(&json!({"sticker_ids": ["x"]})))
            .unwrap_err()
            .body();
        assert_eq!(
            error["errors"]["sticker_ids"]["0"]["_errors"][0]["code"],
            json!("NUMBER_TYPE_COERCE")
        );
    }
}
