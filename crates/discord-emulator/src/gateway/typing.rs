//! TYPING_START ([docs](https://discord.com/developers/docs/events/gateway-events#typing-start)):
//! `{"channel_id", "guild_id"?, "user_id", "timestamp", "member"?}` after
//! `POST /channels/{id}/typing`, to the sessions with GUILD_MESSAGE_TYPING (guild channels;
//! only the shard of the channel's guild) or DIRECT_MESSAGE_TYPING (DMs; only shard 0).

use serde_json::{Map, Value, json};

use super::Gateway;
use super::intents;
use super::payload::{self, MessagePlace};
use crate::store::Store;

/// TYPING_START's `d`: `timestamp` in Unix seconds, `member` (the bot's, with its `user`) in
/// guild channels.
fn typing_payload(store: &Store, channel_id: u64, place: MessagePlace, now_s: u64) -> Value {
    let mut object = Map::new();
    object.insert("channel_id".into(), json!(channel_id.to_string()));
    if let MessagePlace::Guild(guild_id) = place {
        object.insert("guild_id".into(), json!(guild_id.to_string()));
        if let Some(member) = payload::member_of(store, guild_id, store.bot_id) {
            object.insert("member".into(), Value::Object(member.clone()));
        }
    }
    object.insert("user_id".into(), json!(store.bot_id.to_string()));
    object.insert("timestamp".into(), json!(now_s));
    Value::Object(object)
}

impl Gateway {
    /// TYPING_START for the bot typing in `channel_id`.
    pub(crate) fn typing_started(&self, store: &Store, channel_id: u64) {
        let Some(place) = payload::message_place(store, channel_id) else {
            return;
        };
        let now_s = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |elapsed| elapsed.as_secs());
        let d = typing_payload(store, channel_id, place, now_s);
        self.inner.registry.dispatch("TYPING_START", |view| {
            let receives = match place {
                MessagePlace::Guild(guild_id) => {
                    view.intents & intents::GUILD_MESSAGE_TYPING != 0 && view.has_guild(guild_id)
                }
                MessagePlace::Dm => {
                    view.intents & intents::DIRECT_MESSAGE_TYPING != 0 && view.has_dms()
                }
            };
            receives.then(|| d.clone())
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixture::Fixture;
    use twilight_model::gateway::payload::incoming::TypingStart;

    #[test]
    fn payload_deserializes_with_twilight() {
        let store = Store::new(&Fixture::default_fixture());
        let d = typing_payload(
            &store,
            400_000_000_000_000_002,
            MessagePlace::Guild(300_000_000_000_000_001),
            1_700_000_000,
        );
        assert_eq!(d["guild_id"], json!("300000000000000001"));
        assert_eq!(d["user_id"], json!(store.bot_id.to_string()));
        let parsed: TypingStart = serde_json::from_value(d).unwrap();
        assert_eq!(parsed.timestamp, 1_700_000_000);
        let d = typing_payload(&store, 5, MessagePlace::Dm, 1);
        assert!(d.get("guild_id").is_none() && d.get("member").is_none());
        let _: TypingStart = serde_json::from_value(d).unwrap();
    }
}
