//! The typed view of a reaction dispatch (MESSAGE_REACTION_ADD, _REMOVE, _REMOVE_ALL,
//! _REMOVE_EMOJI) → proto `MessageReactionEvent`, read tolerantly: each event fills the fields
//! it carries.
//! <https://discord.com/developers/docs/events/gateway-events#message-reaction-add>

use super::{event::from_member, json::Object, message::emoji};
use discordproxy_proto::MessageReactionEvent;
use serde_json::Value;

/// Whether `name` is one of the four reaction events.
pub fn is_reaction_event(name: &str) -> bool {
    matches!(
        name,
        "MESSAGE_REACTION_ADD"
            | "MESSAGE_REACTION_REMOVE"
            | "MESSAGE_REACTION_REMOVE_ALL"
            | "MESSAGE_REACTION_REMOVE_EMOJI"
    )
}

/// The event's fields; `guild_id` fills in a missing guild.
pub fn from_json(data: &Value, guild_id: u64) -> MessageReactionEvent {
    let event = Object::new(data, "message reaction event");
    let guild_id = match event.snowflake("guild_id") {
        0 => guild_id,
        id => id,
    };
    MessageReactionEvent {
        user_id: event.snowflake("user_id"),
        channel_id: event.snowflake("channel_id"),
        message_id: event.snowflake("message_id"),
        guild_id,
        member: event
            .raw("member")
            .filter(|m| m.is_object())
            .map(from_member),
        emoji: event.object("emoji", "emoji").map(emoji),
        message_author_id: event.snowflake("message_author_id"),
        burst: event.boolean("burst"),
        burst_colors: event
            .array("burst_colors")
            .iter()
            .filter_map(|color| color.as_str().map(str::to_owned))
            .collect(),
        r#type: event.int32("type"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn add_carries_member_emoji_and_author() {
        let data = json!({
            "user_id": "200000000000000001", "channel_id": "400000000000000002",
            "message_id": "18014398509481987", "guild_id": "300000000000000001",
            "message_author_id": "100000000000000001", "burst": true,
            "burst_colors": ["#ff0000"], "type": 1,
            "emoji": {"id": "41771983429993937", "name": "LUL", "animated": true},
            "member": {"user": {"id": "200000000000000001", "username": "alice", "discriminator": "0",
                                "avatar": null},
                       "roles": [], "joined_at": "2021-01-01T00:00:00+00:00", "deaf": false,
                       "mute": false}
        });
        let event = from_json(&data, 0);
        assert_eq!(
            (
                event.user_id,
                event.channel_id,
                event.message_id,
                event.guild_id
            ),
            (
                200_000_000_000_000_001,
                400_000_000_000_000_002,
                18_014_398_509_481_987,
                300_000_000_000_000_001
            )
        );
        assert_eq!(event.message_author_id, 100_000_000_000_000_001);
        let emoji = event.emoji.unwrap();
        assert_eq!(
            (emoji.id, emoji.name.as_str(), emoji.animated),
            (41_771_983_429_993_937, "LUL", true)
        );
        assert_eq!(
            event.member.unwrap().user.unwrap().id,
            200_000_000_000_000_001
        );
        assert!(event.burst);
        assert_eq!(
            (event.burst_colors, event.r#type),
            (vec!["#ff0000".to_owned()], 1)
        );
    }

    #[test]
    fn remove_all_has_ids_only_and_odd_fields_are_tolerated() {
        let data = json!({"channel_id": "5", "message_id": "6", "emoji": "not an object",
                          "burst_colors": [1, "#00ff00"], "type": "odd"});
        let event = from_json(&data, 9);
        assert_eq!(
            (event.channel_id, event.message_id, event.guild_id),
            (5, 6, 9)
        );
        assert_eq!((event.user_id, event.r#type), (0, 0));
        assert!(event.emoji.is_none() && event.member.is_none());
        assert_eq!(event.burst_colors, vec!["#00ff00".to_owned()]);
        assert!(is_reaction_event("MESSAGE_REACTION_REMOVE_EMOJI"));
        assert!(!is_reaction_event("MESSAGE_CREATE"));
    }
}
