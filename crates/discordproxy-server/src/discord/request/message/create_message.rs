//! Create Message: `POST /channels/{channel.id}/messages` ([`Route::CreateMessage`]) with a
//! `nonce` and `enforce_nonce`.
//! <https://discord.com/developers/docs/resources/message#create-message>
//!
//! Limits: [`check_create_message`](super::limits::check_create_message), which the RPCs call
//! before their first Discord request.

use crate::{
    convert::file::FilePart,
    discord::{
        client::{DiscordClient, JsonAnswer},
        outgoing::{Outgoing, Retry},
        route::Route,
    },
    error::Result,
};
use serde_json::Value;
use tokio::time::Instant;

impl DiscordClient {
    /// `POST /channels/{channel.id}/messages` with `body` (and `files`: then as
    /// `multipart/form-data` with `body` as `payload_json`, see `discord::multipart`). Without a client `nonce` in `body`
    /// a fresh one is added; `enforce_nonce` is `true` unless `body` sets it, so a retry after
    /// a lost answer returns the first message instead of posting a duplicate. A body with
    /// `enforce_nonce: false` is sent once, never retried after a 5xx or network failure.
    /// Returns Discord's message JSON.
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
        files: &[FilePart],
        deadline: Instant,
    ) -> Result<JsonAnswer> {
        let (body, retry) = with_nonce(body);
        let outgoing = Outgoing::new(Route::CreateMessage { channel_id })
            .json(&body)
            .files(files)
            .retry(retry);
        self.json_answer(&outgoing, deadline).await
    }
}

/// `body` with a fresh `nonce` unless it has one, and `enforce_nonce: true` unless it sets
/// `enforce_nonce`; [`Retry::Never`] when it is not `true` then.
fn with_nonce(body: &Value) -> (Value, Retry) {
    let mut body = body.clone();
    let mut retry = Retry::Safe;
    if let Value::Object(fields) = &mut body {
        fields
            .entry("nonce")
            .or_insert_with(|| Value::String(fastrand::u64(1..=i64::MAX as u64).to_string()));
        let enforce = fields.entry("enforce_nonce").or_insert(Value::Bool(true));
        if *enforce != Value::Bool(true) {
            retry = Retry::Never;
        }
    }
    (body, retry)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_server_adds_a_nonce_and_enforces_it() {
        let (body, retry) = with_nonce(&json!({"content": "x"}));
        let nonce = body["nonce"].as_str().unwrap();
        assert!((1..=25).contains(&nonce.len()), "{nonce}");
        assert_eq!(body["enforce_nonce"], json!(true));
        assert_eq!(retry, Retry::Safe);
    }

    #[test]
    fn a_client_nonce_replaces_the_servers_own() {
        let (body, retry) = with_nonce(&json!({"content": "x", "nonce": "timer-42"}));
        assert_eq!(
            body,
            json!({"content": "x", "nonce": "timer-42", "enforce_nonce": true})
        );
        assert_eq!(retry, Retry::Safe);
    }

    #[test]
    fn without_enforce_nonce_the_create_is_never_retried() {
        let (body, retry) = with_nonce(&json!({"content": "x", "enforce_nonce": false}));
        assert_eq!(body["enforce_nonce"], json!(false));
        assert!(body["nonce"].is_string());
        assert_eq!(retry, Retry::Never);
    }
}
