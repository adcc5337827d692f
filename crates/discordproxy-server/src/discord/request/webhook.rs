//! Endpoints of Discord's webhook resource. The token routes (execute, webhook messages) go
//! without the bot's `Authorization`, outside its global rate limit, and their paths (holding
//! the webhook token) are never logged.
//! <https://discord.com/developers/docs/resources/webhook>

mod create_webhook;
mod delete_webhook;
mod delete_webhook_message;
mod edit_webhook_message;
mod execute_webhook;
mod get_channel_webhooks;
mod get_guild_webhooks;
mod get_webhook;
mod get_webhook_message;
pub mod limits;
mod modify_webhook;
