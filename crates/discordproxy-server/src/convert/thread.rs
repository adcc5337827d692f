//! Threads: Discord's thread JSON → proto (`ThreadMember`, `ThreadMetadata`, the thread fields
//! of `Channel`, thread lists, THREAD_MEMBERS_UPDATE and THREAD_LIST_SYNC), read tolerantly
//! (see [`super::json`]), and the proto requests → Discord's request bodies.
//! <https://discord.com/developers/docs/topics/threads>

use super::json::Object;
use super::message_body::{CreateFields, create_message_with};
use super::{channel, event, message_body};
use crate::error::{Error, Result};
use discordproxy_proto::{
    Channel, StartThreadFromMessageRequest, StartThreadInForumOrMediaChannelRequest,
    StartThreadWithoutMessageRequest, ThreadListSync, ThreadMember, ThreadMembersUpdate,
    ThreadMetadata,
};
use serde_json::{Map, Value, json};

/// A thread member object (`id` and `user_id` are 0 where Discord leaves them out, as in
/// GUILD_CREATE's threads; `member` when Discord sends it).
/// <https://discord.com/developers/docs/resources/channel#thread-member-object>
pub(crate) fn member_from_object(member: &Object<'_>) -> ThreadMember {
    ThreadMember {
        id: member.snowflake("id"),
        user_id: member.snowflake("user_id"),
        join_timestamp: member.timestamp("join_timestamp"),
        flags: member.int32("flags"),
        member: member
            .raw("member")
            .filter(|value| value.is_object())
            .map(event::from_member),
    }
}

/// A thread member object from JSON.
pub fn member_from_json(value: &Value) -> ThreadMember {
    member_from_object(&Object::new(value, "thread member"))
}

/// A thread's `thread_metadata`.
/// <https://discord.com/developers/docs/resources/channel#thread-metadata-object>
pub(crate) fn metadata_from_object(metadata: &Object<'_>) -> ThreadMetadata {
    ThreadMetadata {
        archived: metadata.boolean("archived"),
        auto_archive_duration: metadata.int32("auto_archive_duration"),
        archive_timestamp: metadata.timestamp("archive_timestamp"),
        locked: metadata.boolean("locked"),
        invitable: metadata.boolean("invitable"),
        create_timestamp: metadata.timestamp("create_timestamp"),
    }
}

/// Fills the thread fields of `proto` from the channel object `thread` (nothing for channels
/// without them).
pub(crate) fn fill_thread_fields(proto: &mut Channel, thread: &Object<'_>) {
    proto.owner_id = thread.snowflake("owner_id");
    proto.member_count = thread.int32("member_count");
    proto.message_count = thread.int32("message_count");
    proto.total_message_sent = thread.int32("total_message_sent");
    proto.thread_metadata = thread
        .object("thread_metadata", "thread metadata")
        .map(|metadata| metadata_from_object(&metadata));
    proto.applied_tags = thread.snowflakes("applied_tags");
    proto.member = thread
        .object("member", "thread member")
        .map(|member| member_from_object(&member));
}

/// A thread list answer `{"threads", "members", "has_more"}` (List Active Guild Threads and
/// the archived lists): the threads, the bot's memberships and `has_more` (false when absent).
pub fn listing(value: &Value) -> (Vec<Channel>, Vec<ThreadMember>, bool) {
    let listing = Object::new(value, "thread list");
    let threads = listing
        .array("threads")
        .iter()
        .filter(|thread| thread.is_object())
        .map(channel::from_json)
        .collect();
    let members = listing
        .objects("members", "thread member")
        .iter()
        .map(member_from_object)
        .collect();
    (threads, members, listing.boolean("has_more"))
}

/// THREAD_MEMBERS_UPDATE's payload.
/// <https://discord.com/developers/docs/events/gateway-events#thread-members-update>
pub fn members_update(value: &Value) -> ThreadMembersUpdate {
    let update = Object::new(value, "thread members update");
    ThreadMembersUpdate {
        id: update.snowflake("id"),
        guild_id: update.snowflake("guild_id"),
        member_count: update.int32("member_count"),
        added_members: update
            .objects("added_members", "thread member")
            .iter()
            .map(member_from_object)
            .collect(),
        removed_member_ids: update.snowflakes("removed_member_ids"),
    }
}

