//! Discord message → proto `Message`, read tolerantly from Discord's JSON (see
//! [`super::json`]).
//! <https://discord.com/developers/docs/resources/message#message-object>

use super::{embed, json::Object, user};
use discordproxy_proto::{Emoji, GuildMember, Message, message};
use serde_json::Value;

/// Converts Discord's message JSON. `guild_id` is used when the message object has none
/// (Discord leaves it out of REST replies; the caller knows it from the channel). A field that
/// does not fit is left at its default (with a warning): the message was created, so the call
/// answers with everything else rather than an error that would make the client send it again.
pub fn from_json(value: &Value, guild_id: Option<u64>) -> Message {
    from_object(Object::new(value, "message"), guild_id)
}

fn from_object(msg: Object<'_>, guild_id: Option<u64>) -> Message {
    let author = msg.object("author", "user");
    Message {
        id: msg.snowflake("id"),
        channel_id: msg.snowflake("channel_id"),
        guild_id: msg.optional_snowflake("guild_id").or(guild_id).unwrap_or(0),
        author: author.map(user::from_object),
        member: msg
            .object("member", "guild member")
            .map(|member| from_member(member, author)),
        content: msg.string("content"),
        timestamp: msg.timestamp("timestamp"),
        edited_timestamp: msg.timestamp("edited_timestamp"),
        tts: msg.boolean("tts"),
        mention_everyone: msg.boolean("mention_everyone"),
        mentions: msg
            .objects("mentions", "user")
            .into_iter()
            .map(user::from_object)
            .collect(),
        mention_roles: msg.snowflakes("mention_roles"),
        mention_channels: msg
            .objects("mention_channels", "channel mention")
            .into_iter()
            .map(|mention| mention.snowflake("id"))
            .collect(),
        attachments: msg
            .objects("attachments", "attachment")
            .into_iter()
            .map(|attachment| message::Attachment {
                id: attachment.snowflake("id"),
                filename: attachment.string("filename"),
                size: attachment.int32("size"),
                url: attachment.string("url"),
                proxy_url: attachment.string("proxy_url"),
                height: attachment.int32("height"),
                width: attachment.int32("width"),
                description: attachment.string("description"),
                content_type: attachment.string("content_type"),
                flags: attachment.int32("flags"),
            })
            .collect(),
        embeds: msg
            .objects("embeds", "embed")
            .into_iter()
            .map(embed::from_json)
            .collect(),
        reactions: msg
            .objects("reactions", "reaction")
            .into_iter()
            .map(|reaction| message::Reaction {
                count: reaction.int32("count"),
                me: reaction.boolean("me"),
                emoji: reaction.object("emoji", "emoji").map(emoji),
            })
            .collect(),
        nonce: String::new(),
        pinned: msg.boolean("pinned"),
        webhook_id: msg.snowflake("webhook_id"),
        r#type: msg.int32("type"),
        activity: msg
            .object("activity", "message activity")
            .map(|activity| message::Activity {
                r#type: activity.int32("type"),
                party_id: activity.string("party_id"),
            }),
        application: msg
            .object("application", "application")
            .map(|app| message::Application {
                id: app.snowflake("id"),
                cover_image: app.string("cover_image"),
                description: app.string("description"),
                icon: app.string("icon"),
                name: app.string("name"),
            }),
        message_reference: msg
            .object("message_reference", "message reference")
            .map(|reference| message::Reference {
                message_id: reference.snowflake("message_id"),
                channel_id: reference.snowflake("channel_id"),
                guild_id: reference.snowflake("guild_id"),
                fail_if_not_exists: reference.boolean("fail_if_not_exists"),
            }),
        flags: msg.int32("flags"),
        stickers: msg
            .objects("sticker_items", "sticker item")
            .into_iter()
            .map(|sticker| message::Sticker {
                id: sticker.snowflake("id"),
                name: sticker.string("name"),
                format_type: sticker.int32("format_type"),
                ..Default::default()
            })
            .collect(),
        referenced_message: msg
            .object("referenced_message", "message")
            .map(|referenced| Box::new(from_object(referenced, guild_id))),
        components: super::component::from_objects(msg.objects("components", "component")),
    }
}

/// The partial member of a message; its user is the message's author.
fn from_member(member: Object<'_>, author: Option<Object<'_>>) -> GuildMember {
    GuildMember {
        user: member
            .object("user", "user")
            .or(author)
            .map(user::from_object),
        nick: member.string("nick"),
        roles: member.snowflakes("roles"),
        joined_at: member.timestamp("joined_at"),
        premium_since: member.timestamp("premium_since"),
        deaf: member.boolean("deaf"),
        mute: member.boolean("mute"),
        pending: false,
        permissions: member.string("permissions"),
        avatar: member.string("avatar"),
        banner: member.string("banner"),
        communication_disabled_until: member.timestamp("communication_disabled_until"),
        flags: member.int32("flags"),
    }
}

