//! Checks of request fields shared by the RPCs, made before any Discord request.

use crate::error::{Error, Result};

/// A required snowflake: 0 (unset) is refused before any Discord request.
///
/// # Errors
/// [`Error::InvalidArgument`] naming `field`.
pub(super) fn required_id(value: u64, field: &str) -> Result<u64> {
    if value == 0 {
        return Err(Error::InvalidArgument(format!(
            "{field} must be set to a Discord snowflake (got 0)"
        )));
    }
    Ok(value)
}
