//! Wall-clock time as Discord writes it: Unix milliseconds and ISO-8601 timestamps with
//! microseconds and `+00:00`.

use std::time::{SystemTime, UNIX_EPOCH};

use time::OffsetDateTime;
use time::macros::format_description;

/// The Unix time in milliseconds.
pub(crate) fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| {
            u64::try_from(elapsed.as_millis()).unwrap_or(u64::MAX)
        })
}

/// Formats Unix milliseconds as Discord does: `2024-01-01T00:00:00.123000+00:00`.
pub(crate) fn format_timestamp_ms(ms: u64) -> String {
    let nanos = i128::from(ms) * 1_000_000;
    let time =
        OffsetDateTime::from_unix_timestamp_nanos(nanos).unwrap_or(OffsetDateTime::UNIX_EPOCH);
    format_timestamp(time)
}

/// Formats a UTC time with microseconds and `+00:00`.
pub(crate) fn format_timestamp(time: OffsetDateTime) -> String {
    let format = format_description!(
        "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:6]+00:00"
    );
    time.to_offset(time::UtcOffset::UTC)
        .format(&format)
        .unwrap_or_default()
}
