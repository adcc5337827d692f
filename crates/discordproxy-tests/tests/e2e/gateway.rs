//! Issue 4 end-to-end: the server's gateway session against the emulator's gateway, over real
//! sockets: health, status, event streams, resume without loss, reconnect, slow subscribers,
//! and the cache answering `GetGuildChannels` like REST does.

use discord_emulator::{Fixture, Options};
use discordproxy_proto::{
    GatewayEvent, GetGatewayStatusRequest, GetGuildChannelsRequest, StreamEventsRequest,
    shard_status::State,
};
use discordproxy_server::{GatewayOptions, ShardCount};
use discordproxy_tests::stack::Stack;
use serde_json::{Value, json};
use std::time::Duration;
use tonic::{Code, Streaming};
use tonic_health::pb::{
    HealthCheckRequest, health_check_response::ServingStatus, health_client::HealthClient,
};
use twilight_gateway::Intents;
use twilight_model::gateway::presence::Status;

const GUILD: u64 = 300_000_000_000_000_001;
const GENERAL: u64 = 400_000_000_000_000_002;
const WAIT: Duration = Duration::from_secs(20);

fn gateway_options() -> GatewayOptions {
    GatewayOptions {
        intents: Intents::GUILDS
            | Intents::GUILD_MEMBERS
            | Intents::GUILD_MESSAGES
            | Intents::GUILD_MESSAGE_REACTIONS
            | Intents::DIRECT_MESSAGES,
        status: Status::Online,
        activity: None,
        shards: ShardCount::Auto,
        shared: None,
    }
}

async fn start(event_buffer: usize) -> Stack {
    let mut options = Options::new(Fixture::default_fixture());
    options.rate_limits.mode = discord_emulator::config::RateLimits::Off;
    let stack = Stack::start_with_gateway(options, gateway_options(), event_buffer).await;
    wait_serving(&stack).await;
    stack
}

async fn health(stack: &Stack) -> ServingStatus {
    let channel = tonic::transport::Endpoint::from_shared(format!("http://{}", stack.addr))
        .unwrap()
        .connect()
        .await
        .unwrap();
    let mut client = HealthClient::new(channel);
    match client
        .check(HealthCheckRequest {
            service: "discord_api.DiscordApi".into(),
        })
        .await
    {
        Ok(response) => response.into_inner().status(),
        // Not reported yet.
        Err(status) if status.code() == Code::NotFound => ServingStatus::Unknown,
        Err(status) => panic!("health check failed: {status:?}"),
    }
}

