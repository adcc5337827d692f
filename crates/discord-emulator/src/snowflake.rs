//! Snowflakes ([docs](https://discord.com/developers/docs/reference#snowflakes)): parsing them
//! exactly, the time they encode, and generating new ones.

use std::collections::HashSet;

use serde_json::Value;

use crate::timestamp::{format_timestamp_ms, now_ms};

/// Discord's epoch (2015-01-01T00:00:00Z) in Unix milliseconds.
pub(crate) const DISCORD_EPOCH_MS: u64 = 1_420_070_400_000;

/// Worker id written into generated snowflakes (bits 17–21).
const WORKER_ID: u64 = 1;

/// Parses a snowflake given as a string of digits or a JSON integer, exactly (never via f64).
pub(crate) fn parse_snowflake(value: &Value) -> Option<u64> {
    match value {
        Value::String(text) => parse_snowflake_str(text),
        Value::Number(number) => number.as_u64(),
        _ => None,
    }
}

/// Parses a snowflake string: ASCII digits only, fitting in a u64.
pub(crate) fn parse_snowflake_str(text: &str) -> Option<u64> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

/// The creation time encoded in a snowflake, formatted like a message timestamp.
pub(crate) fn snowflake_timestamp(id: u64) -> String {
    format_timestamp_ms((id >> 22) + DISCORD_EPOCH_MS)
}

/// Generates strictly increasing snowflakes from the current time, avoiding reserved ids.
#[derive(Debug)]
pub(crate) struct SnowflakeGenerator {
    last: u64,
    reserved: HashSet<u64>,
}

impl SnowflakeGenerator {
    /// A generator that never returns one of `reserved` (the fixture's ids).
    pub(crate) fn new(reserved: HashSet<u64>) -> Self {
        Self { last: 0, reserved }
    }

    /// The next id for the time `now_ms` (Unix milliseconds).
    pub(crate) fn next_at(&mut self, now_ms: u64) -> u64 {
        let candidate = (now_ms.saturating_sub(DISCORD_EPOCH_MS) << 22) | (WORKER_ID << 17);
        let mut id = candidate.max(self.last + 1);
        while self.reserved.contains(&id) {
            id += 1;
        }
        self.last = id;
        id
    }

    /// The next id for the current time.
    pub(crate) fn next(&mut self) -> u64 {
        self.next_at(now_ms())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snowflakes_increase_and_encode_the_time() {
        let mut generator = SnowflakeGenerator::new(HashSet::new());
        let now = 1_700_000_000_000;
        let first = generator.next_at(now);
        let second = generator.next_at(now);
        let earlier = generator.next_at(now - 1000);
        assert!(first < second && second < earlier + 1 && second < earlier);
        assert_eq!(first >> 22, now - DISCORD_EPOCH_MS);
        assert_eq!(
            snowflake_timestamp(first),
            "2023-11-14T22:13:20.000000+00:00"
        );
    }

    #[test]
    fn snowflakes_skip_reserved_ids() {
        let now = 1_700_000_000_000;
        let expected = ((now - DISCORD_EPOCH_MS) << 22) | (WORKER_ID << 17);
        let mut generator = SnowflakeGenerator::new(HashSet::from([expected, expected + 1]));
        assert_eq!(generator.next_at(now), expected + 2);
    }

    #[test]
    fn timestamps_have_microseconds_and_offset() {
        assert_eq!(
            format_timestamp_ms(1_420_070_400_123),
            "2015-01-01T00:00:00.123000+00:00"
        );
        // The fixture's snowflake 175928847299117063 is Discord's documented example.
        assert_eq!(
            snowflake_timestamp(175928847299117063),
            "2016-04-30T11:18:25.796000+00:00"
        );
    }
}
