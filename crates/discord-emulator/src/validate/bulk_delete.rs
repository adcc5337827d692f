//! Bulk-delete bodies (`POST /channels/{id}/messages/bulk-delete`,
//! [docs](https://discord.com/developers/docs/resources/message#bulk-delete-messages)):
//! `{"messages": [ids]}` with 2 to 100 distinct snowflakes. Unknown ids count towards the
//! limits; the age of each id is checked by the handler.

use std::collections::HashSet;

use serde_json::{Map, Value};

use super::{Checker, at};
use crate::error::ApiError;
use crate::snowflake::parse_snowflake;

/// Fewest message ids in a bulk delete.
pub(crate) const BULK_DELETE_MIN: usize = 2;
/// Most message ids in a bulk delete.
pub(crate) const BULK_DELETE_MAX: usize = 100;

/// The message ids of a bulk-delete body, in the order given.
///
/// # Errors
///
/// [`ApiError::InvalidFormBody`] (50035): no `messages` (`BASE_TYPE_REQUIRED`), not a list
/// (`LIST_TYPE_CONVERT`), fewer than 2 (`BASE_TYPE_MIN_LENGTH`) or more than 100
/// (`BASE_TYPE_MAX_LENGTH`) ids, an id that is not a snowflake (`NUMBER_TYPE_COERCE` at
/// `messages.N`), or the same id twice (`SET_TYPE_ALREADY_CONTAINS_VALUE` at `messages.N`).
pub(crate) fn bulk_delete(body: Option<&Value>) -> Result<Vec<u64>, ApiError> {
    let empty = Map::new();
    let body = match body {
        None | Some(Value::Null) => &empty,
        Some(Value::Object(body)) => body,
        Some(_) => {
            return Err(ApiError::form(
                &[],
                "DICT_TYPE_CONVERT",
                "Only dictionaries may be used in a DictType",
            ));
        }
    };
    let path = vec!["messages".to_owned()];
    let mut check = Checker::default();
    let Some(value) = body.get("messages").filter(|value| !value.is_null()) else {
        check.error(&path, "BASE_TYPE_REQUIRED", "This field is required");
        check.errors.into_result()?;
        return Ok(Vec::new());
    };
    let items = check.list(&path, value).cloned().unwrap_or_default();
    if value.is_array() && items.len() < BULK_DELETE_MIN {
        check.error(
            &path,
            "BASE_TYPE_MIN_LENGTH",
            format!("Must be {BULK_DELETE_MIN} or more in length."),
        );
    }
    if items.len() > BULK_DELETE_MAX {
        check.error(
            &path,
            "BASE_TYPE_MAX_LENGTH",
            format!("Must be {BULK_DELETE_MAX} or fewer in length."),
        );
    }
    let mut ids = Vec::new();
    let mut seen = HashSet::new();
    for (index, item) in items.iter().enumerate() {
        match parse_snowflake(item) {
            Some(id) if seen.insert(id) => ids.push(id),
            Some(_) => check.error(
                &at(&path, index),
                "SET_TYPE_ALREADY_CONTAINS_VALUE",
                "The set already contains this value",
            ),
            None => {
                let shown = item
                    .as_str()
                    .map_or_else(|| item.to_string(), str::to_owned);
                check.error(
                    &at(&path, index),
                    "NUMBER_TYPE_COERCE",
                    format!("Value \"{shown}\" is not snowflake."),
                );
            }
        }
    }
    check.errors.into_result()?;
    Ok(ids)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn errors(body: Value) -> Value {
        bulk_delete(Some(&body)).unwrap_err().body()["errors"].clone()
    }

    #[test]
    fn two_to_a_hundred_distinct_snowflakes() {
        assert_eq!(
            bulk_delete(Some(&json!({"messages": ["1", 2]}))),
            Ok(vec![1, 2])
        );
        let hundred: Vec<String> = (1..=100).map(|id| id.to_string()).collect();
        assert_eq!(
            bulk_delete(Some(&json!({ "messages": hundred })))
                .unwrap()
                .len(),
            100
        );
        assert_eq!(
            errors(json!({"messages": ["1"]}))["messages"]["_errors"][0],
            json!({"code": "BASE_TYPE_MIN_LENGTH", "message": "Must be 2 or more in length."})
        );
        let many: Vec<String> = (1..=101).map(|id| id.to_string()).collect();
        assert_eq!(
            errors(json!({ "messages": many }))["messages"]["_errors"][0],
            json!({"code": "BASE_TYPE_MAX_LENGTH", "message": "Must be 100 or fewer in length."})
        );
        assert_eq!(
            errors(json!({}))["messages"]["_errors"][0]["code"],
            json!("BASE_TYPE_REQUIRED")
        );
        assert_eq!(
            errors(json!({"messages": "1,2"}))["messages"]["_errors"][0]["code"],
            json!("LIST_TYPE_CONVERT")
        );
        let errors = errors(json!({"messages": ["1", "x", "1"]}));
        assert_eq!(
            errors["messages"]["1"]["_errors"][0]["code"],
            json!("NUMBER_TYPE_COERCE")
        );
        assert_eq!(
            errors["messages"]["2"]["_errors"][0]["code"],
            json!("SET_TYPE_ALREADY_CONTAINS_VALUE")
        );
        assert_eq!(bulk_delete(Some(&json!([1]))).unwrap_err().code(), 50035);
    }
}