/// THREAD_LIST_SYNC's payload; threads without `guild_id` get the event's.
/// <https://discord.com/developers/docs/events/gateway-events#thread-list-sync>
pub fn list_sync(value: &Value) -> ThreadListSync {
    let sync = Object::new(value, "thread list sync");
    let guild_id = sync.snowflake("guild_id");
    ThreadListSync {
        guild_id,
        channel_ids: sync.snowflakes("channel_ids"),
        threads: sync
            .array("threads")
            .iter()
            .filter(|thread| thread.is_object())
            .map(|thread| {
                let mut thread = channel::from_json(thread);
                if thread.guild_id == 0 {
                    thread.guild_id = guild_id;
                }
                thread
            })
            .collect(),
        members: sync
            .objects("members", "thread member")
            .iter()
            .map(member_from_object)
            .collect(),
    }
}

/// The settings every thread create body shares: `name` always, `auto_archive_duration` and
/// `rate_limit_per_user` when set.
fn settings(name: &str, auto_archive: Option<i32>, rate_limit: Option<i32>) -> Map<String, Value> {
    let mut body = Map::new();
    body.insert("name".into(), json!(name));
    if let Some(minutes) = auto_archive {
        body.insert("auto_archive_duration".into(), json!(minutes));
    }
    if let Some(seconds) = rate_limit {
        body.insert("rate_limit_per_user".into(), json!(seconds));
    }
    body
}

/// Start Thread from Message's body.
/// <https://discord.com/developers/docs/resources/channel#start-thread-from-message-json-params>
pub fn start_thread_from_message(request: &StartThreadFromMessageRequest) -> Value {
    Value::Object(settings(
        &request.name,
        request.auto_archive_duration,
        request.rate_limit_per_user,
    ))
}

/// Start Thread without Message's body: also `type` and `invitable` when set.
/// <https://discord.com/developers/docs/resources/channel#start-thread-without-message-json-params>
pub fn start_thread_without_message(request: &StartThreadWithoutMessageRequest) -> Value {
    let mut body = settings(
        &request.name,
        request.auto_archive_duration,
        request.rate_limit_per_user,
    );
    if let Some(kind) = request.r#type {
        body.insert("type".into(), json!(kind));
    }
    if let Some(invitable) = request.invitable {
        body.insert("invitable".into(), json!(invitable));
    }
    Value::Object(body)
}

/// Start Thread in Forum or Media Channel's body: the settings, `applied_tags` when non-empty,
/// and `message` built like a Create Message body (`content` when non-empty, `embeds`
/// without all-default ones, `allowed_mentions` when set, `sticker_ids`, `flags` when
/// non-zero; no nonce).
/// <https://discord.com/developers/docs/resources/channel#start-thread-in-forum-or-media-channel-jsonform-params>
///
/// # Errors
/// [`Error::InvalidArgument`] without `message`, or for an id of 0 in `applied_tags`,
/// `sticker_ids` or `allowed_mentions` (naming the field).
pub fn start_thread_in_forum(request: &StartThreadInForumOrMediaChannelRequest) -> Result<Value> {
    let Some(message) = request.message.as_ref() else {
        return Err(Error::InvalidArgument(
            "message is required: the post's first message".into(),
        ));
    };
    let mut body = settings(
        &request.name,
        request.auto_archive_duration,
        request.rate_limit_per_user,
    );
    let fields = CreateFields {
        content: &message.content,
        embed: None,
        embeds: &message.embeds,
        suppress_mentions: false,
        allowed_mentions: message.allowed_mentions.as_ref(),
        nonce: "",
        enforce_nonce: None,
        message_reference: None,
        flags: message.flags,
        tts: false,
        sticker_ids: &message.sticker_ids,
        components: &message.components,
        files: &message.files,
    };
    let message = create_message_with(&fields).map_err(|error| match error {
        Error::InvalidArgument(text) => Error::InvalidArgument(format!("message.{text}")),
        other => other,
    })?;
    if !request.applied_tags.is_empty() {
        body.insert(
            "applied_tags".into(),
            json!(message_body::ids(&request.applied_tags, "applied_tags")?),
        );
    }
    body.insert("message".into(), message);
    Ok(Value::Object(body))
}

#[cfg(test)]
mod tests {
    use super::*;
    use discordproxy_proto::{Embed, ForumThreadMessage};

