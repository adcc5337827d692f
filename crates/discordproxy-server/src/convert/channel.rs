//! Discord channel → proto `Channel`.
//! <https://discord.com/developers/docs/resources/channel#channel-object>

use discordproxy_proto::{Channel, channel::Type};
use twilight_model::channel::{Channel as DiscordChannel, ChannelType};

/// Proto channel type for a Discord channel type: Discord type N is proto value N+1 for the
/// types the original proto names (0–5); every other type is `UNDEFINED`.
pub fn channel_type(kind: ChannelType) -> Type {
    match u8::from(kind) {
        0 => Type::GuildText,
        1 => Type::Dm,
        2 => Type::GuildVoice,
        3 => Type::GroupDm,
        4 => Type::GuildCategory,
        5 => Type::GuildNews,
        _ => Type::Undefined,
    }
}

/// Converts a channel object. Fields the channel type does not have stay at their defaults.
pub fn from_channel(channel: &DiscordChannel) -> Channel {
    Channel {
        id: channel.id.get(),
        r#type: channel_type(channel.kind).into(),
        guild_id: channel.guild_id.map_or(0, |id| id.get()),
        position: channel.position.unwrap_or(0),
        name: channel.name.clone().unwrap_or_default(),
        topic: channel.topic.clone().unwrap_or_default(),
        nsfw: channel.nsfw.unwrap_or(false),
        last_message_id: channel.last_message_id.map_or(0, |id| id.get()),
        parent_id: channel.parent_id.map_or(0, |id| id.get()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn discord_types_map_to_n_plus_one_and_unknown_to_undefined() {
        let expected = [
            (0, Type::GuildText),
            (1, Type::Dm),
            (2, Type::GuildVoice),
            (3, Type::GroupDm),
            (4, Type::GuildCategory),
            (5, Type::GuildNews),
            (6, Type::Undefined),
            (13, Type::Undefined),
            (15, Type::Undefined),
            (99, Type::Undefined),
        ];
        for (discord, proto) in expected {
            assert_eq!(
                channel_type(ChannelType::from(discord)),
                proto,
                "Discord type {discord}"
            );
            if discord <= 5 {
                assert_eq!(proto as i32, i32::from(discord) + 1);
            }
        }
    }

    #[test]
    fn channel_fields_and_big_snowflakes_are_exact() {
        let json = r#"{"id": "18014398509481985", "type": 0, "guild_id": "300000000000000001",
            "position": 7, "name": "big", "topic": null, "nsfw": true,
            "last_message_id": "18014398509481987", "parent_id": "400000000000000001",
            "permission_overwrites": [], "rate_limit_per_user": 0, "flags": 0}"#;
        let channel: DiscordChannel = serde_json::from_str(json).unwrap();
        let proto = from_channel(&channel);
        assert_eq!(proto.id, 18_014_398_509_481_985);
        assert_eq!(proto.last_message_id, 18_014_398_509_481_987);
        assert_eq!(proto.guild_id, 300_000_000_000_000_001);
        assert_eq!(proto.parent_id, 400_000_000_000_000_001);
        assert_eq!(
            (proto.position, proto.name.as_str(), proto.topic.as_str()),
            (7, "big", "")
        );
        assert!(proto.nsfw);
        assert_eq!(proto.r#type, Type::GuildText as i32);
    }
}
