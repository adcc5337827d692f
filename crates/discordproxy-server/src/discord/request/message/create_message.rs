//! Create Message: `POST /channels/{channel.id}/messages` ([`Route::CreateMessage`]) with a
//! `nonce` and `enforce_nonce`.
//! <https://discord.com/developers/docs/resources/message#create-message>
//!
//! Limits: [`check_create_message`](super::limits::check_create_message), which the RPCs call
//! before their first Discord request.

use crate::{
    discord::{client::DiscordClient, route::Route},
    error::Result,
};
use serde_json::Value;
use tokio::time::Instant;

impl DiscordClient {
    /// `POST /channels/{channel.id}/messages` with `body` plus a fresh `nonce` and
    /// `enforce_nonce: true`, so a retry after a lost answer returns the first message instead
    /// of posting a duplicate. Returns Discord's message JSON.
    /// <https://discord.com/developers/docs/resources/message#create-message>
    ///
    /// # Errors
    /// 403/50007 Cannot send messages to this user, 403/50013 Missing Permissions
    /// (`PERMISSION_DENIED`), 400/50035 Invalid Form Body and 400/50006 Cannot send an empty
    /// message (`INVALID_ARGUMENT`), 404/10003 Unknown Channel (`NOT_FOUND`); otherwise see
    /// [`DiscordClient`].
    pub async fn create_message(
        &self,
        channel_id: u64,
        body: &Value,
        deadline: Instant,
    ) -> Result<Value> {
        let mut body = body.clone();
        if let Value::Object(fields) = &mut body {
            fields
                .entry("nonce")
                .or_insert_with(|| Value::String(fastrand::u64(1..=i64::MAX as u64).to_string()));
            fields.insert("enforce_nonce".into(), Value::Bool(true));
        }
        self.json(Route::CreateMessage { channel_id }, Some(&body), deadline)
            .await
    }
}