    #[test]
    fn thread_channels_get_their_fields() {
        let thread = channel::from_json(&json!({"id": "9", "type": 11, "guild_id": "3",
            "parent_id": "4", "owner_id": "5", "member_count": 2, "message_count": 7,
            "total_message_sent": 8, "applied_tags": ["70"],
            "thread_metadata": {"archived": true, "auto_archive_duration": 60,
                "archive_timestamp": "2026-01-01T00:00:00.000000+00:00", "locked": false,
                "invitable": true, "create_timestamp": "2026-01-01T00:00:00+00:00"},
            "member": {"id": "9", "user_id": "5", "join_timestamp":
                "2026-01-01T00:00:00.000000+00:00", "flags": 1}}));
        assert_eq!(thread.owner_id, 5);
        assert_eq!(thread.discord_type, 11);
        assert_eq!(
            (
                thread.member_count,
                thread.message_count,
                thread.total_message_sent
            ),
            (2, 7, 8)
        );
        assert_eq!(thread.applied_tags, [70]);
        let metadata = thread.thread_metadata.unwrap();
        assert!(metadata.archived && metadata.invitable && !metadata.locked);
        assert_eq!(metadata.auto_archive_duration, 60);
        assert_eq!(
            metadata.create_timestamp,
            "2026-01-01T00:00:00.000000+00:00"
        );
        assert_eq!(thread.member.unwrap().flags, 1);
        // A channel that is no thread has none of them.
        let text = channel::from_json(&json!({"id": "1", "type": 0}));
        assert!(text.thread_metadata.is_none() && text.member.is_none());
    }

    #[test]
    fn members_lists_and_events_are_read_tolerantly() {
        let member = member_from_json(&json!({"id": "9", "user_id": "5",
            "join_timestamp": "nonsense", "flags": "x", "member": {"user": {"id": "5",
            "username": "u"}, "roles": [], "nick": "N"}}));
        assert_eq!((member.id, member.user_id, member.flags), (9, 5, 0));
        assert_eq!(member.join_timestamp, "nonsense");
        assert_eq!(member.member.unwrap().nick, "N");
        let (threads, members, more) =
            listing(&json!({"threads": [{"id": "1", "type": 12}, 5], "members": [{"id": "1"}]}));
        assert_eq!((threads.len(), members.len(), more), (1, 1, false));
        let update = members_update(&json!({"id": "1", "guild_id": "2", "member_count": 3,
            "added_members": [{"id": "1", "user_id": "7", "member": null, "presence": null}],
            "removed_member_ids": ["8"]}));
        assert_eq!(update.added_members[0].user_id, 7);
        assert_eq!(update.removed_member_ids, [8]);
        let sync = list_sync(&json!({"guild_id": "2", "channel_ids": ["4"],
            "threads": [{"id": "1", "type": 11}], "members": []}));
        assert_eq!(sync.threads[0].guild_id, 2);
        assert_eq!(sync.channel_ids, [4]);
    }

    #[test]
    fn bodies_send_only_what_is_set() {
        let body = start_thread_from_message(&StartThreadFromMessageRequest {
            name: "t".into(),
            ..Default::default()
        });
        assert_eq!(body, json!({"name": "t"}));
        let body = start_thread_without_message(&StartThreadWithoutMessageRequest {
            name: "t".into(),
            auto_archive_duration: Some(60),
            r#type: Some(12),
            invitable: Some(false),
            rate_limit_per_user: Some(0),
            ..Default::default()
        });
        assert_eq!(
            body,
            json!({"name": "t", "auto_archive_duration": 60, "rate_limit_per_user": 0,
                   "type": 12, "invitable": false})
        );
        let mut request = StartThreadInForumOrMediaChannelRequest {
            name: "p".into(),
            applied_tags: vec![70],
            message: Some(ForumThreadMessage {
                content: "hi".into(),
                embeds: vec![Embed::default()],
                ..Default::default()
            }),
            ..Default::default()
        };
        assert_eq!(
            start_thread_in_forum(&request).unwrap(),
            json!({"name": "p", "applied_tags": ["70"], "message": {"content": "hi"}})
        );
        request.applied_tags = vec![0];
        assert!(start_thread_in_forum(&request).is_err());
        request.message = None;
        assert!(start_thread_in_forum(&request).is_err());
    }
}
