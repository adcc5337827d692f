//! End-to-end: generated tonic client → our server → the Discord emulator, all
//! over loopback sockets. Asserts both the gRPC answer and the REST calls Discord received.

use discordproxy_proto::{
    Embed, GetGuildChannelsRequest, SendChannelMessageRequest, SendDirectMessageRequest,
    channel::Type, embed,
};
use discordproxy_tests::stack::{self, Stack};
use tonic::Code;

const BOT: u64 = 100_000_000_000_000_001;
const ALICE: u64 = 200_000_000_000_000_001;
const BOB_DMS_CLOSED: u64 = 200_000_000_000_000_002;
const GUILD: u64 = 300_000_000_000_000_001;
const GENERAL: u64 = 400_000_000_000_000_002;
const BIG_SNOWFLAKE: u64 = 18_014_398_509_481_985;

fn details(status: &tonic::Status) -> serde_json::Value {
    serde_json::from_str(status.message()).expect("Discord errors carry JSON details")
}

#[tokio::test]
async fn channel_message_returns_the_filled_message_after_get_then_post() {
    let stack = Stack::start().await;
    let mut client = stack.client().await;
    let embed = Embed {
        title: "Title".into(),
        author: Some(embed::Author {
            name: "A".into(),
            icon_url: "https://x/a.png".into(),
            ..Default::default()
        }),
        ..Default::default()
    };
    let reply = client
        .send_channel_message(SendChannelMessageRequest {
            channel_id: GENERAL,
            content: "@everyone hello".into(),
            embed: Some(embed),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    let message = reply.message.expect("a message");
    assert_ne!(message.id, 0);
    assert_eq!((message.channel_id, message.guild_id), (GENERAL, GUILD));
    assert_eq!(message.author.as_ref().map(|a| a.id), Some(BOT));
    assert_eq!(message.content, "@everyone hello");
    assert!(!message.timestamp.is_empty());
    assert_eq!(message.embeds.len(), 1);
    assert_eq!(
        message.embeds[0].author.as_ref().unwrap().icon_url,
        "https://x/a.png"
    );

    assert_eq!(
        stack.rest_calls(),
        [
            format!("GET /channels/{GENERAL}"),
            format!("POST /channels/{GENERAL}/messages")
        ]
    );
    let mut body = stack.emulator.requests().last().unwrap().body.clone();
    // A nonce for safe retries, if sent: a non-empty string of at most 25 characters, enforced.
    if let Some(object) = body.as_mut().and_then(|body| body.as_object_mut())
        && let Some(nonce) = object.remove("nonce")
    {
        let nonce = nonce.as_str().unwrap_or_default();
        assert!((1..=25).contains(&nonce.len()), "nonce {nonce:?}");
        assert_eq!(
            object.remove("enforce_nonce"),
            Some(serde_json::json!(true))
        );
    }
    assert_eq!(
        body,
        Some(serde_json::json!({
            "content": "@everyone hello",
            "embeds": [{"title": "Title", "author": {"name": "A", "icon_url": "https://x/a.png"}}]
        }))
    );
    stack.stop().await;
}

#[tokio::test]
async fn repeat_dm_to_a_user_is_one_rest_call() {
    let stack = Stack::start().await;
    let mut client = stack.client().await;
    let dm = |content: &str| SendDirectMessageRequest {
        user_id: ALICE,
        content: content.into(),
        embed: None,
        ..Default::default()
    };
    let first = client
        .send_direct_message(dm("one"))
        .await
        .unwrap()
        .into_inner()
        .message
        .unwrap();
    assert_eq!(stack.rest_calls().len(), 3, "{:?}", stack.rest_calls());
    let second = client
        .send_direct_message(dm("two"))
        .await
        .unwrap()
        .into_inner()
        .message
        .unwrap();
    let calls = stack.rest_calls();
    assert_eq!(
        calls,
        [
            format!("GET /users/{ALICE}"),
            "POST /users/@me/channels".to_owned(),
            format!("POST /channels/{}/messages", first.channel_id),
            format!("POST /channels/{}/messages", first.channel_id),
        ]
    );
    assert_eq!(second.channel_id, first.channel_id);
    assert_eq!(second.guild_id, 0);
    assert_eq!(
        stack.state.dm_channels.get_local(ALICE),
        Some(first.channel_id)
    );
    stack.stop().await;
}

#[tokio::test]
async fn dms_closed_is_permission_denied_with_discord_json() {
    let stack = Stack::start().await;
    let mut client = stack.client().await;
    let status = client
        .send_direct_message(SendDirectMessageRequest {
            user_id: BOB_DMS_CLOSED,
            content: "hi".into(),
            embed: None,
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::PermissionDenied);
    assert_eq!(
        details(&status),
        serde_json::json!({"type": "HTTPException", "status": 403, "code": 50007, "text": "Cannot send messages to this user"})
    );
    stack.stop().await;
}

#[tokio::test]
async fn empty_field_value_is_invalid_argument_naming_the_field() {
    let stack = Stack::start().await;
    let mut client = stack.client().await;
    let embed = Embed {
        fields: vec![
            embed::Field {
                name: "ok".into(),
                value: "v".into(),
                inline: true,
            },
            embed::Field {
                name: "empty".into(),
                value: String::new(),
                inline: false,
            },
        ],
        ..Default::default()
    };
    let status = client
        .send_channel_message(SendChannelMessageRequest {
            channel_id: GENERAL,
            content: String::new(),
            embed: Some(embed),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::InvalidArgument);
    let details = details(&status);
    assert_eq!(
        (details["status"].as_u64(), details["code"].as_u64()),
        (Some(400), Some(50035))
    );
    assert!(
        details["text"]
            .as_str()
            .unwrap()
            .contains("In embeds.0.fields.1.value: "),
        "{details}"
    );
    stack.stop().await;
}

#[tokio::test]
async fn guild_channels_in_api_order_with_type_mapping_and_exact_snowflakes() {
    let stack = Stack::start().await;
    let mut client = stack.client().await;
    let channels = client
        .get_guild_channels(GetGuildChannelsRequest { guild_id: GUILD })
        .await
        .unwrap()
        .into_inner()
        .channels;
    let summary: Vec<(u64, Type)> = channels.iter().map(|c| (c.id, c.r#type())).collect();
    assert_eq!(
        summary,
        [
            (400_000_000_000_000_001, Type::GuildCategory),
            (GENERAL, Type::GuildText),
            (400_000_000_000_000_003, Type::GuildVoice),
            (400_000_000_000_000_004, Type::GuildNews),
            (400_000_000_000_000_005, Type::Undefined),
            (400_000_000_000_000_006, Type::Undefined),
            (400_000_000_000_000_007, Type::GuildText),
            (400_000_000_000_000_008, Type::GuildText),
            (BIG_SNOWFLAKE, Type::GuildText),
        ]
    );
    let general = &channels[1];
    assert_eq!(
        (general.guild_id, general.parent_id),
        (GUILD, 400_000_000_000_000_001)
    );
    assert_eq!(general.name, "general");
    assert!(channels[8].nsfw);
    assert_eq!(
        stack.rest_calls(),
        [
            format!("GET /guilds/{GUILD}"),
            format!("GET /guilds/{GUILD}/channels")
        ]
    );
    stack.stop().await;
}

#[tokio::test]
async fn unknown_guild_is_not_found_and_skips_the_channel_list() {
    let stack = Stack::start().await;
    let mut client = stack.client().await;
    let status = client
        .get_guild_channels(GetGuildChannelsRequest { guild_id: 42 })
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::NotFound);
    assert_eq!(details(&status)["code"], 10004);
    assert_eq!(stack.rest_calls(), ["GET /guilds/42"]);
    stack.stop().await;
}

#[tokio::test]
async fn zero_ids_are_refused_in_plain_text_without_rest_calls() {
    let stack = Stack::start().await;
    let mut client = stack.client().await;
    let checks = [
        client
            .send_channel_message(SendChannelMessageRequest {
                channel_id: 0,
                content: "x".into(),
                embed: None,
                ..Default::default()
            })
            .await
            .map(drop)
            .unwrap_err(),
        client
            .send_direct_message(SendDirectMessageRequest {
                user_id: 0,
                content: "x".into(),
                embed: None,
                ..Default::default()
            })
            .await
            .map(drop)
            .unwrap_err(),
        client
            .get_guild_channels(GetGuildChannelsRequest { guild_id: 0 })
            .await
            .map(drop)
            .unwrap_err(),
    ];
    for (status, field) in checks.iter().zip(["channel_id", "user_id", "guild_id"]) {
        assert_eq!(status.code(), Code::InvalidArgument);
        assert!(status.message().contains(field), "{}", status.message());
        assert!(serde_json::from_str::<serde_json::Value>(status.message()).is_err());
    }
    assert!(stack.rest_calls().is_empty(), "{:?}", stack.rest_calls());
    stack.stop().await;
}

#[tokio::test]
async fn big_snowflake_channel_round_trips_exactly() {
    let stack = Stack::start().await;
    let mut client = stack.client().await;
    let message = client
        .send_channel_message(SendChannelMessageRequest {
            channel_id: BIG_SNOWFLAKE,
            content: "big".into(),
            embed: None,
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner()
        .message
        .unwrap();
    assert_eq!(message.channel_id, BIG_SNOWFLAKE);
    assert_eq!(
        stack.rest_calls()[1],
        format!("POST /channels/{BIG_SNOWFLAKE}/messages")
    );
    stack.stop().await;
}

#[tokio::test]
async fn invalid_token_fails_waiting_rpcs_as_unavailable() {
    let stack = Stack::start_with(
        discord_emulator::Fixture::default_fixture(),
        Some("wrong-token"),
    )
    .await;
    let mut client = stack.client().await;
    let status = client
        .send_channel_message(SendChannelMessageRequest {
            channel_id: GENERAL,
            content: "x".into(),
            embed: None,
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::Unavailable);
    assert!(
        status.message().contains("invalid Discord bot token"),
        "{}",
        status.message()
    );
    assert!(!status.message().contains("wrong-token"));
    assert!(stack.rest_calls().is_empty(), "no RPC reached Discord");
    assert_eq!(
        stack.emulator.requests().len(),
        1,
        "only the start-up token check"
    );
    stack.stop().await;
}

#[tokio::test]
async fn unreachable_discord_is_unavailable_in_plain_text() {
    use discordproxy_server::{ApiBase, BotToken, ProxyState};
    use std::sync::Arc;
    // A port that was free a moment ago: connection refused.
    let port = stack::bind().await.local_addr().unwrap().port();
    let api = ApiBase::Custom {
        authority: format!("127.0.0.1:{port}"),
        use_http: true,
    };
    let state = Arc::new(ProxyState::new(
        &BotToken::new("t"),
        &api,
        std::time::Duration::from_secs(20),
    ));
    let emulator = discord_emulator::Emulator::start(
        stack::bind().await,
        discord_emulator::Options::new(discord_emulator::Fixture::default_fixture()),
    )
    .await
    .unwrap();
    let stack = Stack::serve(emulator, state).await;
    let mut client = stack.client().await;
    let status = client
        .get_guild_channels(GetGuildChannelsRequest { guild_id: GUILD })
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::Unavailable);
    assert!(
        status.message().contains("Discord is unreachable"),
        "{}",
        status.message()
    );
    stack.stop().await;
}

#[tokio::test]
async fn no_discord_request_starts_after_the_callers_deadline() {
    let stack = Stack::start().await;
    stack
        .emulator
        .add_fault(serde_json::json!({
            "method": "GET", "route": "/channels/{channel_id}", "kind": "latency",
            "latency_ms": 800, "count": 1,
        }))
        .unwrap();
    let mut client = stack.client().await;
    let mut request = tonic::Request::new(SendChannelMessageRequest {
        channel_id: GENERAL,
        content: "too late".into(),
        embed: None,
        ..Default::default()
    });
    request.set_timeout(std::time::Duration::from_millis(300));
    let started = std::time::Instant::now();
    let status = client.send_channel_message(request).await.unwrap_err();
    assert!(
        matches!(status.code(), Code::DeadlineExceeded | Code::Cancelled),
        "{status:?}"
    );
    assert!(started.elapsed() < std::time::Duration::from_millis(700));
    // Let the delayed GET finish: the call was dropped, so no POST may follow it.
    tokio::time::sleep(std::time::Duration::from_millis(900)).await;
    assert_eq!(stack.rest_calls(), [format!("GET /channels/{GENERAL}")]);
    stack.stop().await;
}

#[tokio::test]
async fn unreachable_targets_are_answered_from_the_negative_cache() {
    let stack = Stack::start().await;
    let mut client = stack.client().await;
    for _ in 0..3 {
        let status = client
            .send_direct_message(SendDirectMessageRequest {
                user_id: BOB_DMS_CLOSED,
                content: "hi".into(),
                embed: None,
                ..Default::default()
            })
            .await
            .unwrap_err();
        assert_eq!(status.code(), Code::PermissionDenied);
        assert_eq!(details(&status)["code"], 50007);
        let status = client
            .send_channel_message(SendChannelMessageRequest {
                channel_id: 42,
                content: "hi".into(),
                embed: None,
                ..Default::default()
            })
            .await
            .unwrap_err();
        assert_eq!(status.code(), Code::NotFound);
        assert_eq!(details(&status)["code"], 10003);
    }
    let calls = stack.rest_calls();
    assert_eq!(
        calls
            .iter()
            .filter(|c| c.starts_with("POST /channels/") && !c.contains("/42/"))
            .count(),
        1,
        "one DM attempt reached Discord: {calls:?}"
    );
    assert_eq!(
        calls
            .iter()
            .filter(|c| c.as_str() == "GET /channels/42")
            .count(),
        1,
        "{calls:?}"
    );
    stack.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn five_hundred_dms_to_a_hundred_users_reach_closed_users_once() {
    let fixture = discordproxy_tests::bulk_dm::fixture();
    let mut options = discord_emulator::Options::new(fixture);
    options.rate_limits.mode = discord_emulator::config::RateLimits::Off;
    let stack = Stack::start_with_options(options, None).await;
    assert_eq!(stack.rest_calls().len(), 0);
    // One DM to each user per round, all 100 at once; rounds one after the other.
    let outcomes = discordproxy_tests::bulk_dm::send_rounds(&stack, 5).await;
    for (i, results) in &outcomes {
        let expected = if i % 10 == 0 {
            Err(Code::PermissionDenied)
        } else {
            Ok(())
        };
        assert_eq!(results, &vec![expected; 5], "user {i}");
    }
    let requests = stack.emulator.requests();
    let closed_posts = requests
        .iter()
        .filter(|r| r.method == "POST" && r.path.ends_with("/messages") && r.status == Some(403))
        .count();
    let delivered = requests
        .iter()
        .filter(|r| r.method == "POST" && r.path.ends_with("/messages") && r.status == Some(200))
        .count();
    assert_eq!(
        delivered, 450,
        "every DM to the 90 open users was delivered"
    );
    assert_eq!(closed_posts, 10, "each closed user reached Discord once");
    stack.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn max_pending_refuses_calls_beyond_the_bound_at_once() {
    use discordproxy_server::{ApiBase, BotToken, ProxyState};
    use std::{sync::Arc, time::Duration};
    let mut options = discord_emulator::Options::new(discord_emulator::Fixture::default_fixture());
    options.rate_limits.mode = discord_emulator::config::RateLimits::Off;
    let emulator = discord_emulator::Emulator::start(stack::bind().await, options)
        .await
        .unwrap();
    emulator
        .add_fault(serde_json::json!({
            "method": "GET", "route": "/channels/{channel_id}", "kind": "latency",
            "latency_ms": 300, "count": 0,
        }))
        .unwrap();
    let api = ApiBase::Custom {
        authority: emulator.local_addr().to_string(),
        use_http: true,
    };
    let state = Arc::new(
        ProxyState::new(
            &BotToken::new(emulator.token()),
            &api,
            Duration::from_secs(30),
        )
        .with_max_pending(10),
    );
    let stack = Stack::serve(emulator, state).await;
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..100 {
        let mut client = stack.client().await;
        tasks.spawn(async move {
            let started = std::time::Instant::now();
            let result = client
                .send_channel_message(SendChannelMessageRequest {
                    channel_id: GENERAL,
                    content: "x".into(),
                    embed: None,
                    ..Default::default()
                })
                .await;
            (result.map(drop).map_err(|s| s.code()), started.elapsed())
        });
    }
    let mut refused = 0;
    let mut succeeded = 0;
    while let Some(joined) = tasks.join_next().await {
        match joined.unwrap() {
            (Err(Code::ResourceExhausted), took) => {
                refused += 1;
                assert!(
                    took < Duration::from_millis(250),
                    "refused at once, took {took:?}"
                );
            }
            (Ok(()), _) => succeeded += 1,
            (other, _) => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!((refused, succeeded), (90, 10));
    stack.stop().await;
}

#[tokio::test]
async fn a_token_revoked_at_run_time_stops_all_discord_requests() {
    let stack = Stack::start().await;
    stack
        .emulator
        .add_fault(serde_json::json!({
            "kind": "response", "status": 401, "count": 1,
            "body": {"message": "401: Unauthorized", "code": 0},
        }))
        .unwrap();
    let mut client = stack.client().await;
    for _ in 0..3 {
        let status = client
            .get_guild_channels(GetGuildChannelsRequest { guild_id: GUILD })
            .await
            .unwrap_err();
        assert_eq!(status.code(), Code::Unauthenticated);
        assert_eq!(details(&status)["status"], 401);
    }
    assert_eq!(
        stack.rest_calls().len(),
        1,
        "only the first call reached Discord"
    );
    assert!(stack.state.rest.token_revoked());
    assert!(!discordproxy_server::health_serving(&stack.state, false));
    stack.stop().await;
}
