//! Discord message → proto `Message`.
//! <https://discord.com/developers/docs/resources/message#message-object>

use super::{embed, int32, iso, user};
use discordproxy_proto::{Emoji, GuildMember, Message, message};
use serde::Deserialize;
use twilight_model::{
    channel::message::{EmojiReactionType, Message as DiscordMessage},
    guild::PartialMember,
};

/// Converts a message. `guild_id` is used when the message object has none (Discord leaves it
/// out of REST replies; the caller knows it from the channel).
pub fn from_discord(msg: &DiscordMessage, guild_id: Option<u64>) -> Message {
    Message {
        id: msg.id.get(),
        channel_id: msg.channel_id.get(),
        guild_id: msg.guild_id.map(|id| id.get()).or(guild_id).unwrap_or(0),
        author: Some(user::from_user(&msg.author)),
        member: msg
            .member
            .as_ref()
            .map(|member| from_member(member, &msg.author)),
        content: msg.content.clone(),
        timestamp: iso(msg.timestamp),
        edited_timestamp: msg.edited_timestamp.map(iso).unwrap_or_default(),
        tts: msg.tts,
        mention_everyone: msg.mention_everyone,
        mentions: msg.mentions.iter().map(user::from_mention).collect(),
        mention_roles: msg.mention_roles.iter().map(|id| id.get()).collect(),
        mention_channels: msg
            .mention_channels
            .iter()
            .map(|mention| mention.id.get())
            .collect(),
        attachments: msg
            .attachments
            .iter()
            .map(|attachment| message::Attachment {
                id: attachment.id.get(),
                filename: attachment.filename.clone(),
                size: int32(attachment.size),
                url: attachment.url.clone(),
                proxy_url: attachment.proxy_url.clone(),
                height: attachment.height.map_or(0, int32),
                width: attachment.width.map_or(0, int32),
            })
            .collect(),
        embeds: msg.embeds.iter().map(embed::from_discord).collect(),
        reactions: msg
            .reactions
            .iter()
            .map(|reaction| message::Reaction {
                count: int32(reaction.count),
                me: reaction.me,
                emoji: Some(emoji(&reaction.emoji)),
            })
            .collect(),
        nonce: String::new(),
        pinned: msg.pinned,
        webhook_id: msg.webhook_id.map_or(0, |id| id.get()),
        r#type: i32::from(u8::from(msg.kind)),
        activity: msg.activity.as_ref().map(|activity| message::Activity {
            r#type: i32::from(u8::from(activity.kind)),
            party_id: activity.party_id.clone().unwrap_or_default(),
        }),
        application: msg.application.as_ref().map(|app| message::Application {
            id: app.id.get(),
            cover_image: app
                .cover_image
                .map(|hash| hash.to_string())
                .unwrap_or_default(),
            description: app.description.clone(),
            icon: app.icon.map(|hash| hash.to_string()).unwrap_or_default(),
            name: app.name.clone(),
        }),
        message_reference: msg.reference.as_ref().map(|reference| message::Reference {
            message_id: reference.message_id.map_or(0, |id| id.get()),
            channel_id: reference.channel_id.map_or(0, |id| id.get()),
            guild_id: reference.guild_id.map_or(0, |id| id.get()),
            fail_if_not_exists: reference.fail_if_not_exists.unwrap_or(false),
        }),
        flags: msg.flags.map_or(0, |flags| int32(flags.bits())),
        stickers: msg
            .sticker_items
            .iter()
            .map(|sticker| message::Sticker {
                id: sticker.id.get(),
                name: sticker.name.clone(),
                format_type: i32::from(u8::from(sticker.format_type)),
                ..Default::default()
            })
            .collect(),
        referenced_message: msg
            .referenced_message
            .as_ref()
            .map(|referenced| Box::new(from_discord(referenced, guild_id))),
    }
}

fn from_member(member: &PartialMember, author: &twilight_model::user::User) -> GuildMember {
    GuildMember {
        user: Some(user::from_user(member.user.as_ref().unwrap_or(author))),
        nick: member.nick.clone().unwrap_or_default(),
        roles: member.roles.iter().map(|id| id.get()).collect(),
        joined_at: member.joined_at.map(iso).unwrap_or_default(),
        premium_since: member.premium_since.map(iso).unwrap_or_default(),
        deaf: member.deaf,
        mute: member.mute,
        pending: false,
        permissions: member
            .permissions
            .map(|p| p.bits().to_string())
            .unwrap_or_default(),
    }
}

fn emoji(reaction: &EmojiReactionType) -> Emoji {
    match reaction {
        EmojiReactionType::Custom { animated, id, name } => Emoji {
            id: id.get(),
            name: name.clone().unwrap_or_default(),
            animated: *animated,
            ..Default::default()
        },
        EmojiReactionType::Unicode { name } => Emoji {
            name: name.clone(),
            ..Default::default()
        },
    }
}

/// Converts Discord's message JSON. When the JSON does not fit twilight-model's `Message` (a
/// shape Discord introduced later), the message was still created: answer with the fields we
/// can read (id, channel id, content, timestamp) rather than an error that would make the
/// client send it again.
pub fn from_json(value: &serde_json::Value, guild_id: Option<u64>) -> Message {
    match DiscordMessage::deserialize(value) {
        Ok(msg) => from_discord(&msg, guild_id),
        Err(error) => {
            tracing::warn!(%error, "message from Discord did not fit the model; partial reply");
            let id = |key: &str| {
                value
                    .get(key)
                    .and_then(|v| v.as_str())
                    .and_then(|s| s.parse().ok())
            };
            let text = |key: &str| {
                value
                    .get(key)
                    .and_then(|v| v.as_str())
                    .unwrap_or_default()
                    .to_owned()
            };
            Message {
                id: id("id").unwrap_or(0),
                channel_id: id("channel_id").unwrap_or(0),
                guild_id: id("guild_id").or(guild_id).unwrap_or(0),
                content: text("content"),
                timestamp: text("timestamp"),
                ..Message::default()
            }
        }
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
        let discord: DiscordMessage = serde_json::from_str(CREATED).unwrap();
        let proto = from_discord(&discord, Some(300_000_000_000_000_001));
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
        let discord: DiscordMessage = serde_json::from_str(CREATED).unwrap();
        assert_eq!(from_discord(&discord, None).guild_id, 0);
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
}
