//! CHANNEL_PINS_UPDATE ([docs](https://discord.com/developers/docs/events/gateway-events#channel-pins-update)):
//! `{"guild_id"?, "channel_id", "last_pin_timestamp"}` after a pin or an unpin, to the sessions
//! with GUILDS (guild channels; only the shard of the channel's guild) or DIRECT_MESSAGES (DMs;
//! only shard 0).

use serde_json::{Map, Value, json};

use super::Gateway;
use super::intents;
use super::payload::{self, MessagePlace};
use crate::store::Store;

/// CHANNEL_PINS_UPDATE's `d`: `last_pin_timestamp` is the newest pin's time, null without pins.
fn pins_payload(channel_id: u64, place: MessagePlace, last_pin: Option<&str>) -> Value {
    let mut object = Map::new();
    if let MessagePlace::Guild(guild_id) = place {
        object.insert("guild_id".into(), json!(guild_id.to_string()));
    }
    object.insert("channel_id".into(), json!(channel_id.to_string()));
    object.insert("last_pin_timestamp".into(), json!(last_pin));
    Value::Object(object)
}

impl Gateway {
    /// CHANNEL_PINS_UPDATE for `channel_id`, whose newest pin is now `last_pin` (ISO-8601).
    pub(crate) fn pins_updated(&self, store: &Store, channel_id: u64, last_pin: Option<&str>) {
        let Some(place) = payload::message_place(store, channel_id) else {
            return;
        };
        let d = pins_payload(channel_id, place, last_pin);
        self.inner.registry.dispatch("CHANNEL_PINS_UPDATE", |view| {
            let receives = match place {
                MessagePlace::Guild(guild_id) => {
                    view.intents & intents::GUILDS != 0 && view.has_guild(guild_id)
                }
                MessagePlace::Dm => view.intents & intents::DIRECT_MESSAGES != 0 && view.has_dms(),
            };
            receives.then(|| d.clone())
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use twilight_model::gateway::payload::incoming::ChannelPinsUpdate;

    #[test]
    fn payload_deserializes_with_twilight() {
        let d = pins_payload(
            5,
            MessagePlace::Guild(3),
            Some("2024-01-01T00:00:00.000000+00:00"),
        );
        assert_eq!(d["guild_id"], json!("3"));
        let parsed: ChannelPinsUpdate = serde_json::from_value(d).unwrap();
        assert!(parsed.last_pin_timestamp.is_some());
        let d = pins_payload(5, MessagePlace::Dm, None);
        assert_eq!(d, json!({"channel_id": "5", "last_pin_timestamp": null}));
        let _: ChannelPinsUpdate = serde_json::from_value(d).unwrap();
    }
}
