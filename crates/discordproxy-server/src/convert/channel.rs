//! Discord channel → proto `Channel`, read tolerantly from Discord's JSON (see
//! [`super::json`]).
//! <https://discord.com/developers/docs/resources/channel#channel-object>

use super::json::Object;
use discordproxy_proto::{Channel, PermissionOverwrite, channel::Type};
use serde_json::Value;

/// Proto channel type for a Discord channel type: Discord type N is proto value N+1 for the
/// types the original proto names (0–5); every other type is `UNDEFINED`.
pub fn channel_type(kind: u64) -> Type {
    match kind {
        0 => Type::GuildText,
        1 => Type::Dm,
        2 => Type::GuildVoice,
        3 => Type::GroupDm,
        4 => Type::GuildCategory,
        5 => Type::GuildNews,
        _ => Type::Undefined,
    }
}

/// Converts a channel object (threads with their thread fields). Fields the channel type does
/// not have stay at their defaults; an unknown channel type is `UNDEFINED`.
pub fn from_json(value: &Value) -> Channel {
    let channel = Object::new(value, "channel");
    let mut proto = Channel {
        id: channel.snowflake("id"),
        r#type: channel_type(match channel.raw("type") {
            Some(_) => channel.unsigned("type"),
            None => u64::MAX,
        })
        .into(),
        guild_id: channel.snowflake("guild_id"),
        position: channel.int32("position"),
        name: channel.string("name"),
        topic: channel.string("topic"),
        nsfw: channel.boolean("nsfw"),
        last_message_id: channel.snowflake("last_message_id"),
        parent_id: channel.snowflake("parent_id"),
        permission_overwrites: channel
            .objects("permission_overwrites", "permission overwrite")
            .iter()
            .map(overwrite)
            .collect(),
        rate_limit_per_user: channel.int32("rate_limit_per_user"),
        bitrate: channel.int32("bitrate"),
        user_limit: channel.int32("user_limit"),
        flags: channel.int32("flags"),
        discord_type: match channel.raw("type") {
            Some(_) => channel.int32("type"),
            None => -1,
        },
        ..Channel::default()
    };
    super::thread::fill_thread_fields(&mut proto, &channel);
    proto
}

/// Converts a permission overwrite: `allow` and `deny` as decimal strings (Discord sends
/// strings; a number is accepted too).
fn overwrite(overwrite: &Object<'_>) -> PermissionOverwrite {
    PermissionOverwrite {
        id: overwrite.snowflake("id"),
        r#type: overwrite.int32("type"),
        allow: overwrite.unsigned("allow").to_string(),
        deny: overwrite.unsigned("deny").to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

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
            assert_eq!(channel_type(discord), proto, "Discord type {discord}");
            if discord <= 5 {
                assert_eq!(proto as i32, i32::try_from(discord).unwrap() + 1);
            }
        }
    }

    #[test]
    fn channel_fields_and_big_snowflakes_are_exact() {
        let json = r#"{"id": "18014398509481985", "type": 0, "guild_id": "300000000000000001",
            "position": 7, "name": "big", "topic": null, "nsfw": true,
            "last_message_id": "18014398509481987", "parent_id": "400000000000000001",
            "permission_overwrites": [], "rate_limit_per_user": 0, "flags": 0}"#;
        let proto = from_json(&serde_json::from_str(json).unwrap());
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
        assert_eq!(proto.discord_type, 0);
        assert!(proto.permission_overwrites.is_empty());
    }

    #[test]
    fn overwrites_slowmode_voice_settings_and_the_discord_type() {
        let proto = from_json(
            &json!({"id": "5", "type": 2, "bitrate": 64000, "user_limit": 9,
            "rate_limit_per_user": 30, "flags": 16,
            "permission_overwrites": [
                {"id": "300000000000000001", "type": 0, "allow": "0", "deny": "2048"},
                {"id": "7", "type": 1, "allow": 1024, "deny": "0"}, "junk"]}),
        );
        assert_eq!(
            (
                proto.bitrate,
                proto.user_limit,
                proto.rate_limit_per_user,
                proto.flags
            ),
            (64000, 9, 30, 16)
        );
        assert_eq!(
            (proto.discord_type, proto.r#type),
            (2, Type::GuildVoice as i32)
        );
        assert_eq!(
            proto.permission_overwrites,
            vec![
                PermissionOverwrite {
                    id: 300_000_000_000_000_001,
                    r#type: 0,
                    allow: "0".into(),
                    deny: "2048".into(),
                },
                PermissionOverwrite {
                    id: 7,
                    r#type: 1,
                    allow: "1024".into(),
                    deny: "0".into(),
                },
            ]
        );
        assert_eq!(from_json(&json!({"id": "5"})).discord_type, -1);
    }

    #[test]
    fn odd_and_unknown_fields_never_fail_a_channel() {
        // Unknown type, an icon that is no image hash, a permission overwrite of an unknown
        // type, new fields, a missing position: the channel still converts.
        let proto = from_json(&json!({"id": "7", "type": 77, "guild_id": "3",
            "icon": "not a hash", "name": "forum-like",
            "permission_overwrites": [{"id": "1", "type": 9, "allow": "x", "deny": null}],
            "available_tags": "surprise", "brand_new": [1, 2, 3]}));
        assert_eq!(proto.id, 7);
        assert_eq!(proto.r#type, Type::Undefined as i32);
        assert_eq!(proto.name, "forum-like");
        assert_eq!(proto.position, 0);
        assert_eq!(proto.discord_type, 77);
        assert_eq!(proto.permission_overwrites[0].allow, "0");
    }
}
