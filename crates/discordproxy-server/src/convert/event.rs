//! A raw gateway dispatch frame → proto `GatewayEvent`, with a typed view for message, member,
//! channel, reaction, thread, role, ban and interaction events.
//! <https://discord.com/developers/docs/events/gateway-events#payload-structure>

use super::{channel, json, message, reaction_event, thread};
use discordproxy_proto::{
    GatewayEvent, GuildBanEvent, GuildMember, GuildRoleEvent, gateway_event::Typed,
};
use serde_json::Value;

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
        position: 0, // given by the event bus when published
    })
}

/// The typed view; partial payloads (MESSAGE_DELETE, GUILD_MEMBER_REMOVE) fill what they carry.
fn typed(name: &str, data: &Value, guild_id: u64) -> Option<Typed> {
    let guild = (guild_id != 0).then_some(guild_id);
    match name {
        "MESSAGE_CREATE" | "MESSAGE_UPDATE" | "MESSAGE_DELETE" => {
            Some(Typed::Message(message::from_json(data, guild)))
        }
        "GUILD_MEMBER_ADD" | "GUILD_MEMBER_UPDATE" | "GUILD_MEMBER_REMOVE" => {
            Some(Typed::Member(from_member(data)))
        }
        "CHANNEL_CREATE" | "CHANNEL_UPDATE" | "CHANNEL_DELETE" | "THREAD_CREATE"
        | "THREAD_UPDATE" | "THREAD_DELETE" => {
            let mut channel = channel::from_json(data);
            if channel.guild_id == 0 {
                channel.guild_id = guild_id;
            }
            Some(Typed::Channel(channel))
        }
        name if reaction_event::is_reaction_event(name) => {
            Some(Typed::Reaction(reaction_event::from_json(data, guild_id)))
        }
        "THREAD_MEMBER_UPDATE" => Some(Typed::ThreadMember(thread::member_from_json(data))),
        "THREAD_MEMBERS_UPDATE" => Some(Typed::ThreadMembersUpdate(thread::members_update(data))),
        "THREAD_LIST_SYNC" => Some(Typed::ThreadListSync(thread::list_sync(data))),
        "GUILD_ROLE_CREATE" | "GUILD_ROLE_UPDATE" | "GUILD_ROLE_DELETE" => {
            let role = data
                .get("role")
                .filter(|role| role.is_object())
                .map(super::role::from_json);
            let role_id = role
                .as_ref()
                .map(|role| role.id)
                .or_else(|| snowflake(data.get("role_id")))
                .unwrap_or(0);
            Some(Typed::RoleEvent(GuildRoleEvent {
                guild_id,
                role,
                role_id,
            }))
        }
        "GUILD_BAN_ADD" | "GUILD_BAN_REMOVE" => Some(Typed::BanEvent(GuildBanEvent {
            guild_id,
            user: data
                .get("user")
                .filter(|user| user.is_object())
                .map(super::user::from_json),
        })),
        "INTERACTION_CREATE" => Some(Typed::Interaction(super::interaction_event::from_json(
            data,
        ))),
        _ => None,
    }
}

/// A guild member object (GUILD_MEMBER_ADD/UPDATE/REMOVE), read tolerantly.
/// <https://discord.com/developers/docs/resources/guild#guild-member-object>
pub fn from_member(data: &Value) -> GuildMember {
    super::member::from_json(data)
}