/// A reaction's emoji: custom (`id`, `name`, `animated`) or Unicode (`name` only).
pub(crate) fn emoji(emoji: Object<'_>) -> Emoji {
    Emoji {
        id: emoji.snowflake("id"),
        name: emoji.string("name"),
        animated: emoji.boolean("animated"),
        ..Default::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CREATED: &str = r#"{
        "id": "18014398509481987", "channel_id": "400000000000000002", "type": 0,
        "content": "@everyone hello", "tts": false, "mention_everyone": true,
        "mentions": [], "mention_roles": [], "attachments": [], "pinned": false,
        "timestamp": "2026-11-29T19:25:53.123456+00:00", "edited_timestamp": null, "flags": 0,
        "components": [], "some_future_field": {"nested": [1, 2]},
        "author": {"id": "100000000000000001", "username": "sandbox-bot", "discriminator": "0",
                   "avatar": null, "bot": true, "global_name": null, "public_flags": 0},
        "embeds": [{"type": "rich", "title": "T", "fields": [{"name": "a", "value": "b", "inline": false}]}]
    }"#;

    #[test]
    fn created_message_is_filled_and_unknown_fields_are_ignored() {
        let value: Value = serde_json::from_str(CREATED).unwrap();
        let proto = from_json(&value, Some(300_000_000_000_000_001));
        assert_eq!(proto.id, 18_014_398_509_481_987);
        assert_eq!(proto.channel_id, 400_000_000_000_000_002);
        assert_eq!(proto.guild_id, 300_000_000_000_000_001);
        assert_eq!(proto.content, "@everyone hello");
        assert!(proto.mention_everyone);
        assert_eq!(proto.timestamp, "2026-11-29T19:25:53.123456+00:00");
        assert_eq!(proto.edited_timestamp, "");
        let author = proto.author.unwrap();
        assert_eq!(
            (author.id, author.username.as_str(), author.bot),
            (100_000_000_000_000_001, "sandbox-bot", true)
        );
        assert_eq!(proto.embeds.len(), 1);
        assert_eq!(proto.embeds[0].title, "T");
        assert!(proto.member.is_none());
    }

    #[test]
    fn dm_message_has_guild_id_zero() {
        let value: Value = serde_json::from_str(CREATED).unwrap();
        assert_eq!(from_json(&value, None).guild_id, 0);
    }

    #[test]
    fn unexpected_message_shape_still_gives_the_created_ids() {
        let value =
            serde_json::json!({"id": "18014398509481987", "channel_id": "5", "content": "x"});
        let proto = from_json(&value, Some(7));
        assert_eq!(
            (proto.id, proto.channel_id, proto.guild_id),
            (18_014_398_509_481_987, 5, 7)
        );
        assert_eq!(proto.content, "x");
    }

    #[test]
    fn odd_author_avatar_unknown_values_and_missing_fields_keep_the_rest() {
        // Regression (issue 11): one odd field (an avatar that is no image hash, a reaction
        // emoji of a new shape, an unknown message type) lost every other field of the reply.
        let value = serde_json::json!({
            "id": "18014398509481987", "channel_id": "5", "type": 4242, "content": "hi",
            "timestamp": "2026-11-29T19:25:53+00:00", "flags": 1_099_511_627_776_u64,
            "author": {"id": "9", "username": "odd", "avatar": "definitely not a hash",
                       "premium_type": 77},
            "mentions": [{"id": "10", "username": "m", "avatar": 12345}, "junk"],
            "reactions": [{"count": 2, "me": true, "emoji": {"id": null, "name": "🔥"},
                           "burst_colors": ["#fff"], "super_new": {}}],
            "attachments": [{"id": "11", "filename": "a.png", "size": 3, "url": "u",
                             "proxy_url": "p", "placeholder": "x", "flags": "odd"}],
            "embeds": [{"type": "poll_result", "title": "T"}],
            "components": [{"type": 99, "whatever": true}],
            "sticker_items": [{"id": "12", "name": "s", "format_type": 9}]
        });
        let proto = from_json(&value, Some(7));
        assert_eq!(
            (proto.id, proto.channel_id, proto.guild_id),
            (18_014_398_509_481_987, 5, 7)
        );
        assert_eq!(proto.r#type, 4242);
        assert_eq!(proto.flags, i32::MAX);
        assert_eq!(proto.timestamp, "2026-11-29T19:25:53.000000+00:00");
        let author = proto.author.unwrap();
        assert_eq!(
            (author.id, author.avatar.as_str()),
            (9, "definitely not a hash")
        );
        assert_eq!(author.premium_type, 77);
        assert_eq!(proto.mentions.len(), 1);
        assert_eq!(
            (proto.mentions[0].id, proto.mentions[0].avatar.as_str()),
            (10, "")
        );
        assert_eq!(proto.reactions[0].emoji.as_ref().unwrap().name, "🔥");
        assert_eq!(proto.reactions[0].count, 2);
        assert_eq!(proto.attachments[0].filename, "a.png");
        assert_eq!(proto.embeds[0].r#type, "poll_result");
        assert_eq!(proto.stickers[0].format_type, 9);
    }

    #[test]
    fn member_and_referenced_message_are_converted() {
        let value = serde_json::json!({
            "id": "1", "channel_id": "2", "guild_id": "3", "content": "reply",
            "author": {"id": "9", "username": "a"},
            "member": {"nick": "N", "roles": ["4", "5"], "joined_at": "2021-01-01T00:00:00+00:00",
                       "deaf": false, "mute": true, "permissions": "2048"},
            "message_reference": {"message_id": "6", "channel_id": "2", "guild_id": "3"},
            "referenced_message": {"id": "6", "channel_id": "2", "content": "original",
                                   "author": {"id": "8", "username": "b"}}
        });
        let proto = from_json(&value, None);
        let member = proto.member.unwrap();
        assert_eq!(member.user.unwrap().id, 9);
        assert_eq!(member.nick, "N");
        assert_eq!(member.roles, vec![4, 5]);
        assert_eq!(member.joined_at, "2021-01-01T00:00:00.000000+00:00");
        assert!(member.mute && !member.deaf);
        assert_eq!(member.permissions, "2048");
        assert_eq!(proto.message_reference.unwrap().message_id, 6);
        let referenced = proto.referenced_message.unwrap();
        assert_eq!((referenced.id, referenced.guild_id), (6, 0));
        assert_eq!(referenced.content, "original");
    }
}
