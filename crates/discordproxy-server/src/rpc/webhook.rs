//! RPCs whose Discord endpoint is about webhooks. The token RPCs take `webhook_token`, a
//! secret: it is never logged nor put in an error text.
//! <https://discord.com/developers/docs/resources/webhook>

use crate::error::{Error, Result};

pub(super) mod create_webhook;
pub(super) mod delete_webhook;
pub(super) mod delete_webhook_message;
pub(super) mod edit_webhook_message;
pub(super) mod execute_webhook;
pub(super) mod get_channel_webhooks;
pub(super) mod get_guild_webhooks;
pub(super) mod get_webhook;
pub(super) mod get_webhook_message;
pub(super) mod modify_webhook;

/// A token RPC's `webhook_token`: required (the error never shows a token).
///
/// # Errors
/// [`Error::InvalidArgument`] when empty.
fn required_token(token: &str) -> Result<()> {
    if token.is_empty() {
        return Err(Error::InvalidArgument(
            "webhook_token is required (the token Discord gave with the webhook)".into(),
        ));
    }
    Ok(())
}