async fn wait_serving(stack: &Stack) {
    tokio::time::timeout(WAIT, async {
        while health(stack).await != ServingStatus::Serving {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await
    .expect("health becomes SERVING");
}

/// POSTs to an emulator control route.
async fn control(stack: &Stack, path: &str, body: Value) -> Value {
    reqwest::Client::new()
        .post(format!("{}{path}", stack.emulator.base_url()))
        .json(&body)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap_or(Value::Null)
}

async fn dispatch(stack: &Stack, marker: usize) {
    control(
        stack,
        "/_emulator/gateway/dispatch",
        json!({"t": "GUILD_MEMBER_UPDATE", "guild_id": GUILD.to_string(), "d": {
            "guild_id": GUILD.to_string(), "roles": [], "nick": format!("marker-{marker}"),
            "user": {"id": "200000000000000001", "username": "alice", "discriminator": "0", "avatar": null},
            "joined_at": "2024-01-02T00:00:00.000000+00:00", "deaf": false, "mute": false, "flags": 0}}),
    )
    .await;
}

async fn subscribe(stack: &Stack, names: &[&str], guilds: &[u64]) -> Streaming<GatewayEvent> {
    stack
        .client()
        .await
        .stream_events(StreamEventsRequest {
            event_names: names.iter().map(|n| (*n).to_owned()).collect(),
            guild_ids: guilds.to_vec(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner()
}

async fn next(stream: &mut Streaming<GatewayEvent>) -> GatewayEvent {
    tokio::time::timeout(WAIT, stream.message())
        .await
        .expect("an event arrives in time")
        .expect("the stream is healthy")
        .expect("the stream is open")
}

async fn create_message_over_rest(stack: &Stack, content: &str) -> Value {
    reqwest::Client::new()
        .post(format!(
            "{}/channels/{GENERAL}/messages",
            stack.emulator.api_base_url()
        ))
        .header("Authorization", format!("Bot {}", stack.emulator.token()))
        .json(&json!({"content": content}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn reaction_events_carry_a_typed_reaction() {
    use discordproxy_proto::{
        CreateReactionRequest, DeleteAllReactionsRequest, gateway_event::Typed,
    };
    let stack = start(1024).await;
    let mut reactions = subscribe(
        &stack,
        &["MESSAGE_REACTION_ADD", "MESSAGE_REACTION_REMOVE_ALL"],
        &[],
    )
    .await;
    let message_id: u64 = create_message_over_rest(&stack, "react to me").await["id"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    let mut client = stack.client().await;
    client
        .create_reaction(CreateReactionRequest {
            channel_id: GENERAL,
            message_id,
            emoji: "👍".into(),
            ..Default::default()
        })
        .await
        .unwrap();
    client
        .delete_all_reactions(DeleteAllReactionsRequest {
            channel_id: GENERAL,
            message_id,
            ..Default::default()
        })
        .await
        .unwrap();

    let added = next(&mut reactions).await;
    assert_eq!(added.name, "MESSAGE_REACTION_ADD");
    let Some(Typed::Reaction(reaction)) = added.typed else {
        panic!("typed reaction: {added:?}")
    };
    let bot = 100_000_000_000_000_001;
    assert_eq!(
        (
            reaction.user_id,
            reaction.channel_id,
            reaction.message_id,
            reaction.guild_id
        ),
        (bot, GENERAL, message_id, GUILD)
    );
    assert_eq!(
        reaction.emoji.as_ref().map(|e| (e.id, e.name.as_str())),
        Some((0, "👍"))
    );
    assert_eq!(reaction.message_author_id, bot);
    assert_eq!(
        reaction.member.and_then(|m| m.user).map(|u| u.id),
        Some(bot)
    );
    assert!(!reaction.burst);

    let removed = next(&mut reactions).await;
    assert_eq!(removed.name, "MESSAGE_REACTION_REMOVE_ALL");
    let Some(Typed::Reaction(reaction)) = removed.typed else {
        panic!("typed reaction: {removed:?}")
    };
    assert_eq!(
        (
            reaction.user_id,
            reaction.channel_id,
            reaction.message_id,
            reaction.guild_id
        ),
        (0, GENERAL, message_id, GUILD)
    );
    assert!(reaction.emoji.is_none());
    stack.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn ready_and_guild_create_make_health_serving_and_the_shard_ready() {
    let stack = start(1024).await;
    let status = stack
        .client()
        .await
        .get_gateway_status(GetGatewayStatusRequest {})
        .await
        .unwrap()
        .into_inner();
    assert_eq!(status.shards.len(), 1);
    let shard = &status.shards[0];
    assert_eq!(shard.state(), State::Ready);
    assert!(!shard.session_started_at.is_empty());
    assert_eq!((shard.resumes, shard.reconnects), (0, 0));
    stack.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn messages_created_by_another_client_reach_every_matching_subscriber() {
    let stack = start(1024).await;
    let mut messages = subscribe(&stack, &["MESSAGE_CREATE"], &[GUILD]).await;
    let mut everything = subscribe(&stack, &[], &[]).await;
    let mut members_only = subscribe(&stack, &["GUILD_MEMBER_UPDATE"], &[]).await;
    let mut other_guild = subscribe(&stack, &[], &[42]).await;

    let created = create_message_over_rest(&stack, "hello subscribers").await;
    dispatch(&stack, 1).await;

    let event = next(&mut messages).await;
    assert_eq!(
        (event.name.as_str(), event.guild_id),
        ("MESSAGE_CREATE", GUILD)
    );
    let Some(discordproxy_proto::gateway_event::Typed::Message(message)) = event.typed else {
        panic!("typed message")
    };
    assert_eq!(message.content, "hello subscribers");
    assert_eq!(message.id.to_string(), created["id"].as_str().unwrap());
    let raw: Value = serde_json::from_str(&event.payload_json).unwrap();
    assert_eq!(raw["id"], created["id"]);

    // GUILD_CREATE may still be on its way right after READY; anything else is a bug.
    let first = loop {
        let event = next(&mut everything).await;
        if event.name != "GUILD_CREATE" {
            break event;
        }
    };
    assert_eq!(first.name, "MESSAGE_CREATE");
    assert_eq!(first.sequence, event.sequence);
    assert_eq!(next(&mut everything).await.name, "GUILD_MEMBER_UPDATE");
    // The name filter skipped the message and delivered the member update.
    assert_eq!(next(&mut members_only).await.name, "GUILD_MEMBER_UPDATE");
    // The guild filter: nothing of guild 42 was dispatched; the stream stays silent.
    assert!(
        tokio::time::timeout(Duration::from_millis(300), other_guild.message())
            .await
            .is_err()
    );
    stack.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_dropped_socket_is_resumed_and_every_event_of_the_gap_arrives_once_in_order() {
    let stack = start(1024).await;
    let mut stream = subscribe(&stack, &[], &[]).await;
    dispatch(&stack, 0).await;
    let first = loop {
        let event = next(&mut stream).await;
        if event.name == "GUILD_MEMBER_UPDATE" {
            break event;
        }
    };

    control(&stack, "/_emulator/gateway/drop", json!({})).await;
    for marker in 1..=20 {
        dispatch(&stack, marker).await;
    }
    // Every dispatch after the first marker, whatever its name (RESUMED comes in between),
    // must arrive once with consecutive sequence numbers; the markers in order.
    let mut sequences = vec![first.sequence];
    let mut markers = Vec::new();
    while markers.len() < 20 {
        let event = next(&mut stream).await;
        sequences.push(event.sequence);
        if event.name == "GUILD_MEMBER_UPDATE" {
            let payload: Value = serde_json::from_str(&event.payload_json).unwrap();
            markers.push(payload["nick"].as_str().unwrap().to_owned());
        }
    }
    let expected: Vec<String> = (1..=20).map(|m| format!("marker-{m}")).collect();
    assert_eq!(markers, expected, "in order, none lost or repeated");
    assert!(
        sequences.windows(2).all(|w| w[1] == w[0] + 1),
        "consecutive sequences: {sequences:?}"
    );
    wait_serving(&stack).await;
    let status = stack
        .client()
        .await
        .get_gateway_status(GetGatewayStatusRequest {})
        .await
        .unwrap()
        .into_inner();
    assert!(status.shards[0].resumes >= 1, "{status:?}");
    let commands = reqwest::get(format!(
        "{}/_emulator/gateway/commands",
        stack.emulator.base_url()
    ))
    .await
    .unwrap()
    .json::<Value>()
    .await
    .unwrap();
    let ops: Vec<u64> = commands
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|c| c["op"].as_u64())
        .collect();
    assert_eq!(
        ops.iter().filter(|op| **op == 2).count(),
        1,
        "one IDENTIFY only: {ops:?}"
    );
    assert!(ops.contains(&6), "a RESUME was sent: {ops:?}");
    stack.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn reconnect_and_invalid_session_keep_the_session_going() {
    let stack = start(1024).await;
    let mut stream = subscribe(&stack, &["GUILD_MEMBER_UPDATE"], &[]).await;
    control(&stack, "/_emulator/gateway/reconnect", json!({})).await;
    dispatch(&stack, 1).await;
    assert_eq!(next(&mut stream).await.name, "GUILD_MEMBER_UPDATE");
    wait_serving(&stack).await;

    let channel = tonic::transport::Endpoint::from_shared(format!("http://{}", stack.addr))
        .unwrap()
        .connect()
        .await
        .unwrap();
    let mut watch = HealthClient::new(channel)
        .watch(HealthCheckRequest {
            service: "discord_api.DiscordApi".into(),
        })
        .await
        .unwrap()
        .into_inner();
    let first = watch.message().await.unwrap().unwrap().status();
    assert_eq!(first, ServingStatus::Serving);
    control(
        &stack,
        "/_emulator/gateway/invalidate",
        json!({"resumable": false}),
    )
    .await;
    let mut seen = Vec::new();
    tokio::time::timeout(WAIT, async {
        while let Some(update) = watch.message().await.unwrap() {
            seen.push(update.status());
            if seen.contains(&ServingStatus::NotServing)
                && seen.last() == Some(&ServingStatus::Serving)
            {
                break;
            }
        }
    })
    .await
    .expect("health went NOT_SERVING, then SERVING again");
    let mut client = stack.client().await;
    // A new session: READY again, counted as a reconnect.
    tokio::time::timeout(WAIT, async {
        loop {
            let status = client
                .get_gateway_status(GetGatewayStatusRequest {})
                .await
                .unwrap()
                .into_inner();
            if status.shards[0].reconnects >= 1 && status.shards[0].state() == State::Ready {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    })
    .await
    .expect("re-identified after INVALID_SESSION");
    wait_serving(&stack).await;
    dispatch(&stack, 2).await;
    let event = next(&mut stream).await;
    let payload: Value = serde_json::from_str(&event.payload_json).unwrap();
    assert_eq!(payload["nick"], "marker-2");
    stack.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_subscriber_that_never_reads_is_ended_and_others_get_every_event() {
    const BUFFER: usize = 256;
    const EVENTS: usize = 10_000;
    let stack = start(BUFFER).await;
    let mut stalled = subscribe(&stack, &[], &[]).await;
    let mut reader = subscribe(&stack, &["GUILD_MEMBER_UPDATE"], &[]).await;
    let reading = tokio::spawn(async move {
        let mut markers = Vec::with_capacity(EVENTS);
        while markers.len() < EVENTS {
            let event = next(&mut reader).await;
            let payload: Value = serde_json::from_str(&event.payload_json).unwrap();
            markers.push(payload["nick"].as_str().unwrap().to_owned());
        }
        markers
    });
    let http = reqwest::Client::new();
    let url = format!("{}/_emulator/gateway/dispatch", stack.emulator.base_url());
    for marker in 0..EVENTS {
        http.post(&url)
            .json(&json!({"t": "GUILD_MEMBER_UPDATE", "guild_id": GUILD.to_string(), "d": {
                "guild_id": GUILD.to_string(), "roles": [], "nick": format!("marker-{marker}"),
                "user": {"id": "200000000000000001", "username": "alice", "discriminator": "0", "avatar": null},
                "joined_at": null, "deaf": false, "mute": false, "flags": 0}}))
            .send()
            .await
            .unwrap();
        assert!(
            stack.state.events.queued() <= BUFFER,
            "the ring never grows past its bound"
        );
    }
    let markers = tokio::time::timeout(Duration::from_secs(60), reading)
        .await
        .unwrap()
        .unwrap();
    let expected: Vec<String> = (0..EVENTS).map(|m| format!("marker-{m}")).collect();
    assert_eq!(
        markers, expected,
        "the reading subscriber got every event once, in order"
    );

    // The stalled subscriber gets what its transport buffered, then RESOURCE_EXHAUSTED.
    let status = tokio::time::timeout(WAIT, async {
        loop {
            match stalled.message().await {
                Ok(Some(_)) => {}
                Ok(None) => panic!("ended without a status"),
                Err(status) => return status,
            }
        }
    })
    .await
    .expect("the stalled stream ends");
    assert_eq!(status.code(), Code::ResourceExhausted);
    assert!(status.message().contains("missed"), "{}", status.message());
    assert!(stack.state.events.queued() <= BUFFER);
    stack.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn guild_channels_from_the_cache_equal_the_rest_answer() {
    let stack = start(1024).await;
    // SERVING follows READY; GUILD_CREATE comes right after it and may still be on its way.
    tokio::time::timeout(WAIT, async {
        while stack.state.cache.guild_channels(GUILD).is_none() {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    })
    .await
    .expect("GUILD_CREATE is cached");
    let cached = stack
        .client()
        .await
        .get_guild_channels(GetGuildChannelsRequest { guild_id: GUILD })
        .await
        .unwrap()
        .into_inner();
    assert!(
        stack.rest_calls().is_empty(),
        "answered from the cache: {:?}",
        stack.rest_calls()
    );
    let rest_only = Stack::start().await;
    let from_rest = rest_only
        .client()
        .await
        .get_guild_channels(GetGuildChannelsRequest { guild_id: GUILD })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(rest_only.rest_calls().len(), 2);
    assert_eq!(cached, from_rest);
    rest_only.stop().await;
    stack.stop().await;
}

/// `method path` on the emulator's REST API with the bot token, as another client would; the
/// JSON answer.
async fn emulator_rest(stack: &Stack, method: &str, path: &str, body: Option<Value>) -> Value {
    let mut request = reqwest::Client::new()
        .request(
            method.parse().unwrap(),
            format!("{}{path}", stack.emulator.api_base_url()),
        )
        .header("Authorization", format!("Bot {}", stack.emulator.token()));
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.unwrap();
    assert!(response.status().is_success(), "{method} {path}");
    response.json().await.unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn guild_channels_from_the_cache_equal_rest_after_channel_events() {
    const CATEGORY: u64 = 400_000_000_000_000_001;
    const ANNOUNCEMENTS: u64 = 400_000_000_000_000_004;
    let stack = start(1024).await;
    let mut events = subscribe(
        &stack,
        &["CHANNEL_CREATE", "CHANNEL_UPDATE", "CHANNEL_DELETE"],
        &[GUILD],
    )
    .await;
    let create = |body: Value| {
        emulator_rest(
            &stack,
            "POST",
            "/guilds/300000000000000001/channels",
            Some(body),
        )
    };
    let id = |channel: &Value| channel["id"].as_str().unwrap().to_owned();

    // Creates (in a category, a category of its own with a child, types the proto does and
    // does not name), modifies of a fixture channel and a created one, deletes of a fixture
    // channel and of a category with a child, and a create after the deletes.
    let text =
        create(json!({"name": "cache-text", "topic": "t", "parent_id": CATEGORY.to_string()}))
            .await;
    let category = create(json!({"name": "cache-category", "type": 4})).await;
    let voice = create(json!({"name": "cache-voice", "type": 2, "parent_id": id(&category)})).await;
    let forum = create(json!({"name": "cache-forum", "type": 15, "position": 1})).await;
    emulator_rest(
        &stack,
        "PATCH",
        &format!("/channels/{GENERAL}"),
        Some(json!({"name": "general-renamed", "topic": "changed", "position": 9, "nsfw": true})),
    )
    .await;
    emulator_rest(
        &stack,
        "PATCH",
        &format!("/channels/{}", id(&text)),
        Some(json!({"topic": null, "parent_id": null})),
    )
    .await;
    emulator_rest(
        &stack,
        "DELETE",
        &format!("/channels/{ANNOUNCEMENTS}"),
        None,
    )
    .await;
    emulator_rest(
        &stack,
        "DELETE",
        &format!("/channels/{}", id(&category)),
        None,
    )
    .await;
    let last = create(json!({"name": "cache-last", "type": 5})).await;

    let expected = [
        ("CHANNEL_CREATE", id(&text)),
        ("CHANNEL_CREATE", id(&category)),
        ("CHANNEL_CREATE", id(&voice)),
        ("CHANNEL_CREATE", id(&forum)),
        ("CHANNEL_UPDATE", GENERAL.to_string()),
        ("CHANNEL_UPDATE", id(&text)),
        ("CHANNEL_DELETE", ANNOUNCEMENTS.to_string()),
        ("CHANNEL_DELETE", id(&category)),
        // The category's child moved out of it.
        ("CHANNEL_UPDATE", id(&voice)),
        ("CHANNEL_CREATE", id(&last)),
    ];
    let mut received = Vec::new();
    while received.len() < expected.len() {
        let event = next(&mut events).await;
        assert_eq!(event.guild_id, GUILD);
        let payload: Value = serde_json::from_str(&event.payload_json).unwrap();
        received.push((event.name, id(&payload)));
    }
    let expected: Vec<(String, String)> = expected
        .into_iter()
        .map(|(name, id)| (name.to_owned(), id))
        .collect();
    assert_eq!(received, expected, "every channel event, in order");

    // The only REST requests the emulator saw after start-up are this test's own: the server
    // made none, also not to answer from its cache.
    let own_requests = stack.rest_calls();
    assert_eq!(own_requests.len(), 9, "{own_requests:?}");
    let cached = stack
        .client()
        .await
        .get_guild_channels(GetGuildChannelsRequest { guild_id: GUILD })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(stack.rest_calls(), own_requests, "answered from the cache");

    // A server without a gateway against the same emulator state answers over REST.
    let twin = stack.rest_twin().await;
    let from_rest = twin
        .client()
        .await
        .get_guild_channels(GetGuildChannelsRequest { guild_id: GUILD })
        .await
        .unwrap()
        .into_inner();
    let twin_requests = &stack.rest_calls()[own_requests.len()..];
    assert!(
        twin_requests.ends_with(&[
            format!("GET /guilds/{GUILD}"),
            format!("GET /guilds/{GUILD}/channels"),
        ]),
        "the twin used REST: {twin_requests:?}"
    );
    // The changes are there (so the comparison is not between two stale lists) …
    let ids: Vec<u64> = from_rest.channels.iter().map(|c| c.id).collect();
    assert!(!ids.contains(&ANNOUNCEMENTS) && !ids.contains(&id(&category).parse().unwrap()));
    assert_eq!(ids.last().copied(), Some(id(&last).parse().unwrap()));
    let general = from_rest.channels.iter().find(|c| c.id == GENERAL).unwrap();
    assert_eq!(
        (
            general.name.as_str(),
            general.topic.as_str(),
            general.position,
            general.nsfw
        ),
        ("general-renamed", "changed", 9, true)
    );
    let voice_id: u64 = id(&voice).parse().unwrap();
    let moved = from_rest
        .channels
        .iter()
        .find(|c| c.id == voice_id)
        .unwrap();
    assert_eq!(moved.parent_id, 0);
    // … and the cache gives the same reply: same channels, same order, same fields.
    assert_eq!(cached, from_rest);
    twin.stop().await;
    stack.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn shutdown_ends_open_streams_with_unavailable() {
    let stack = start(1024).await;
    let mut stream = subscribe(&stack, &["MESSAGE_CREATE"], &[]).await;
    let ending = tokio::spawn(async move {
        loop {
            match stream.message().await {
                Ok(Some(_)) => {}
                Ok(None) => panic!("ended without a status"),
                Err(status) => return status,
            }
        }
    });
    // `subscribe` returned after the server registered the subscriber.
    assert_eq!(stack.state.events.subscribers(), 1);
    stack.stop().await;
    let status = tokio::time::timeout(WAIT, ending).await.unwrap().unwrap();
    assert_eq!(status.code(), Code::Unavailable);
    assert!(
        status.message().contains("shutting down"),
        "{}",
        status.message()
    );
}
