//! Tolerant reading of Discord's JSON answers.
//!
//! A 2xx answer from Discord must never fail a call because of a field the call does not need:
//! Discord adds fields and enum values without notice and has sent values of unexpected shapes
//! (e.g. avatar hashes that are no image hashes, twilight issue 2177). Each conversion therefore
//! reads only the fields it maps, one by one, from the raw JSON: a missing or `null` field is
//! the proto default; a field of another type is the default too, and a warning names the
//! object and the field. Everything else stays in the raw JSON, untouched.

use serde_json::Value;
use twilight_model::util::Timestamp;

/// One JSON object of a Discord answer, read field by field (see the module docs).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Object<'a> {
    value: &'a Value,
    what: &'static str,
}

impl<'a> Object<'a> {
    /// Reads `value`, an object of kind `what` (`"message"`, `"user"`, …: named in warnings).
    /// A value that is not an object reads as an empty object (with a warning).
    pub(crate) fn new(value: &'a Value, what: &'static str) -> Self {
        if !value.is_object() {
            tracing::warn!(
                object = what,
                found = kind(value),
                "Discord sent no JSON object where one was expected; using defaults"
            );
        }
        Self { value, what }
    }

    /// The raw field, `None` when missing or `null`.
    pub(crate) fn raw(&self, key: &str) -> Option<&'a Value> {
        self.value.get(key).filter(|value| !value.is_null())
    }

    /// Whether the field is present, also as `null` (Discord's flag fields such as a role
    /// tag's `premium_subscriber` are true when present with `null`).
    pub(crate) fn has(&self, key: &str) -> bool {
        self.value.get(key).is_some()
    }

    fn mismatch(&self, key: &str, expected: &'static str, found: &Value) {
        tracing::warn!(
            object = self.what,
            field = key,
            expected,
            found = kind(found),
            "field from Discord did not fit; left at its default"
        );
    }

    /// A snowflake (Discord sends them as strings; numbers are accepted too); 0 when missing.
    pub(crate) fn snowflake(&self, key: &str) -> u64 {
        self.raw(key).map_or(0, |value| {
            snowflake(value).unwrap_or_else(|| {
                self.mismatch(key, "snowflake", value);
                0
            })
        })
    }

    /// An optional snowflake: `None` when missing, `null` or not a snowflake.
    pub(crate) fn optional_snowflake(&self, key: &str) -> Option<u64> {
        Some(self.snowflake(key)).filter(|id| *id != 0)
    }

    /// Snowflakes of an array field; entries that are not snowflakes are skipped.
    pub(crate) fn snowflakes(&self, key: &str) -> Vec<u64> {
        self.array(key)
            .iter()
            .filter_map(|value| {
                let id = snowflake(value);
                if id.is_none() {
                    self.mismatch(key, "snowflake", value);
                }
                id
            })
            .collect()
    }

    /// A string; empty when missing.
    pub(crate) fn string(&self, key: &str) -> String {
        self.raw(key).map_or_else(String::new, |value| match value {
            Value::String(text) => text.clone(),
            other => {
                self.mismatch(key, "string", other);
                String::new()
            }
        })
    }

    /// A boolean; `false` when missing.
    pub(crate) fn boolean(&self, key: &str) -> bool {
        self.raw(key).is_some_and(|value| {
            value.as_bool().unwrap_or_else(|| {
                self.mismatch(key, "boolean", value);
                false
            })
        })
    }

    /// An unsigned integer; 0 when missing (integers in strings, as Discord sends bit sets
    /// such as permissions, are accepted).
    pub(crate) fn unsigned(&self, key: &str) -> u64 {
        self.raw(key).map_or(0, |value| {
            unsigned(value).unwrap_or_else(|| {
                self.mismatch(key, "unsigned integer", value);
                0
            })
        })
    }

    /// An integer for a proto `int32` field (saturating); 0 when missing.
    pub(crate) fn int32(&self, key: &str) -> i32 {
        self.raw(key).map_or(0, |value| match value.as_i64() {
            Some(number) => {
                i32::try_from(number).unwrap_or(if number < 0 { i32::MIN } else { i32::MAX })
            }
            None => match unsigned(value) {
                Some(number) => i32::try_from(number).unwrap_or(i32::MAX),
                None => {
                    self.mismatch(key, "integer", value);
                    0
                }
            },
        })
    }

    /// An ISO-8601 timestamp as Discord formats it (microseconds, `+00:00`); a string that does
    /// not parse is passed on as Discord sent it; empty when missing.
    pub(crate) fn timestamp(&self, key: &str) -> String {
        let text = self.string(key);
        if text.is_empty() {
            return text;
        }
        match Timestamp::parse(&text) {
            Ok(timestamp) => timestamp.iso_8601().with_microseconds(true).to_string(),
            Err(_) => {
                self.mismatch(key, "ISO-8601 timestamp", &Value::String(String::new()));
                text
            }
        }
    }

    /// A nested object, `None` when missing, `null` or not an object.
    pub(crate) fn object(&self, key: &str, what: &'static str) -> Option<Object<'a>> {
        let value = self.raw(key)?;
        if value.is_object() {
            Some(Object::new(value, what))
        } else {
            self.mismatch(key, "object", value);
            None
        }
    }

    /// The entries of an array field (none when missing or not an array).
    pub(crate) fn array(&self, key: &str) -> &'a [Value] {
        match self.raw(key) {
            Some(Value::Array(entries)) => entries.as_slice(),
            Some(other) => {
                self.mismatch(key, "array", other);
                &[]
            }
            None => &[],
        }
    }

    /// The objects of an array field, each read as `what`; entries that are not objects are
    /// skipped (with a warning).
    pub(crate) fn objects(&self, key: &str, what: &'static str) -> Vec<Object<'a>> {
        self.array(key)
            .iter()
            .filter_map(|value| {
                if value.is_object() {
                    Some(Object::new(value, what))
                } else {
                    self.mismatch(key, "object", value);
                    None
                }
            })
            .collect()
    }
}

