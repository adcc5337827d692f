//! The limits Discord documents for Get Channel Pins' query, checked before any request.
//! <https://discord.com/developers/docs/resources/message#get-channel-pins>

use crate::{discord::request::message::limits, error::Result};

/// Get Channel Pins' `limit`: 1–50 (Discord's default: 50).
pub const PINS_LIMIT: std::ops::RangeInclusive<i32> = 1..=50;

/// Checks Get Channel Pins' `limit` (1–50) as Discord checks its query.
///
/// # Errors
/// [`Error::Discord`](crate::error::Error::Discord) 400/50035 naming `limit` (gRPC
/// `INVALID_ARGUMENT`).
pub fn check_pins_page(limit: Option<i32>) -> Result<()> {
    limits::check_limit(limit, PINS_LIMIT)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Error;

    #[test]
    fn limit_is_1_to_50() {
        for limit in [None, Some(1), Some(50)] {
            check_pins_page(limit).unwrap();
        }
        for (limit, text) in [
            (
                0,
                "Invalid Form Body\nIn limit: int value should be greater than or equal to 1.",
            ),
            (
                51,
                "Invalid Form Body\nIn limit: int value should be less than or equal to 50.",
            ),
        ] {
            match check_pins_page(Some(limit)) {
                Err(Error::Discord(error)) => {
                    assert_eq!((error.status, error.code), (400, 50035));
                    assert_eq!(error.text, text);
                }
                other => panic!("{other:?}"),
            }
        }
    }
}
