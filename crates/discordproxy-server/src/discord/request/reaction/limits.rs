//! The limits Discord documents for Get Reactions' query, checked before any request.
//! <https://discord.com/developers/docs/resources/message#get-reactions>

use crate::{discord::request::message::limits, error::Result};

/// Get Reactions' `limit`: 1–100 (Discord's default: 25).
pub const REACTIONS_LIMIT: std::ops::RangeInclusive<i32> = 1..=100;

/// Get Reactions' `type`: 0 normal, 1 burst.
pub const REACTION_TYPES: [i32; 2] = [0, 1];

/// Checks Get Reactions' `limit` (1–100) and `type` (0 or 1) as Discord checks its query.
///
/// # Errors
/// [`Error::Discord`](crate::error::Error::Discord) 400/50035 naming `limit` or `type` (gRPC
/// `INVALID_ARGUMENT`).
pub fn check_reactions_page(limit: Option<i32>, kind: i32) -> Result<()> {
    limits::check_limit(limit, REACTIONS_LIMIT)?;
    limits::check_choice("type", kind, &REACTION_TYPES)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Error;

    fn text(result: Result<()>) -> String {
        match result {
            Err(Error::Discord(error)) => {
                assert_eq!((error.status, error.code), (400, 50035));
                error.text
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn limit_is_1_to_100_and_type_0_or_1() {
        for limit in [None, Some(1), Some(25), Some(100)] {
            check_reactions_page(limit, 0).unwrap();
        }
        check_reactions_page(None, 1).unwrap();
        assert_eq!(
            text(check_reactions_page(Some(0), 0)),
            "Invalid Form Body\nIn limit: int value should be greater than or equal to 1."
        );
        assert_eq!(
            text(check_reactions_page(Some(101), 0)),
            "Invalid Form Body\nIn limit: int value should be less than or equal to 100."
        );
        assert_eq!(
            text(check_reactions_page(None, 2)),
            "Invalid Form Body\nIn type: Value must be one of {0, 1}."
        );
    }
}
