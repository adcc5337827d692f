//! Issue 12, threads: the thirteen thread RPCs end to end against the emulator: the REST
//! request (method, path, query, `X-Audit-Log-Reason`, the body judged by Discord's OpenAPI
//! request schema), the typed answer and its JSON (every 2xx answer judged by the OpenAPI
//! response schema), one Discord error per RPC with the error contract, limits refused
//! without a request, and THREAD_CREATE on StreamEvents with its typed view.

use crate::message_support::{
    GENERAL, GUILD, READ_ONLY, STAFF_ONLY, UNKNOWN_CHANNEL, audit_log_reason, details,
    discord_error, judge_body, judge_response, only_request_since, plain_text, requests_since,
    route, send,
};
use discord_emulator::{Fixture, Options, RecordedRequest};
use discordproxy_proto::{
    AddThreadMemberRequest, Embed, ForumThreadMessage, GatewayEvent, GetThreadMemberRequest,
    JoinThreadRequest, LeaveThreadRequest, ListActiveGuildThreadsRequest,
    ListJoinedPrivateArchivedThreadsRequest, ListPrivateArchivedThreadsRequest,
    ListPublicArchivedThreadsRequest, ListThreadMembersRequest, RemoveThreadMemberRequest,
    StartThreadFromMessageRequest, StartThreadInForumOrMediaChannelRequest,
    StartThreadWithoutMessageRequest, StreamEventsRequest, discord_api_client::DiscordApiClient,
    gateway_event::Typed,
};
use discordproxy_server::{GatewayOptions, ShardCount};
use discordproxy_tests::stack::Stack;
use serde_json::{Value, json};
use std::time::Duration;
use tonic::Code;
use tonic::transport::Channel as GrpcChannel;

const BOT: u64 = 100_000_000_000_000_001;
const ALICE: u64 = 200_000_000_000_000_001;
/// In the fixture, but not a member of the guild.
const BOB: u64 = 200_000_000_000_000_002;
const CAROL: u64 = 200_000_000_000_000_003;
const VOICE: u64 = 400_000_000_000_000_003;
const FORUM: u64 = 400_000_000_000_000_005;
const QUESTION_TAG: u64 = 700_000_000_000_000_001;

type Client = DiscordApiClient<GrpcChannel>;

/// A stack without rate limits (the scenarios start many threads quickly).
async fn start() -> Stack {
    let mut options = Options::new(Fixture::default_fixture());
    options.rate_limits.mode = discord_emulator::config::RateLimits::Off;
    Stack::start_with_options(options, None).await
}

/// Asserts the answer JSON is Discord's body as the emulator sent it, and that Discord's
/// OpenAPI accepts it.
fn same_json(json: &str, request: &RecordedRequest) {
    judge_response(request);
    let json: Value = serde_json::from_str(json).unwrap();
    assert_eq!(Some(&json), request.response.as_ref());
}

