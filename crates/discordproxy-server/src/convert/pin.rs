//! Discord's Get Channel Pins answer → proto `MessagePin`s and `has_more`, read tolerantly
//! (see [`super::json`]).
//! <https://discord.com/developers/docs/resources/message#get-channel-pins>

use super::{json::Object, message};
use discordproxy_proto::MessagePin;
use serde_json::Value;

/// Converts `{"items": [{"pinned_at", "message"}], "has_more"}`; `guild_id` as for
/// [`message::from_json`].
pub fn from_json(value: &Value, guild_id: Option<u64>) -> (Vec<MessagePin>, bool) {
    let answer = Object::new(value, "channel pins");
    let items = answer
        .objects("items", "message pin")
        .into_iter()
        .map(|pin| MessagePin {
            pinned_at: pin.timestamp("pinned_at"),
            message: pin
                .raw("message")
                .map(|message| message::from_json(message, guild_id)),
        })
        .collect();
    (items, answer.boolean("has_more"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn pins_and_has_more() {
        let (items, has_more) = from_json(
            &json!({"items": [{"pinned_at": "2026-01-02T03:04:05.678000+00:00",
                "message": {"id": "9", "channel_id": "8", "content": "hi"}}],
                "has_more": true}),
            Some(7),
        );
        assert!(has_more);
        assert_eq!(items[0].pinned_at, "2026-01-02T03:04:05.678000+00:00");
        let message = items[0].message.as_ref().unwrap();
        assert_eq!(
            (message.id, message.guild_id, message.content.as_str()),
            (9, 7, "hi")
        );
        assert_eq!(from_json(&json!({}), None), (vec![], false));
    }
}