/// A snowflake from a JSON string or number.
pub(crate) fn snowflake(value: &Value) -> Option<u64> {
    match value {
        Value::String(text) => text.parse().ok(),
        Value::Number(number) => number.as_u64(),
        _ => None,
    }
}

fn unsigned(value: &Value) -> Option<u64> {
    match value {
        Value::Number(number) => number.as_u64(),
        Value::String(text) => text.parse().ok(),
        _ => None,
    }
}

/// The JSON type of `value`, for warnings (never the value: it may be message content).
fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn fields_of_the_expected_type_are_read() {
        let value = json!({"id": "18014398509481985", "n": 7, "s": "x", "b": true,
            "big": 99999999999_u64, "neg": -5, "bits": "2147483648",
            "ids": ["1", 2, "x"], "t": "2026-11-29T19:25:53.123456+00:00"});
        let object = Object::new(&value, "test");
        assert_eq!(object.snowflake("id"), 18_014_398_509_481_985);
        assert_eq!(object.int32("n"), 7);
        assert_eq!(object.int32("big"), i32::MAX);
        assert_eq!(object.int32("neg"), -5);
        assert_eq!(object.unsigned("bits"), 2_147_483_648);
        assert_eq!(object.string("s"), "x");
        assert!(object.boolean("b"));
        assert_eq!(object.snowflakes("ids"), vec![1, 2]);
        assert_eq!(object.timestamp("t"), "2026-11-29T19:25:53.123456+00:00");
    }

    #[test]
    fn missing_null_and_mistyped_fields_are_defaults() {
        let value = json!({"id": {"no": 1}, "s": 5, "b": "yes", "n": "many", "a": 3, "o": [1],
            "null": null});
        let object = Object::new(&value, "test");
        assert_eq!(object.snowflake("id"), 0);
        assert_eq!(object.optional_snowflake("id"), None);
        assert_eq!(object.string("s"), "");
        assert!(!object.boolean("b"));
        assert_eq!(object.int32("n"), 0);
        assert!(object.array("a").is_empty());
        assert!(object.object("o", "inner").is_none());
        for key in ["missing", "null"] {
            assert_eq!(object.snowflake(key), 0);
            assert_eq!(object.string(key), "");
            assert!(object.object(key, "inner").is_none());
        }
    }

    #[test]
    fn timestamps_are_normalised_and_odd_ones_passed_on() {
        let value = json!({"short": "2021-01-01T00:00:00+00:00", "odd": "yesterday"});
        let object = Object::new(&value, "test");
        assert_eq!(
            object.timestamp("short"),
            "2021-01-01T00:00:00.000000+00:00"
        );
        assert_eq!(object.timestamp("odd"), "yesterday");
        assert_eq!(object.timestamp("missing"), "");
    }

    #[test]
    fn a_non_object_reads_as_empty() {
        let value = json!([1, 2]);
        let object = Object::new(&value, "test");
        assert_eq!(object.snowflake("id"), 0);
        assert!(object.objects("x", "inner").is_empty());
    }
}
