//! Get Channel Pins: `GET /channels/{channel.id}/messages/pins` ([`Route::ChannelPins`]) with
//! `before` and `limit` in the query.
//! <https://discord.com/developers/docs/resources/message#get-channel-pins>
//!
//! Limits: [`check_pins_page`](super::limits::check_pins_page), which the RPC calls before the
//! request.

use crate::{
    discord::{
        client::{DiscordClient, JsonAnswer},
        outgoing::{Outgoing, percent_encode},
        route::Route,
    },
    error::{Error, Result},
};
use tokio::time::Instant;

impl DiscordClient {
    /// `GET /channels/{channel.id}/messages/pins?…`: `{"items": [{"pinned_at", "message"}],
    /// "has_more"}`, newest pin first. `before` (an ISO-8601 timestamp, sent percent-encoded:
    /// a `+` offset stays a `+`) and `limit` are sent when `Some`.
    /// <https://discord.com/developers/docs/resources/message#get-channel-pins>
    ///
    /// # Errors
    /// 404/10003 Unknown Channel (`NOT_FOUND`), 403/50001 Missing Access (`PERMISSION_DENIED`),
    /// 400/50035 for a bad query (`INVALID_ARGUMENT`); [`Error::Internal`] when the answer is
    /// no JSON object; otherwise see [`DiscordClient`].
    pub async fn channel_pins(
        &self,
        channel_id: u64,
        before: Option<&str>,
        limit: Option<i32>,
        deadline: Instant,
    ) -> Result<JsonAnswer> {
        let route = Route::ChannelPins { channel_id };
        let template = route.template();
        let outgoing = Outgoing::new(route).query(&[
            ("before", before.map(percent_encode)),
            ("limit", limit.map(|limit| limit.to_string())),
        ]);
        let answer = self.json_answer(&outgoing, deadline).await?;
        if !answer.value.is_object() {
            return Err(Error::Internal(format!(
                "Discord's answer to {template} is no JSON object"
            )));
        }
        Ok(answer)
    }
}
