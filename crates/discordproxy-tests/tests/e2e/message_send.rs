//! Issue 12, messages: the fields `SendChannelMessage` and `SendDirectMessage` gained, end to
//! end against the emulator: the body Discord receives (judged by Discord's OpenAPI), the
//! typed answer and its `json`, limits refused without a request, safe retries with nonces, and
//! one REST call per message when the channel is in the gateway cache.

use crate::message_support::{
    GENERAL, GUILD, details, judge_body, judge_response, only_request_since, plain_text,
    requests_since, route, send, without_nonce,
};
use discord_emulator::{Fixture, Options};
use discordproxy_proto::{
    AllowedMentions, Embed, GetChannelMessagesRequest, MessageReference, SendChannelMessageRequest,
    SendDirectMessageRequest,
};
use discordproxy_server::{GatewayOptions, ShardCount};
use discordproxy_tests::stack::Stack;
use serde_json::{Value, json};
use std::time::Duration;
use tonic::Code;

const ALICE: u64 = 200_000_000_000_000_001;
const CAROL: u64 = 200_000_000_000_000_003;

fn described(text: &str) -> Embed {
    Embed {
        description: text.into(),
        ..Default::default()
    }
}

#[tokio::test]
async fn every_new_create_field_reaches_discord_by_its_name_and_passes_its_schema() {
    let stack = Stack::start().await;
    let mut client = stack.client().await;
    let original = send(&stack, "the message replied to")
        .await
        .message
        .unwrap();
    let skip = stack.emulator.requests().len();
    let reply = client
        .send_channel_message(SendChannelMessageRequest {
            channel_id: GENERAL,
            content: "a reply with three embeds".into(),
            embed: Some(described("first")),
            embeds: vec![described("second"), Embed::default(), described("third")],
            allowed_mentions: Some(AllowedMentions {
                parse: vec!["roles".into()],
                users: vec![ALICE],
                roles: vec![],
                replied_user: true,
            }),
            nonce: "client-nonce-1".into(),
            message_reference: Some(MessageReference {
                message_id: original.id,
                channel_id: GENERAL,
                guild_id: GUILD,
                fail_if_not_exists: Some(true),
            }),
            flags: 4096,
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();

    let requests = requests_since(&stack, skip);
    assert_eq!(
        requests.iter().map(route).collect::<Vec<_>>(),
        [
            format!("GET /channels/{GENERAL}"),
            format!("POST /channels/{GENERAL}/messages")
        ]
    );
    let create = &requests[1];
    let body = judge_body(create);
    assert_eq!(
        body,
        json!({
            "content": "a reply with three embeds",
            "embeds": [{"description": "first"}, {"description": "second"},
                       {"description": "third"}],
            "allowed_mentions": {"parse": ["roles"], "users": [ALICE.to_string()],
                                 "replied_user": true},
            "nonce": "client-nonce-1",
            "enforce_nonce": true,
            "message_reference": {"message_id": original.id.to_string(),
                                  "channel_id": GENERAL.to_string(),
                                  "guild_id": GUILD.to_string(), "fail_if_not_exists": true},
            "flags": 4096,
        })
    );
    judge_response(create);

    let message = reply.message.unwrap();
    assert_eq!((message.channel_id, message.guild_id), (GENERAL, GUILD));
    assert_eq!(message.embeds.len(), 3);
    assert_eq!(message.embeds[2].description, "third");
    let json: Value = serde_json::from_str(&reply.json).expect("json is Discord's JSON");
    assert_eq!(Some(&json), create.response.as_ref(), "json is the answer");
    assert_eq!(json["id"], json!(message.id.to_string()));
    stack.stop().await;
}

#[tokio::test]
async fn suppress_mentions_sends_an_empty_parse_and_unset_sends_no_allowed_mentions() {
    let stack = Stack::start().await;
    let mut client = stack.client().await;
    for (suppress, expected) in [
        (false, json!({"content": "@everyone unset"})),
        (
            true,
            json!({"content": "@everyone suppressed", "allowed_mentions": {"parse": []}}),
        ),
    ] {
        let content = if suppress {
            "@everyone suppressed"
        } else {
            "@everyone unset"
        };
        let skip = stack.emulator.requests().len();
        client
            .send_channel_message(SendChannelMessageRequest {
                channel_id: GENERAL,
                content: content.into(),
                suppress_mentions: suppress,
                ..Default::default()
            })
            .await
            .unwrap();
        let create = requests_since(&stack, skip).pop().unwrap();
        let body = judge_body(&create);
        assert_eq!(without_nonce(body.clone()), expected, "suppress {suppress}");
        assert_eq!(
            body.get("allowed_mentions").is_some(),
            suppress,
            "no allowed_mentions key unless asked: {body}"
        );
    }
    // The same for DMs.
    let skip = stack.emulator.requests().len();
    let reply = client
        .send_direct_message(SendDirectMessageRequest {
            user_id: ALICE,
            content: "@everyone in a DM".into(),
            suppress_mentions: true,
            nonce: "dm-nonce".into(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    let create = requests_since(&stack, skip).pop().unwrap();
    assert_eq!(
        judge_body(&create),
        json!({"content": "@everyone in a DM", "allowed_mentions": {"parse": []},
               "nonce": "dm-nonce", "enforce_nonce": true})
    );
    let json: Value = serde_json::from_str(&reply.json).unwrap();
    assert_eq!(Some(&json), create.response.as_ref());
    assert_eq!(reply.message.unwrap().guild_id, 0);
    stack.stop().await;
}

#[tokio::test]
async fn limits_and_bad_combinations_are_refused_without_a_request() {
    let stack = Stack::start().await;
    let mut client = stack.client().await;
    let skip = stack.emulator.requests().len();
    let base = || SendChannelMessageRequest {
        channel_id: GENERAL,
        content: "x".into(),
        ..Default::default()
    };
    let over_limits = [
        (
            SendChannelMessageRequest {
                embed: Some(described("one")),
                embeds: vec![described("more"); 10],
                ..base()
            },
            "In embeds: Must be 10 or fewer in length.",
        ),
        (
            SendChannelMessageRequest {
                sticker_ids: vec![1, 2, 3, 4],
                ..base()
            },
            "In sticker_ids: Must be 3 or fewer in length.",
        ),
        (
            SendChannelMessageRequest {
                nonce: "n".repeat(26),
                ..base()
            },
            "In nonce: Must be 25 or fewer in length.",
        ),
        (
            SendChannelMessageRequest {
                allowed_mentions: Some(AllowedMentions {
                    users: (1..=101).collect(),
                    ..Default::default()
                }),
                ..base()
            },
            "In allowed_mentions.users: Must be 100 or fewer in length.",
        ),
    ];
    for (request, line) in over_limits {
        let status = client.send_channel_message(request).await.unwrap_err();
        assert_eq!(status.code(), Code::InvalidArgument, "{status:?}");
        assert_eq!(
            details(&status),
            json!({"type": "HTTPException", "status": 400, "code": 50035,
                   "text": format!("Invalid Form Body\n{line}")})
        );
    }
    let malformed = [
        (
            SendChannelMessageRequest {
                suppress_mentions: true,
                allowed_mentions: Some(AllowedMentions::default()),
                ..base()
            },
            "suppress_mentions or allowed_mentions",
        ),
        (
            SendChannelMessageRequest {
                message_reference: Some(MessageReference::default()),
                ..base()
            },
            "message_reference.message_id",
        ),
        (
            SendChannelMessageRequest {
                sticker_ids: vec![0],
                ..base()
            },
            "sticker_ids[0]",
        ),
    ];
    for (request, field) in malformed {
        let status = client.send_channel_message(request).await.unwrap_err();
        assert_eq!(status.code(), Code::InvalidArgument, "{status:?}");
        assert!(plain_text(&status).contains(field), "{status:?}");
    }
    let status = client
        .send_direct_message(SendDirectMessageRequest {
            user_id: ALICE,
            content: "x".into(),
            nonce: "n".repeat(26),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(details(&status)["code"], json!(50035));
    assert!(
        requests_since(&stack, skip).is_empty(),
        "no request for refused calls: {:?}",
        requests_since(&stack, skip)
            .iter()
            .map(route)
            .collect::<Vec<_>>()
    );
    stack.stop().await;
}

#[tokio::test]
async fn a_lost_answer_is_retried_with_the_nonce_and_gives_one_message() {
    let stack = Stack::start().await;
    let mut client = stack.client().await;
    // Discord creates the message, but the answer is a 500: the retry carries the same nonce
    // with enforce_nonce, so Discord answers with the first message.
    stack
        .emulator
        .add_fault(json!({"method": "POST", "route": "/channels/{channel_id}/messages",
                          "status": 500, "body": {"message": "500: Internal Server Error", "code": 0},
                          "handle": true}))
        .unwrap();
    let skip = stack.emulator.requests().len();
    let sent = client
        .send_channel_message(SendChannelMessageRequest {
            channel_id: GENERAL,
            content: "sent once".into(),
            nonce: "lost-answer".into(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner()
        .message
        .unwrap();
    let creates: Vec<_> = requests_since(&stack, skip)
        .into_iter()
        .filter(|request| request.method == "POST")
        .collect();
    assert_eq!(creates.len(), 2, "the create is sent again after the 500");
    assert_eq!(
        creates[0].body, creates[1].body,
        "the same nonce both times"
    );
    assert_eq!(creates[0].status, Some(500));
    assert_eq!(
        creates[1].response.as_ref().unwrap()["id"],
        json!(sent.id.to_string()),
        "the retry answers with the message the first attempt created"
    );
    let page = client
        .get_channel_messages(GetChannelMessagesRequest {
            channel_id: GENERAL,
            limit: Some(100),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    let copies = page
        .messages
        .iter()
        .filter(|message| message.content == "sent once")
        .count();
    assert_eq!(copies, 1, "one message in the channel");

    // Without enforce_nonce a retry could post twice: the first failure is the answer.
    stack
        .emulator
        .add_fault(json!({"method": "POST", "route": "/channels/{channel_id}/messages",
                          "status": 500, "body": {"message": "500: Internal Server Error", "code": 0}}))
        .unwrap();
    let skip = stack.emulator.requests().len();
    let status = client
        .send_channel_message(SendChannelMessageRequest {
            channel_id: GENERAL,
            content: "not retried".into(),
            enforce_nonce: Some(false),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::Internal, "{status:?}");
    assert_eq!(details(&status)["status"], json!(500));
    let creates: Vec<_> = requests_since(&stack, skip)
        .into_iter()
        .filter(|request| request.method == "POST")
        .collect();
    assert_eq!(
        creates.len(),
        1,
        "a create without enforce_nonce is sent once"
    );
    assert_eq!(
        creates[0].body.as_ref().unwrap()["enforce_nonce"],
        json!(false)
    );
    stack.stop().await;
}

#[tokio::test]
async fn the_same_client_nonce_twice_is_one_message() {
    let stack = Stack::start().await;
    let mut client = stack.client().await;
    let request = || SendDirectMessageRequest {
        user_id: CAROL,
        content: "once".into(),
        nonce: "dm-once".into(),
        enforce_nonce: Some(true),
        ..Default::default()
    };
    let first = client.send_direct_message(request()).await.unwrap();
    let second = client.send_direct_message(request()).await.unwrap();
    let (first, second) = (first.into_inner(), second.into_inner());
    assert_eq!(first.message.unwrap().id, second.message.unwrap().id);
    stack.stop().await;
}

fn gateway_options() -> GatewayOptions {
    GatewayOptions {
        intents: twilight_gateway::Intents::GUILDS | twilight_gateway::Intents::GUILD_MESSAGES,
        status: twilight_model::gateway::presence::Status::Online,
        activity: None,
        shards: ShardCount::Auto,
        shared: None,
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_cached_channel_costs_one_rest_call_per_message() {
    let mut options = Options::new(Fixture::default_fixture());
    options.rate_limits.mode = discord_emulator::config::RateLimits::Off;
    let stack = Stack::start_with_gateway(options, gateway_options(), 1024).await;
    tokio::time::timeout(Duration::from_secs(20), async {
        while stack.state.cache.channel_guild(GENERAL).is_none() {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    })
    .await
    .expect("GUILD_CREATE puts #general in the cache");
    let mut client = stack.client().await;
    for n in 0..3 {
        let skip = stack.emulator.requests().len();
        let message = client
            .send_channel_message(SendChannelMessageRequest {
                channel_id: GENERAL,
                content: format!("cached {n}"),
                ..Default::default()
            })
            .await
            .unwrap()
            .into_inner()
            .message
            .unwrap();
        let create = only_request_since(&stack, skip);
        assert_eq!(route(&create), format!("POST /channels/{GENERAL}/messages"));
        assert_eq!(message.guild_id, GUILD, "the guild id comes from the cache");
    }
    // Discord's errors still come from the create itself.
    let skip = stack.emulator.requests().len();
    let status = client
        .send_channel_message(SendChannelMessageRequest {
            channel_id: crate::message_support::READ_ONLY,
            content: "read-only".into(),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::PermissionDenied, "{status:?}");
    assert_eq!(details(&status)["code"], json!(50013));
    assert_eq!(only_request_since(&stack, skip).method, "POST");
    stack.stop().await;
}

#[tokio::test]
async fn a_reply_to_an_unknown_message_is_discords_form_error() {
    let stack = Stack::start().await;
    let known = send(&stack, "x").await.message.unwrap().id;
    let status = stack
        .client()
        .await
        .send_channel_message(SendChannelMessageRequest {
            channel_id: GENERAL,
            content: "a reply to nothing".into(),
            message_reference: Some(MessageReference {
                message_id: known + 1000,
                fail_if_not_exists: Some(true),
                ..Default::default()
            }),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::InvalidArgument);
    assert_eq!(
        details(&status),
        json!({"type": "HTTPException", "status": 400, "code": 50035,
               "text": "Invalid Form Body\nIn message_reference: Unknown message"})
    );
    stack.stop().await;
}
