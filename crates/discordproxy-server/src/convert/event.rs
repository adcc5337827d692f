//! A raw gateway dispatch frame → proto `GatewayEvent`, with a typed view for message, member
//! and channel events.
//! <https://discord.com/developers/docs/events/gateway-events#payload-structure>

use super::{channel, message, user};
use discordproxy_proto::{Channel, GatewayEvent, GuildMember, Message, gateway_event::Typed};
use serde::Deserialize;
use serde_json::Value;
use twilight_model::{channel::Channel as DiscordChannel, guild::Member};

/// Builds the event for a dispatch frame (`op` 0). Returns `None` for other opcodes.
pub fn from_frame(frame: &Value, shard_id: u32, received_at: String) -> Option<GatewayEvent> {
    if frame.get("op").and_then(Value::as_u64) != Some(0) {
        return None;
    }
    let name = frame.get("t").and_then(Value::as_str)?.to_owned();
    let data = frame.get("d").unwrap_or(&Value::Null);
    let guild_id = snowflake(data.get("guild_id"))
        .or_else(|| {
            name.starts_with("GUILD_")
                .then(|| snowflake(data.get("id")))
                .flatten()
        })
        .unwrap_or(0);
    Some(GatewayEvent {
        typed: typed(&name, data, guild_id),
        name,
        shard_id,
        sequence: frame.get("s").and_then(Value::as_u64).unwrap_or(0),
        guild_id,
        received_at,
        payload_json: data.to_string(),
    })
}

fn typed(name: &str, data: &Value, guild_id: u64) -> Option<Typed> {
    let guild = (guild_id != 0).then_some(guild_id);
    match name {
        "MESSAGE_CREATE" => Some(Typed::Message(message::from_json(data, guild))),
        "MESSAGE_UPDATE" | "MESSAGE_DELETE" => Some(Typed::Message(
            twilight_model::channel::Message::deserialize(data)
                .map(|msg| message::from_discord(&msg, guild))
                .unwrap_or_else(|_| Message {
                    id: snowflake(data.get("id")).unwrap_or(0),
                    channel_id: snowflake(data.get("channel_id")).unwrap_or(0),
                    guild_id,
                    content: data
                        .get("content")
                        .and_then(Value::as_str)
                        .unwrap_or_default()
                        .to_owned(),
                    ..Message::default()
                }),
        )),
        "GUILD_MEMBER_ADD" | "GUILD_MEMBER_UPDATE" => Some(Typed::Member(
            Member::deserialize(data)
                .map(|member| from_member(&member))
                .unwrap_or_else(|_| partial_member(data)),
        )),
        "GUILD_MEMBER_REMOVE" => Some(Typed::Member(partial_member(data))),
        "CHANNEL_CREATE" | "CHANNEL_UPDATE" | "CHANNEL_DELETE" => DiscordChannel::deserialize(data)
            .ok()
            .map(|c| Typed::Channel(channel::from_channel(&c)))
            .or_else(|| {
                Some(Typed::Channel(Channel {
                    id: snowflake(data.get("id")).unwrap_or(0),
                    guild_id,
                    ..Channel::default()
                }))
            }),
        _ => None,
    }
}

/// A guild member object (GUILD_MEMBER_ADD/UPDATE, cache entries).
pub fn from_member(member: &Member) -> GuildMember {
    GuildMember {
        user: Some(user::from_user(&member.user)),
        nick: member.nick.clone().unwrap_or_default(),
        roles: member.roles.iter().map(|id| id.get()).collect(),
        joined_at: member.joined_at.map(super::iso).unwrap_or_default(),
        premium_since: member.premium_since.map(super::iso).unwrap_or_default(),
        deaf: member.deaf,
        mute: member.mute,
        pending: member.pending,
        permissions: String::new(),
    }
}

fn partial_member(data: &Value) -> GuildMember {
    let user = data
        .get("user")
        .and_then(|u| twilight_model::user::User::deserialize(u).ok());
    GuildMember {
        user: user.as_ref().map(user::from_user),
        nick: data
            .get("nick")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned(),
        ..GuildMember::default()
    }
}

fn snowflake(value: Option<&Value>) -> Option<u64> {
    match value? {
        Value::String(text) => text.parse().ok(),
        Value::Number(number) => number.as_u64(),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn message_create_is_typed_and_keeps_the_raw_payload() {
        let frame = json!({"op": 0, "s": 42, "t": "MESSAGE_CREATE", "d": {
            "id": "18014398509481987", "channel_id": "400000000000000002", "guild_id": "300000000000000001",
            "type": 0, "content": "hi", "tts": false, "mention_everyone": false, "mentions": [],
            "mention_roles": [], "attachments": [], "embeds": [], "pinned": false,
            "timestamp": "2026-11-29T19:25:53.123456+00:00", "edited_timestamp": null,
            "author": {"id": "200000000000000001", "username": "alice", "discriminator": "0", "avatar": null}
        }});
        let event = from_frame(&frame, 3, "now".into()).unwrap();
        assert_eq!(
            (event.name.as_str(), event.shard_id, event.sequence),
            ("MESSAGE_CREATE", 3, 42)
        );
        assert_eq!(event.guild_id, 300_000_000_000_000_001);
        let Some(Typed::Message(message)) = event.typed else {
            panic!("typed message")
        };
        assert_eq!(
            (message.id, message.content.as_str()),
            (18_014_398_509_481_987, "hi")
        );
        let raw: Value = serde_json::from_str(&event.payload_json).unwrap();
        assert_eq!(raw["id"], "18014398509481987");
    }

    #[test]
    fn guild_events_take_the_guild_from_id_and_others_are_untyped() {
        let frame = json!({"op": 0, "s": 1, "t": "GUILD_UPDATE", "d": {"id": "5", "name": "g"}});
        let event = from_frame(&frame, 0, String::new()).unwrap();
        assert_eq!(event.guild_id, 5);
        assert!(event.typed.is_none());
        assert!(
            from_frame(
                &json!({"op": 11, "s": null, "t": null, "d": null}),
                0,
                String::new()
            )
            .is_none()
        );
    }

    #[test]
    fn member_remove_and_channel_delete_are_typed() {
        let remove = json!({"op": 0, "s": 2, "t": "GUILD_MEMBER_REMOVE", "d": {"guild_id": "9",
            "user": {"id": "7", "username": "u", "discriminator": "0", "avatar": null}}});
        let Some(Typed::Member(member)) = from_frame(&remove, 0, String::new()).unwrap().typed
        else {
            panic!()
        };
        assert_eq!(member.user.unwrap().id, 7);
        let delete = json!({"op": 0, "s": 3, "t": "CHANNEL_DELETE", "d": {"id": "11", "type": 0, "guild_id": "9", "name": "x"}});
        let Some(Typed::Channel(channel)) = from_frame(&delete, 0, String::new()).unwrap().typed
        else {
            panic!()
        };
        assert_eq!((channel.id, channel.guild_id), (11, 9));
    }
}
