//! Pure conversions between twilight-model (Discord's JSON) and the generated proto types, and
//! from proto requests to Discord request bodies. No I/O here.

pub mod channel;
pub mod embed;
pub mod event;
pub mod message;
pub mod message_body;
pub mod user;

use twilight_model::util::Timestamp;

/// A Discord timestamp as ISO-8601 with microseconds (`2021-01-01T00:00:00.000000+00:00`), as
/// Discord sends it.
pub(crate) fn iso(timestamp: Timestamp) -> String {
    timestamp.iso_8601().with_microseconds(true).to_string()
}

/// Saturating `u64` → `i32` for proto `int32` fields (sizes, counts, flags).
pub(crate) fn int32(value: u64) -> i32 {
    i32::try_from(value).unwrap_or(i32::MAX)
}