/// Archives `thread` over REST (`PATCH /channels/{id}` with `archived: true`).
async fn archive(stack: &Stack, thread: u64) {
    let response = reqwest::Client::new()
        .patch(format!(
            "{}/channels/{thread}",
            stack.emulator.api_base_url()
        ))
        .header("Authorization", format!("Bot {}", stack.emulator.token()))
        .json(&json!({"archived": true}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
}

/// Starts a private thread in #general; returns its id.
async fn private_thread(client: &mut Client, name: &str) -> u64 {
    client
        .start_thread_without_message(StartThreadWithoutMessageRequest {
            channel_id: GENERAL,
            name: name.into(),
            r#type: Some(12),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner()
        .channel
        .unwrap()
        .id
}

#[tokio::test]
async fn threads_are_started_from_messages_without_them_and_in_forums() {
    let stack = start().await;
    let mut client = stack.client().await;
    let message = send(&stack, "start a thread here")
        .await
        .message
        .unwrap()
        .id;

    let skip = stack.emulator.requests().len();
    let reply = client
        .start_thread_from_message(StartThreadFromMessageRequest {
            channel_id: GENERAL,
            message_id: message,
            name: "from a message".into(),
            auto_archive_duration: Some(60),
            rate_limit_per_user: Some(5),
            audit_log_reason: "thread ✓".into(),
        })
        .await
        .unwrap()
        .into_inner();
    let post = only_request_since(&stack, skip);
    assert_eq!(
        route(&post),
        format!("POST /channels/{GENERAL}/messages/{message}/threads")
    );
    assert_eq!(post.status, Some(201));
    assert_eq!(audit_log_reason(&post).as_deref(), Some("thread ✓"));
    assert_eq!(
        judge_body(&post),
        json!({"name": "from a message", "auto_archive_duration": 60, "rate_limit_per_user": 5})
    );
    same_json(&reply.json, &post);
    let thread = reply.channel.unwrap();
    assert_eq!(thread.id, message, "a thread from a message has its id");
    assert_eq!(
        (thread.discord_type, thread.parent_id, thread.guild_id),
        (11, GENERAL, GUILD)
    );
    assert_eq!((thread.owner_id, thread.member_count), (BOT, 1));
    assert_eq!(thread.rate_limit_per_user, 5);
    let metadata = thread.thread_metadata.unwrap();
    assert_eq!(metadata.auto_archive_duration, 60);
    assert!(!metadata.archived && !metadata.locked);
    assert!(!metadata.archive_timestamp.is_empty());

    let skip = stack.emulator.requests().len();
    let reply = client
        .start_thread_without_message(StartThreadWithoutMessageRequest {
            channel_id: GENERAL,
            name: "private".into(),
            r#type: Some(12),
            invitable: Some(false),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    let post = only_request_since(&stack, skip);
    assert_eq!(route(&post), format!("POST /channels/{GENERAL}/threads"));
    assert_eq!(audit_log_reason(&post), None);
    assert_eq!(
        judge_body(&post),
        json!({"name": "private", "type": 12, "invitable": false})
    );
    same_json(&reply.json, &post);
    let private = reply.channel.unwrap();
    assert_eq!(private.discord_type, 12);
    assert!(!private.thread_metadata.unwrap().invitable);

    let skip = stack.emulator.requests().len();
    let reply = client
        .start_thread_in_forum_or_media_channel(StartThreadInForumOrMediaChannelRequest {
            channel_id: FORUM,
            name: "How do threads work?".into(),
            applied_tags: vec![QUESTION_TAG],
            message: Some(ForumThreadMessage {
                content: "first post".into(),
                embeds: vec![
                    Embed {
                        title: "details".into(),
                        ..Default::default()
                    },
                    Embed::default(),
                ],
                ..Default::default()
            }),
            audit_log_reason: "post".into(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    let post = only_request_since(&stack, skip);
    assert_eq!(route(&post), format!("POST /channels/{FORUM}/threads"));
    assert_eq!(audit_log_reason(&post).as_deref(), Some("post"));
    assert_eq!(
        judge_body(&post),
        json!({"name": "How do threads work?", "applied_tags": [QUESTION_TAG.to_string()],
               "message": {"content": "first post", "embeds": [{"title": "details"}]}})
    );
    same_json(&reply.json, &post);
    let forum_post = reply.channel.unwrap();
    assert_eq!(
        (forum_post.parent_id, forum_post.applied_tags.as_slice()),
        (FORUM, &[QUESTION_TAG][..])
    );
    let first = reply.message.unwrap();
    assert_eq!(
        first.id, forum_post.id,
        "the first message has the thread's id"
    );
    assert_eq!(first.channel_id, forum_post.id);
    assert_eq!(first.content, "first post");
    assert_eq!(first.embeds[0].title, "details");
    stack.stop().await;
}

#[tokio::test]
async fn thread_members_join_leave_add_remove_get_and_list() {
    let stack = start().await;
    let mut client = stack.client().await;
    let thread = private_thread(&mut client, "members").await;
    let members = format!("/channels/{thread}/thread-members");

    for (user, reason) in [(ALICE, "invite"), (CAROL, "")] {
        let skip = stack.emulator.requests().len();
        client
            .add_thread_member(AddThreadMemberRequest {
                channel_id: thread,
                user_id: user,
                audit_log_reason: reason.into(),
            })
            .await
            .unwrap();
        let put = only_request_since(&stack, skip);
        assert_eq!(route(&put), format!("PUT {members}/{user}"));
        assert_eq!((put.status, put.body.clone()), (Some(204), None));
        assert_eq!(
            audit_log_reason(&put),
            (!reason.is_empty()).then(|| reason.to_owned())
        );
    }

    let skip = stack.emulator.requests().len();
    let reply = client
        .get_thread_member(GetThreadMemberRequest {
            channel_id: thread,
            user_id: ALICE,
            with_member: true,
        })
        .await
        .unwrap()
        .into_inner();
    let get = only_request_since(&stack, skip);
    assert_eq!(
        (route(&get), get.query.as_str()),
        (format!("GET {members}/{ALICE}"), "with_member=true")
    );
    same_json(&reply.json, &get);
    let member = reply.member.unwrap();
    assert_eq!((member.id, member.user_id), (thread, ALICE));
    assert!(!member.join_timestamp.is_empty());
    let guild_member = member.member.unwrap();
    assert_eq!(guild_member.nick, "Ali");
    assert_eq!(guild_member.user.unwrap().id, ALICE);

    let skip = stack.emulator.requests().len();
    let reply = client
        .list_thread_members(ListThreadMembersRequest {
            channel_id: thread,
            with_member: false,
            after: BOT,
            limit: Some(1),
        })
        .await
        .unwrap()
        .into_inner();
    let get = only_request_since(&stack, skip);
    assert_eq!(
        (route(&get), get.query.as_str()),
        (format!("GET {members}"), &*format!("after={BOT}&limit=1"))
    );
    same_json(&reply.json, &get);
    let ids: Vec<u64> = reply.members.iter().map(|m| m.user_id).collect();
    assert_eq!(ids, [ALICE]);
    assert!(reply.members[0].member.is_none());

    let skip = stack.emulator.requests().len();
    client
        .remove_thread_member(RemoveThreadMemberRequest {
            channel_id: thread,
            user_id: CAROL,
            audit_log_reason: "bye".into(),
        })
        .await
        .unwrap();
    let delete = only_request_since(&stack, skip);
    assert_eq!(route(&delete), format!("DELETE {members}/{CAROL}"));
    assert_eq!(
        (delete.status, audit_log_reason(&delete).as_deref()),
        (Some(204), Some("bye"))
    );

    let skip = stack.emulator.requests().len();
    client
        .leave_thread(LeaveThreadRequest {
            channel_id: thread,
            audit_log_reason: String::new(),
        })
        .await
        .unwrap();
    let delete = only_request_since(&stack, skip);
    assert_eq!(route(&delete), format!("DELETE {members}/@me"));
    assert_eq!(delete.status, Some(204));

    let skip = stack.emulator.requests().len();
    client
        .join_thread(JoinThreadRequest {
            channel_id: thread,
            audit_log_reason: "back".into(),
        })
        .await
        .unwrap();
    let put = only_request_since(&stack, skip);
    assert_eq!(route(&put), format!("PUT {members}/@me"));
    assert_eq!(
        (put.status, audit_log_reason(&put).as_deref()),
        (Some(204), Some("back"))
    );
    let all = client
        .list_thread_members(ListThreadMembersRequest {
            channel_id: thread,
            with_member: true,
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    let ids: Vec<u64> = all.members.iter().map(|m| m.user_id).collect();
    assert_eq!(ids, [BOT, ALICE]);
    assert!(all.members.iter().all(|m| m.member.is_some()));
    stack.stop().await;
}

#[tokio::test]
async fn active_and_archived_thread_lists() {
    let stack = start().await;
    let mut client = stack.client().await;
    let message = send(&stack, "public thread").await.message.unwrap().id;
    let public = client
        .start_thread_from_message(StartThreadFromMessageRequest {
            channel_id: GENERAL,
            message_id: message,
            name: "public".into(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner()
        .channel
        .unwrap()
        .id;
    let private = private_thread(&mut client, "private").await;

    let skip = stack.emulator.requests().len();
    let active = client
        .list_active_guild_threads(ListActiveGuildThreadsRequest { guild_id: GUILD })
        .await
        .unwrap()
        .into_inner();
    let get = only_request_since(&stack, skip);
    assert_eq!(
        (route(&get), get.query.as_str()),
        (format!("GET /guilds/{GUILD}/threads/active"), "")
    );
    same_json(&active.json, &get);
    let ids: Vec<u64> = active.threads.iter().map(|t| t.id).collect();
    assert_eq!(ids, [public, private]);
    assert_eq!(active.members.len(), 2);
    assert!(active.members.iter().all(|m| m.user_id == BOT));
    assert!(!active.has_more);

    archive(&stack, public).await;
    archive(&stack, private).await;

    let skip = stack.emulator.requests().len();
    let listed = client
        .list_public_archived_threads(ListPublicArchivedThreadsRequest {
            channel_id: GENERAL,
            limit: Some(10),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    let get = only_request_since(&stack, skip);
    assert_eq!(
        (route(&get), get.query.as_str()),
        (
            format!("GET /channels/{GENERAL}/threads/archived/public"),
            "limit=10"
        )
    );
    same_json(&listed.json, &get);
    assert_eq!(listed.threads.len(), 1);
    assert_eq!(listed.threads[0].id, public);
    assert!(listed.threads[0].thread_metadata.as_ref().unwrap().archived);

    let skip = stack.emulator.requests().len();
    let before = "2099-01-01T00:00:00+00:00";
    let listed = client
        .list_private_archived_threads(ListPrivateArchivedThreadsRequest {
            channel_id: GENERAL,
            before: before.into(),
            limit: None,
        })
        .await
        .unwrap()
        .into_inner();
    let get = only_request_since(&stack, skip);
    assert_eq!(
        (route(&get), get.query.as_str()),
        (
            format!("GET /channels/{GENERAL}/threads/archived/private"),
            "before=2099-01-01T00%3A00%3A00%2B00%3A00"
        )
    );
    same_json(&listed.json, &get);
    let ids: Vec<u64> = listed.threads.iter().map(|t| t.id).collect();
    assert_eq!(ids, [private]);
    assert_eq!(listed.members[0].id, private);

    let skip = stack.emulator.requests().len();
    let listed = client
        .list_joined_private_archived_threads(ListJoinedPrivateArchivedThreadsRequest {
            channel_id: GENERAL,
            before: private + 1,
            limit: Some(2),
        })
        .await
        .unwrap()
        .into_inner();
    let get = only_request_since(&stack, skip);
    assert_eq!(
        (route(&get), get.query.as_str()),
        (
            format!("GET /channels/{GENERAL}/users/@me/threads/archived/private"),
            &*format!("before={}&limit=2", private + 1)
        )
    );
    same_json(&listed.json, &get);
    assert_eq!(listed.threads[0].id, private);
    assert!(!listed.has_more);
    stack.stop().await;
}

/// Asserts a Discord error with its gRPC code and JSON details.
#[tokio::test]
async fn discords_thread_errors_keep_the_error_contract() {
    let stack = start().await;
    let mut client = stack.client().await;
    let message = send(&stack, "once").await.message.unwrap().id;
    let from_message = StartThreadFromMessageRequest {
        channel_id: GENERAL,
        message_id: message,
        name: "once".into(),
        ..Default::default()
    };
    client
        .start_thread_from_message(from_message.clone())
        .await
        .unwrap();
    let status = client
        .start_thread_from_message(from_message)
        .await
        .unwrap_err();
    discord_error(
        &status,
        Code::InvalidArgument,
        400,
        160_004,
        "A thread has already been created for this message",
    );
    let wrong_type = "Cannot execute action on this channel type";
    let status = client
        .start_thread_without_message(StartThreadWithoutMessageRequest {
            channel_id: VOICE,
            name: "t".into(),
            ..Default::default()
        })
        .await
        .unwrap_err();
    discord_error(&status, Code::InvalidArgument, 400, 50024, wrong_type);
    // A text channel refuses a forum post.
    let status = client
        .start_thread_in_forum_or_media_channel(StartThreadInForumOrMediaChannelRequest {
            channel_id: GENERAL,
            name: "t".into(),
            message: Some(ForumThreadMessage {
                content: "x".into(),
                ..Default::default()
            }),
            ..Default::default()
        })
        .await
        .unwrap_err();
    discord_error(&status, Code::InvalidArgument, 400, 50024, wrong_type);
    let status = client
        .join_thread(JoinThreadRequest {
            channel_id: GENERAL,
            ..Default::default()
        })
        .await
        .unwrap_err();
    discord_error(&status, Code::InvalidArgument, 400, 50024, wrong_type);

    let thread = private_thread(&mut client, "errors").await;
    let status = client
        .add_thread_member(AddThreadMemberRequest {
            channel_id: thread,
            user_id: BOB,
            ..Default::default()
        })
        .await
        .unwrap_err();
    discord_error(&status, Code::NotFound, 404, 10007, "Unknown Member");
    let status = client
        .get_thread_member(GetThreadMemberRequest {
            channel_id: thread,
            user_id: CAROL,
            with_member: false,
        })
        .await
        .unwrap_err();
    discord_error(&status, Code::NotFound, 404, 10007, "Unknown Member");
    let status = client
        .remove_thread_member(RemoveThreadMemberRequest {
            channel_id: UNKNOWN_CHANNEL,
            user_id: ALICE,
            ..Default::default()
        })
        .await
        .unwrap_err();
    discord_error(&status, Code::NotFound, 404, 10003, "Unknown Channel");
    let status = client
        .list_thread_members(ListThreadMembersRequest {
            channel_id: UNKNOWN_CHANNEL,
            ..Default::default()
        })
        .await
        .unwrap_err();
    discord_error(&status, Code::NotFound, 404, 10003, "Unknown Channel");
    archive(&stack, thread).await;
    let status = client
        .leave_thread(LeaveThreadRequest {
            channel_id: thread,
            ..Default::default()
        })
        .await
        .unwrap_err();
    discord_error(
        &status,
        Code::InvalidArgument,
        400,
        50083,
        "Thread is archived",
    );
    let status = client
        .list_active_guild_threads(ListActiveGuildThreadsRequest { guild_id: 42 })
        .await
        .unwrap_err();
    discord_error(&status, Code::NotFound, 404, 10004, "Unknown Guild");
    let status = client
        .list_public_archived_threads(ListPublicArchivedThreadsRequest {
            channel_id: STAFF_ONLY,
            ..Default::default()
        })
        .await
        .unwrap_err();
    discord_error(
        &status,
        Code::PermissionDenied,
        403,
        50001,
        "Missing Access",
    );
    let status = client
        .list_private_archived_threads(ListPrivateArchivedThreadsRequest {
            channel_id: READ_ONLY,
            ..Default::default()
        })
        .await
        .unwrap_err();
    discord_error(
        &status,
        Code::PermissionDenied,
        403,
        50013,
        "Missing Permissions",
    );
    let status = client
        .list_joined_private_archived_threads(ListJoinedPrivateArchivedThreadsRequest {
            channel_id: UNKNOWN_CHANNEL,
            ..Default::default()
        })
        .await
        .unwrap_err();
    discord_error(&status, Code::NotFound, 404, 10003, "Unknown Channel");
    stack.stop().await;
}

#[tokio::test]
async fn thread_limits_are_refused_without_a_request() {
    let stack = start().await;
    let mut client = stack.client().await;
    let skip = stack.emulator.requests().len();
    let invalid = |status: tonic::Status, text: &str| {
        discord_error(&status, Code::InvalidArgument, 400, 50035, text);
    };
    invalid(
        client
            .start_thread_from_message(StartThreadFromMessageRequest {
                channel_id: GENERAL,
                message_id: 5,
                name: "x".repeat(101),
                ..Default::default()
            })
            .await
            .unwrap_err(),
        "Invalid Form Body\nIn name: Must be between 1 and 100 in length.",
    );
    invalid(
        client
            .start_thread_without_message(StartThreadWithoutMessageRequest {
                channel_id: GENERAL,
                name: "t".into(),
                auto_archive_duration: Some(30),
                rate_limit_per_user: Some(21601),
                ..Default::default()
            })
            .await
            .unwrap_err(),
        "Invalid Form Body\nIn auto_archive_duration: Value must be one of {60, 1440, 4320, \
         10080}.\nIn rate_limit_per_user: int value should be less than or equal to 21600.",
    );
    invalid(
        client
            .start_thread_in_forum_or_media_channel(StartThreadInForumOrMediaChannelRequest {
                channel_id: FORUM,
                name: String::new(),
                message: Some(ForumThreadMessage {
                    content: "x".repeat(2001),
                    ..Default::default()
                }),
                ..Default::default()
            })
            .await
            .unwrap_err(),
        "Invalid Form Body\nIn name: Must be between 1 and 100 in length.\nIn \
         message.content: Must be 2000 or fewer in length.",
    );
    invalid(
        client
            .list_thread_members(ListThreadMembersRequest {
                channel_id: GENERAL,
                limit: Some(101),
                ..Default::default()
            })
            .await
            .unwrap_err(),
        "Invalid Form Body\nIn limit: int value should be less than or equal to 100.",
    );
    for status in [
        client
            .list_public_archived_threads(ListPublicArchivedThreadsRequest {
                channel_id: GENERAL,
                limit: Some(1),
                ..Default::default()
            })
            .await
            .unwrap_err(),
        client
            .list_private_archived_threads(ListPrivateArchivedThreadsRequest {
                channel_id: GENERAL,
                limit: Some(1),
                ..Default::default()
            })
            .await
            .unwrap_err(),
        client
            .list_joined_private_archived_threads(ListJoinedPrivateArchivedThreadsRequest {
                channel_id: GENERAL,
                limit: Some(101),
                ..Default::default()
            })
            .await
            .unwrap_err(),
    ] {
        assert_eq!(status.code(), Code::InvalidArgument);
        assert_eq!(details(&status)["code"], json!(50035));
    }
    // Ids of 0 and a post without its message are plain-text INVALID_ARGUMENT.
    let plain = [
        client
            .join_thread(JoinThreadRequest::default())
            .await
            .unwrap_err(),
        client
            .add_thread_member(AddThreadMemberRequest {
                channel_id: GENERAL,
                ..Default::default()
            })
            .await
            .unwrap_err(),
        client
            .get_thread_member(GetThreadMemberRequest::default())
            .await
            .unwrap_err(),
        client
            .list_active_guild_threads(ListActiveGuildThreadsRequest::default())
            .await
            .unwrap_err(),
        client
            .start_thread_in_forum_or_media_channel(StartThreadInForumOrMediaChannelRequest {
                channel_id: FORUM,
                name: "no message".into(),
                ..Default::default()
            })
            .await
            .unwrap_err(),
    ];
    for (status, field) in
        plain
            .iter()
            .zip(["channel_id", "user_id", "channel_id", "guild_id", "message"])
    {
        assert_eq!(status.code(), Code::InvalidArgument, "{status:?}");
        assert!(plain_text(status).starts_with(field), "{status:?}");
    }
    assert!(requests_since(&stack, skip).is_empty());
    stack.stop().await;
}

#[tokio::test]
async fn stream_events_has_thread_create_typed() {
    let mut options = Options::new(Fixture::default_fixture());
    options.rate_limits.mode = discord_emulator::config::RateLimits::Off;
    let gateway = GatewayOptions {
        intents: twilight_gateway::Intents::GUILDS | twilight_gateway::Intents::GUILD_MESSAGES,
        status: twilight_model::gateway::presence::Status::Online,
        activity: None,
        shards: ShardCount::Auto,
        shared: None,
    };
    let stack = Stack::start_with_gateway(options, gateway, 64).await;
    let mut client = stack.client().await;
    // StreamEvents answers once the gateway session is ready.
    let mut events = tokio::time::timeout(Duration::from_secs(20), async {
        loop {
            match client
                .stream_events(StreamEventsRequest {
                    event_names: vec!["THREAD_CREATE".into(), "THREAD_MEMBER_UPDATE".into()],
                    guild_ids: vec![GUILD],
                    ..Default::default()
                })
                .await
            {
                Ok(stream) => break stream.into_inner(),
                Err(status) if status.code() == Code::Unavailable => {
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
                Err(status) => panic!("{status:?}"),
            }
        }
    })
    .await
    .unwrap();
    wait_ready(&stack).await;
    let thread = private_thread(&mut client, "streamed").await;
    let event = next(&mut events).await;
    assert_eq!(
        (event.name.as_str(), event.guild_id),
        ("THREAD_CREATE", GUILD)
    );
    let Some(Typed::Channel(channel)) = event.typed else {
        panic!("typed thread: {event:?}")
    };
    assert_eq!((channel.id, channel.discord_type), (thread, 12));
    assert_eq!(channel.owner_id, BOT);
    assert!(channel.thread_metadata.is_some());
    let raw: Value = serde_json::from_str(&event.payload_json).unwrap();
    assert_eq!(raw["newly_created"], json!(true));
    let event = next(&mut events).await;
    assert_eq!(event.name, "THREAD_MEMBER_UPDATE");
    let Some(Typed::ThreadMember(member)) = event.typed else {
        panic!("typed thread member: {event:?}")
    };
    assert_eq!((member.id, member.user_id), (thread, BOT));
    stack.stop().await;
}

/// The next event of a stream.
async fn next(events: &mut tonic::Streaming<GatewayEvent>) -> GatewayEvent {
    tokio::time::timeout(Duration::from_secs(20), events.message())
        .await
        .unwrap()
        .unwrap()
        .unwrap()
}

/// Waits until the server's gateway session has its READY (GetGatewayStatus).
async fn wait_ready(stack: &Stack) {
    use discordproxy_proto::{GetGatewayStatusRequest, shard_status::State};
    let mut client = stack.client().await;
    tokio::time::timeout(Duration::from_secs(20), async {
        loop {
            let status = client
                .get_gateway_status(GetGatewayStatusRequest {})
                .await
                .unwrap()
                .into_inner();
            if !status.shards.is_empty()
                && status
                    .shards
                    .iter()
                    .all(|shard| shard.state() == State::Ready)
            {
                break;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await
    .expect("the gateway session is ready");
}
