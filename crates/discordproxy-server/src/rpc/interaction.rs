//! RPCs whose Discord endpoint is about interactions. They take `interaction_token`, a
//! secret: it is never logged nor put in an error text.
//! <https://discord.com/developers/docs/interactions/receiving-and-responding>

use crate::error::{Error, Result};

pub(super) mod create_interaction_response;
mod followup;
mod original;

/// The RPC table's handler modules (`<module>::handle`) of the `@original` and follow-up RPCs.
pub(super) mod get_original_interaction_response {
    pub(crate) use super::original::get as handle;
}
pub(super) mod edit_original_interaction_response {
    pub(crate) use super::original::edit as handle;
}
pub(super) mod delete_original_interaction_response {
    pub(crate) use super::original::delete as handle;
}
pub(super) mod create_followup_message {
    pub(crate) use super::followup::create as handle;
}
pub(super) mod get_followup_message {
    pub(crate) use super::followup::get as handle;
}
pub(super) mod edit_followup_message {
    pub(crate) use super::followup::edit as handle;
}
pub(super) mod delete_followup_message {
    pub(crate) use super::followup::delete as handle;
}

/// An interaction RPC's `interaction_token`: required (the error never shows a token).
///
/// # Errors
/// [`Error::InvalidArgument`] when empty.
fn required_token(token: &str) -> Result<()> {
    if token.is_empty() {
        return Err(Error::InvalidArgument(
            "interaction_token is required (the token of the INTERACTION_CREATE event)".into(),
        ));
    }
    Ok(())
}