fn snowflake(value: Option<&Value>) -> Option<u64> {
    value.and_then(json::snowflake)
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
    fn thread_events_are_typed() {
        let frame = |t: &str, d: Value| json!({"op": 0, "s": 1, "t": t, "d": d});
        let create = frame(
            "THREAD_CREATE",
            json!({"id": "11", "type": 11, "guild_id": "9", "parent_id": "4",
                   "owner_id": "1", "newly_created": true,
                   "thread_metadata": {"archived": false, "auto_archive_duration": 60}}),
        );
        let Some(Typed::Channel(thread)) = from_frame(&create, 0, String::new()).unwrap().typed
        else {
            panic!()
        };
        assert_eq!(
            (thread.id, thread.owner_id, thread.discord_type),
            (11, 1, 11)
        );
        assert_eq!(thread.thread_metadata.unwrap().auto_archive_duration, 60);
        let member = frame(
            "THREAD_MEMBER_UPDATE",
            json!({"id": "11", "user_id": "1", "guild_id": "9", "flags": 0,
                   "join_timestamp": "2026-01-01T00:00:00.000000+00:00"}),
        );
        let event = from_frame(&member, 0, String::new()).unwrap();
        assert_eq!(event.guild_id, 9);
        let Some(Typed::ThreadMember(member)) = event.typed else {
            panic!()
        };
        assert_eq!(member.user_id, 1);
        let update = frame(
            "THREAD_MEMBERS_UPDATE",
            json!({"id": "11", "guild_id": "9", "member_count": 0,
                   "removed_member_ids": ["1"]}),
        );
        let Some(Typed::ThreadMembersUpdate(update)) =
            from_frame(&update, 0, String::new()).unwrap().typed
        else {
            panic!()
        };
        assert_eq!(update.removed_member_ids, [1]);
        let sync = frame(
            "THREAD_LIST_SYNC",
            json!({"guild_id": "9", "threads": [{"id": "11", "type": 11}], "members": []}),
        );
        let Some(Typed::ThreadListSync(sync)) = from_frame(&sync, 0, String::new()).unwrap().typed
        else {
            panic!()
        };
        assert_eq!(sync.threads[0].guild_id, 9);
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

    #[test]
    fn odd_members_and_messages_are_typed_with_what_fits() {
        let add = json!({"op": 0, "s": 4, "t": "GUILD_MEMBER_ADD", "d": {"guild_id": "9",
            "user": {"id": "7", "username": "u", "avatar": "odd hash", "premium_type": 50},
            "roles": ["1"], "joined_at": "2021-01-01T00:00:00+00:00", "deaf": false,
            "mute": false, "flags": 0, "unusual_dm_activity_until": "soon", "pending": true}});
        let Some(Typed::Member(member)) = from_frame(&add, 0, String::new()).unwrap().typed else {
            panic!()
        };
        let user = member.user.unwrap();
        assert_eq!((user.id, user.avatar.as_str()), (7, "odd hash"));
        assert_eq!(member.roles, vec![1]);
        assert!(member.pending);
        let update = json!({"op": 0, "s": 5, "t": "MESSAGE_UPDATE", "d": {"id": "3",
            "channel_id": "4", "guild_id": "9", "content": "edited",
            "author": {"id": "7", "username": "u", "avatar": 42}}});
        let Some(Typed::Message(message)) = from_frame(&update, 0, String::new()).unwrap().typed
        else {
            panic!()
        };
        assert_eq!((message.id, message.guild_id), (3, 9));
        assert_eq!(message.content, "edited");
        assert_eq!(message.author.unwrap().id, 7);
    }

    #[test]
    fn role_events_are_typed() {
        let frame = json!({"op": 0, "s": 7, "t": "GUILD_ROLE_UPDATE", "d": {
            "guild_id": "300000000000000001",
            "role": {"id": "500000000000000001", "name": "Member", "position": 1}}});
        let event = from_frame(&frame, 0, "now".into()).unwrap();
        let Some(Typed::RoleEvent(role)) = event.typed else {
            panic!("typed: {:?}", event.typed);
        };
        assert_eq!(
            (role.guild_id, role.role_id),
            (300000000000000001, 500000000000000001)
        );
        assert_eq!(role.role.unwrap().name, "Member");
        let frame = json!({"op": 0, "s": 8, "t": "GUILD_ROLE_DELETE", "d": {
            "guild_id": "300000000000000001", "role_id": "500000000000000009"}});
        let Some(Typed::RoleEvent(role)) = from_frame(&frame, 0, "now".into()).unwrap().typed
        else {
            panic!("typed");
        };
        assert_eq!(role.role_id, 500000000000000009);
        assert!(role.role.is_none());
    }
}
