//! Issue 13's gateway commands end-to-end: `RequestGuildMembers` (op 8 → the request's own
//! GUILD_MEMBERS_CHUNK events as a stream) and `UpdatePresence` (op 3 on every shard, sent
//! again to a new session), against the emulator's gateway over real sockets.

use discord_emulator::{Fixture, Options, ReceivedCommand};
use discordproxy_proto::{
    Activity, GatewayEvent, GuildMembersChunk, RequestGuildMembersRequest, StreamEventsRequest,
    UpdatePresenceRequest, discord_api_client::DiscordApiClient,
};
use discordproxy_server::{GatewayOptions, ShardCount};
use discordproxy_tests::stack::Stack;
use serde_json::{Value, json};
use std::{collections::HashSet, time::Duration};
use tonic::{Code, Streaming, transport::Channel};
use twilight_gateway::Intents;
use twilight_model::gateway::presence::Status;

const GUILD: u64 = 300_000_000_000_000_001;
const BOT: u64 = 100_000_000_000_000_001;
const ALICE: u64 = 200_000_000_000_000_001;
const CAROL: u64 = 200_000_000_000_000_003;
const DAVE: u64 = 200_000_000_000_000_004;
/// A guild the server's cache is told about but the emulator does not know: op 8 for it is
/// answered with nothing (the test dispatches the chunks it wants).
const SILENT_GUILD: u64 = 300_000_000_000_000_077;
const WAIT: Duration = Duration::from_secs(20);

fn intents_with(extra: Intents) -> Intents {
    Intents::GUILDS | Intents::GUILD_MESSAGES | extra
}

fn gateway_options(intents: Intents) -> GatewayOptions {
    GatewayOptions {
        intents,
        status: Status::DoNotDisturb,
        activity: Some("start-up activity".into()),
        shards: ShardCount::Auto,
        shared: None,
    }
}

/// A stack with a gateway session of `intents` on `fixture`, once the guild is known and the
/// shard connected.
async fn start(fixture: Fixture, intents: Intents) -> Stack {
    let mut options = Options::new(fixture);
    options.rate_limits.mode = discord_emulator::config::RateLimits::Off;
    let stack = Stack::start_with_gateway(options, gateway_options(intents), 1024).await;
    wait_connected(&stack).await;
    stack
}

async fn wait_connected(stack: &Stack) {
    tokio::time::timeout(WAIT, async {
        loop {
            let connected = stack.state.gateway.get().is_some_and(|g| g.is_connected(0));
            if connected && stack.state.cache.has_guild(GUILD) {
                break;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    })
    .await
    .expect("the shard is connected and the guild known");
}

/// The default fixture's guild with the bot and `extra` generated users as members.
fn big_guild(extra: u64) -> Fixture {
    let mut fixture: Value = serde_json::from_str(include_str!(
        "../../../discord-emulator/fixtures/default.json"
    ))
    .unwrap();
    let users = fixture["users"].as_array_mut().unwrap();
    let mut members = Vec::new();
    for n in 1..=extra {
        let id = (210_000_000_000_000_000 + n).to_string();
        users.push(json!({"id": id, "username": format!("member{n:05}")}));
        members.push(json!({"user": {"id": id}}));
    }
    fixture["guilds"][0]["members"]
        .as_array_mut()
        .unwrap()
        .extend(members);
    Fixture::from_json(&fixture.to_string()).unwrap()
}

fn by_query(query: &str, limit: u32) -> RequestGuildMembersRequest {
    RequestGuildMembersRequest {
        guild_id: GUILD,
        query: Some(query.into()),
        limit,
        ..Default::default()
    }
}

fn by_ids(ids: &[u64]) -> RequestGuildMembersRequest {
    RequestGuildMembersRequest {
        guild_id: GUILD,
        user_ids: ids.to_vec(),
        ..Default::default()
    }
}

/// Every chunk of the stream until it ends (OK), in order.
async fn all_chunks(
    mut stream: Streaming<GuildMembersChunk>,
) -> Result<Vec<GuildMembersChunk>, tonic::Status> {
    let mut chunks = Vec::new();
    tokio::time::timeout(WAIT, async {
        while let Some(chunk) = stream.message().await? {
            chunks.push(chunk);
        }
        Ok(chunks)
    })
    .await
    .expect("the stream ends in time")
}

async fn request(
    client: &mut DiscordApiClient<Channel>,
    request: RequestGuildMembersRequest,
) -> Result<Vec<GuildMembersChunk>, tonic::Status> {
    let stream = client.request_guild_members(request).await?.into_inner();
    all_chunks(stream).await
}

fn member_ids(chunk: &GuildMembersChunk) -> Vec<u64> {
    chunk
        .members
        .iter()
        .map(|member| member.user.as_ref().expect("members carry their user").id)
        .collect()
}

/// The gateway payloads the emulator received with opcode `op`.
fn commands(stack: &Stack, op: u64) -> Vec<ReceivedCommand> {
    stack
        .emulator
        .gateway()
        .commands()
        .into_iter()
        .filter(|command| command.op == op)
        .collect()
}

/// Waits until the emulator received the `n`th payload with opcode `op`; its `d`.
async fn nth_command(stack: &Stack, op: u64, n: usize) -> Value {
    tokio::time::timeout(WAIT, async {
        loop {
            if let Some(command) = commands(stack, op).get(n - 1) {
                return command.d.clone().expect("d is kept");
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    })
    .await
    .expect("the command arrives")
}

async fn control(stack: &Stack, method: &str, path: &str, body: Value) -> Value {
    reqwest::Client::new()
        .request(
            method.parse().unwrap(),
            format!("{}{path}", stack.emulator.base_url()),
        )
        .json(&body)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap_or(Value::Null)
}

/// Tells the server's cache about [`SILENT_GUILD`] (a GUILD_CREATE of an unavailable guild).
async fn know_silent_guild(stack: &Stack) {
    control(
        stack,
        "POST",
        "/_emulator/gateway/dispatch",
        json!({"t": "GUILD_CREATE", "guild_id": SILENT_GUILD.to_string(),
               "d": {"id": SILENT_GUILD.to_string(), "unavailable": true}}),
    )
    .await;
    tokio::time::timeout(WAIT, async {
        while !stack.state.cache.has_guild(SILENT_GUILD) {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    })
    .await
    .expect("the cache knows the guild");
}

/// Dispatches a GUILD_MEMBERS_CHUNK of [`SILENT_GUILD`] with `nonce`.
async fn dispatch_chunk(stack: &Stack, nonce: &str, index: u32, count: u32, user: u64) {
    control(
        stack,
        "POST",
        "/_emulator/gateway/dispatch",
        json!({"t": "GUILD_MEMBERS_CHUNK", "guild_id": SILENT_GUILD.to_string(), "d": {
            "guild_id": SILENT_GUILD.to_string(), "chunk_index": index, "chunk_count": count,
            "not_found": [], "nonce": nonce,
            "members": [{"user": {"id": user.to_string(), "username": format!("u{user}"), "discriminator": "0", "avatar": null},
                         "roles": [], "joined_at": "2024-01-02T00:00:00.000000+00:00", "deaf": false, "mute": false, "flags": 0}],
        }}),
    )
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn by_query_a_prefix_streams_the_matching_members_in_one_chunk() {
    let stack = start(
        Fixture::default_fixture(),
        intents_with(Intents::GUILD_MEMBERS),
    )
    .await;
    let mut client = stack.client().await;
    let chunks = request(&mut client, by_query("al", 10)).await.unwrap();
    assert_eq!(chunks.len(), 1);
    let chunk = &chunks[0];
    assert_eq!(member_ids(chunk), vec![ALICE]);
    assert_eq!(chunk.members[0].nick, "Ali");
    assert_eq!(
        (chunk.guild_id, chunk.chunk_index, chunk.chunk_count),
        (GUILD, 0, 1)
    );
    assert!(chunk.not_found.is_empty() && chunk.presences.is_empty());
    // The op 8 the server sent, and the nonce of its own that came back.
    let d = nth_command(&stack, 8, 1).await;
    assert_eq!(d["guild_id"], json!(GUILD.to_string()));
    assert_eq!(
        (d["query"].clone(), d["limit"].clone()),
        (json!("al"), json!(10))
    );
    assert_eq!(d["presences"], json!(false));
    let nonce = d["nonce"].as_str().unwrap();
    assert!(nonce.len() <= 32);
    assert_eq!(chunk.nonce, nonce);
    let raw: Value = serde_json::from_str(&chunk.json).unwrap();
    assert_eq!(raw["nonce"], json!(nonce));
    assert_eq!(raw["members"][0]["user"]["id"], json!(ALICE.to_string()));
    // No REST request for any of it.
    assert!(stack.rest_calls().is_empty(), "{:?}", stack.rest_calls());
    stack.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn by_user_ids_unknown_ids_come_back_in_not_found_and_presences_are_typed() {
    let stack = start(
        Fixture::default_fixture(),
        intents_with(Intents::GUILD_MEMBERS | Intents::GUILD_PRESENCES),
    )
    .await;
    let mut client = stack.client().await;
    let chunks = request(&mut client, by_ids(&[CAROL, ALICE, DAVE, 999]))
        .await
        .unwrap();
    assert_eq!(chunks.len(), 1);
    assert_eq!(member_ids(&chunks[0]), vec![CAROL, ALICE]);
    assert_eq!(chunks[0].not_found, vec![DAVE, 999]);
    let d = nth_command(&stack, 8, 1).await;
    assert_eq!(
        d["user_ids"],
        json!([
            CAROL.to_string(),
            ALICE.to_string(),
            DAVE.to_string(),
            "999"
        ])
    );

    // presences: the bot's own, as UpdatePresence set it.
    client
        .update_presence(UpdatePresenceRequest {
            status: "idle".into(),
            activities: vec![Activity {
                name: "Custom Status".into(),
                r#type: 4,
                state: "counting members".into(),
                ..Default::default()
            }],
            ..Default::default()
        })
        .await
        .unwrap();
    let chunks = request(
        &mut client,
        RequestGuildMembersRequest {
            presences: true,
            ..by_ids(&[BOT, ALICE])
        },
    )
    .await
    .unwrap();
    let presence = chunks[0].presences.first().expect("the bot's presence");
    assert_eq!(
        (
            presence.user_id,
            presence.guild_id,
            presence.status.as_str()
        ),
        (BOT, GUILD, "idle")
    );
    assert_eq!(presence.activities.len(), 1);
    assert_eq!(
        (
            presence.activities[0].r#type,
            presence.activities[0].state.as_str()
        ),
        (4, "counting members")
    );
    assert_eq!(presence.client_status["desktop"], "idle");
    stack.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_whole_list_of_2500_members_comes_in_three_chunks_each_member_once() {
    let stack = start(big_guild(2_497), intents_with(Intents::GUILD_MEMBERS)).await;
    let mut events = stack
        .client()
        .await
        .stream_events(StreamEventsRequest {
            event_names: vec!["GUILD_MEMBERS_CHUNK".into()],
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    let mut client = stack.client().await;
    let chunks = request(&mut client, by_query("", 0)).await.unwrap();
    let sizes: Vec<usize> = chunks.iter().map(|c| c.members.len()).collect();
    assert_eq!(sizes, vec![1000, 1000, 500]);
    let indexes: Vec<(u32, u32)> = chunks
        .iter()
        .map(|c| (c.chunk_index, c.chunk_count))
        .collect();
    assert_eq!(indexes, vec![(0, 3), (1, 3), (2, 3)]);
    let mut seen = HashSet::new();
    for id in chunks.iter().flat_map(member_ids) {
        assert!(seen.insert(id), "member {id} twice");
    }
    assert_eq!(seen.len(), 2_500);
    assert!(seen.contains(&BOT) && seen.contains(&ALICE) && seen.contains(&CAROL));
    let nonce = &chunks[0].nonce;
    assert!(chunks.iter().all(|c| &c.nonce == nonce));

    // StreamEvents subscribers got the same chunks.
    for index in 0..3 {
        let event: GatewayEvent = tokio::time::timeout(WAIT, events.message())
            .await
            .unwrap()
            .unwrap()
            .unwrap();
        assert_eq!(
            (event.name.as_str(), event.guild_id),
            ("GUILD_MEMBERS_CHUNK", GUILD)
        );
        let d: Value = serde_json::from_str(&event.payload_json).unwrap();
        assert_eq!(d["chunk_index"], json!(index));
        assert_eq!(d["nonce"], json!(nonce));
    }
    stack.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn concurrent_requests_each_get_only_their_own_chunks() {
    let stack = start(big_guild(2_497), intents_with(Intents::GUILD_MEMBERS)).await;
    let mut calls = Vec::new();
    for n in 0..6u64 {
        let mut client = stack.client().await;
        calls.push(tokio::spawn(async move {
            let ask = if n % 2 == 0 {
                by_query("", 0)
            } else {
                by_ids(&[210_000_000_000_000_000 + n, ALICE])
            };
            (n, request(&mut client, ask).await.unwrap())
        }));
    }
    let mut nonces = HashSet::new();
    for call in calls {
        let (n, chunks) = call.await.unwrap();
        let nonce = chunks[0].nonce.clone();
        assert!(
            chunks.iter().all(|c| c.nonce == nonce),
            "one request's chunks only"
        );
        assert!(nonces.insert(nonce), "every request has its own nonce");
        if n % 2 == 0 {
            assert_eq!(chunks.len(), 3, "request {n}");
            let ids: HashSet<u64> = chunks.iter().flat_map(member_ids).collect();
            assert_eq!(ids.len(), 2_500, "request {n}");
        } else {
            assert_eq!(chunks.len(), 1, "request {n}");
            assert_eq!(
                member_ids(&chunks[0]),
                vec![210_000_000_000_000_000 + n, ALICE]
            );
        }
    }
    assert_eq!(commands(&stack, 8).len(), 6);
    stack.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn other_nonces_never_leak_and_the_stream_ends_after_chunk_count_chunks() {
    let stack = start(
        Fixture::default_fixture(),
        intents_with(Intents::GUILD_MEMBERS),
    )
    .await;
    know_silent_guild(&stack).await;
    let mut client = stack.client().await;
    let mut stream = client
        .request_guild_members(RequestGuildMembersRequest {
            guild_id: SILENT_GUILD,
            ..by_query("", 0)
        })
        .await
        .unwrap()
        .into_inner();
    let ours = nth_command(&stack, 8, 1).await["nonce"]
        .as_str()
        .unwrap()
        .to_owned();
    // Another client's chunk, a chunk without nonce, then ours out of order.
    dispatch_chunk(&stack, "another-client", 0, 1, ALICE).await;
    dispatch_chunk(&stack, "", 0, 1, ALICE).await;
    dispatch_chunk(&stack, &ours, 1, 2, CAROL).await;
    dispatch_chunk(&stack, "another-client", 0, 1, ALICE).await;
    dispatch_chunk(&stack, &ours, 0, 2, BOT).await;
    let mut got = Vec::new();
    tokio::time::timeout(WAIT, async {
        while let Some(chunk) = stream.message().await.unwrap() {
            got.push(chunk);
        }
    })
    .await
    .expect("the stream ends after its two chunks");
    let seen: Vec<(u32, Vec<u64>)> = got.iter().map(|c| (c.chunk_index, member_ids(c))).collect();
    assert_eq!(seen, vec![(1, vec![CAROL]), (0, vec![BOT])]);
    assert!(
        got.iter()
            .all(|c| c.nonce == ours && c.guild_id == SILENT_GUILD)
    );
    stack.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn chunks_that_stop_coming_end_the_stream_with_deadline_exceeded() {
    let stack = start(
        Fixture::default_fixture(),
        intents_with(Intents::GUILD_MEMBERS),
    )
    .await;
    know_silent_guild(&stack).await;
    let mut client = stack.client().await;
    // Nothing at all.
    let mut ask = tonic::Request::new(RequestGuildMembersRequest {
        guild_id: SILENT_GUILD,
        ..by_query("", 0)
    });
    ask.set_timeout(Duration::from_millis(400));
    let started = std::time::Instant::now();
    let stream = client
        .request_guild_members(ask)
        .await
        .unwrap()
        .into_inner();
    let status = all_chunks(stream).await.unwrap_err();
    assert_eq!(status.code(), Code::DeadlineExceeded, "{status:?}");
    assert!(
        status.message().contains("no GUILD_MEMBERS_CHUNK"),
        "{}",
        status.message()
    );
    assert!(started.elapsed() < Duration::from_secs(5));

    // One chunk of two, then silence.
    let mut ask = tonic::Request::new(RequestGuildMembersRequest {
        guild_id: SILENT_GUILD,
        ..by_query("", 0)
    });
    ask.set_timeout(Duration::from_millis(1500));
    let mut stream = client
        .request_guild_members(ask)
        .await
        .unwrap()
        .into_inner();
    let ours = nth_command(&stack, 8, 2).await["nonce"]
        .as_str()
        .unwrap()
        .to_owned();
    dispatch_chunk(&stack, &ours, 0, 2, ALICE).await;
    let first = stream.message().await.unwrap().unwrap();
    assert_eq!(member_ids(&first), vec![ALICE]);
    let status = stream.message().await.unwrap_err();
    assert_eq!(status.code(), Code::DeadlineExceeded);
    assert!(
        status.message().contains("1 of 2 GUILD_MEMBERS_CHUNK"),
        "{}",
        status.message()
    );
    stack.stop().await;
}

/// Asserts the call was refused with `code` and a message containing every one of `parts`.
#[track_caller]
fn refused(result: Result<Vec<GuildMembersChunk>, tonic::Status>, code: Code, parts: &[&str]) {
    let status = result.expect_err("refused");
    assert_eq!(status.code(), code, "{status:?}");
    for part in parts {
        assert!(
            status.message().contains(part),
            "{part:?} in {}",
            status.message()
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn invalid_requests_are_refused_naming_the_field_before_any_op_8() {
    let stack = start(
        Fixture::default_fixture(),
        intents_with(Intents::GUILD_MEMBERS),
    )
    .await;
    let mut client = stack.client().await;
    let cases: Vec<(RequestGuildMembersRequest, &str)> = vec![
        (
            RequestGuildMembersRequest {
                guild_id: 0,
                ..by_query("", 0)
            },
            "guild_id",
        ),
        (
            RequestGuildMembersRequest {
                user_ids: vec![ALICE],
                ..by_query("a", 1)
            },
            "query and user_ids are exclusive",
        ),
        (by_ids(&[]), "set query"),
        (by_ids(&[ALICE; 101]), "user_ids has 101 entries"),
        (by_ids(&[ALICE, 0]), "user_ids[1]"),
        (by_query("al", 0), "limit is 0"),
        (by_query("al", 101), "limit is 101"),
        (
            RequestGuildMembersRequest {
                limit: 5,
                ..by_ids(&[ALICE])
            },
            "limit is 5",
        ),
        (by_query(&"q".repeat(101), 1), "query has 101 characters"),
    ];
    for (ask, part) in cases {
        refused(
            request(&mut client, ask).await,
            Code::InvalidArgument,
            &[part],
        );
    }
    // Not in the guild (per READY and GUILD_CREATE).
    refused(
        request(
            &mut client,
            RequestGuildMembersRequest {
                guild_id: 42,
                ..by_query("", 0)
            },
        )
        .await,
        Code::NotFound,
        &["not in guild 42"],
    );
    assert!(commands(&stack, 8).is_empty(), "no op 8 was sent");
    stack.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn what_the_intents_do_not_allow_is_refused_naming_intents() {
    let stack = start(Fixture::default_fixture(), intents_with(Intents::empty())).await;
    let mut client = stack.client().await;
    refused(
        request(&mut client, by_query("", 0)).await,
        Code::FailedPrecondition,
        &["GUILD_MEMBERS", "--intents"],
    );
    refused(
        request(&mut client, by_query("", 5)).await,
        Code::FailedPrecondition,
        &["GUILD_MEMBERS", "--intents"],
    );
    refused(
        request(
            &mut client,
            RequestGuildMembersRequest {
                presences: true,
                ..by_ids(&[ALICE])
            },
        )
        .await,
        Code::FailedPrecondition,
        &["GUILD_PRESENCES", "--intents"],
    );
    assert!(commands(&stack, 8).is_empty(), "no op 8 was sent");
    // A prefix needs no privileged intent.
    let chunks = request(&mut client, by_query("car", 5)).await.unwrap();
    assert_eq!(member_ids(&chunks[0]), vec![CAROL]);
    stack.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn without_a_gateway_both_commands_are_failed_preconditions() {
    let stack = Stack::start().await;
    let mut client = stack.client().await;
    refused(
        request(&mut client, by_query("al", 1)).await,
        Code::FailedPrecondition,
        &["--no-gateway"],
    );
    let status = client
        .update_presence(UpdatePresenceRequest {
            status: "online".into(),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::FailedPrecondition);
    assert!(
        status.message().contains("--no-gateway"),
        "{}",
        status.message()
    );
    stack.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_shard_that_is_not_connected_is_unavailable() {
    let stack = start(
        Fixture::default_fixture(),
        intents_with(Intents::GUILD_MEMBERS),
    )
    .await;
    // 4004 (authentication failed) ends the shard for good.
    control(
        &stack,
        "POST",
        "/_emulator/gateway/close",
        json!({"code": 4004, "reason": "Authentication failed."}),
    )
    .await;
    let gateway = stack.state.gateway.get().unwrap();
    tokio::time::timeout(WAIT, async {
        while gateway.is_connected(0) {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    })
    .await
    .expect("the shard disconnects");
    let mut client = stack.client().await;
    refused(
        request(&mut client, by_query("al", 1)).await,
        Code::Unavailable,
        &["shard 0", "not connected"],
    );
    assert!(commands(&stack, 8).is_empty());
    stack.stop().await;
}

/// The presence of the emulator's only connected session, with its id.
fn session_presence(stack: &Stack) -> Option<(String, Option<Value>)> {
    let sessions: Vec<_> = stack
        .emulator
        .gateway()
        .sessions()
        .into_iter()
        .filter(|s| s.connected)
        .collect();
    match sessions.as_slice() {
        [session] => Some((session.session_id.clone(), session.presence.clone())),
        _ => None,
    }
}

async fn wait_presence(stack: &Stack, expected: &Value, not_session: Option<&str>) -> String {
    tokio::time::timeout(WAIT, async {
        loop {
            if let Some((id, Some(presence))) = session_presence(stack)
                && &presence == expected
                && not_session != Some(id.as_str())
            {
                return id;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await
    .unwrap_or_else(|_| {
        panic!(
            "the session's presence becomes {expected}: {:?}",
            session_presence(stack)
        )
    })
}

#[tokio::test(flavor = "multi_thread")]
async fn update_presence_reaches_the_session_and_survives_a_new_session() {
    let stack = start(
        Fixture::default_fixture(),
        intents_with(Intents::GUILD_MEMBERS),
    )
    .await;
    // The start-up presence (--status dnd --activity …) came with IDENTIFY.
    let (_, start_up) = session_presence(&stack).unwrap();
    let start_up = start_up.expect("IDENTIFY carried a presence");
    assert_eq!(start_up["status"], json!("dnd"));
    assert_eq!(
        start_up["activities"][0]["name"],
        json!("start-up activity")
    );

    let mut client = stack.client().await;
    let answer = client
        .update_presence(UpdatePresenceRequest {
            since: None,
            activities: vec![Activity {
                name: "the proxy".into(),
                r#type: 1,
                url: "https://twitch.tv/discordproxy".into(),
                ..Default::default()
            }],
            status: "online".into(),
            afk: false,
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(answer.shards, 1);
    let expected = json!({"since": null, "status": "online", "afk": false,
        "activities": [{"name": "the proxy", "type": 1, "url": "https://twitch.tv/discordproxy"}]});
    assert_eq!(
        serde_json::from_str::<Value>(&answer.json).unwrap(),
        expected
    );
    let first = wait_presence(&stack, &expected, None).await;
    assert_eq!(nth_command(&stack, 3, 1).await, expected);

    // Forget every session and drop the connections: the shard cannot resume, identifies anew
    // (with the start-up presence), and sends the runtime presence again after READY.
    control(&stack, "DELETE", "/_emulator/gateway/sessions", Value::Null).await;
    let second = wait_presence(&stack, &expected, Some(&first)).await;
    assert_ne!(first, second);
    let after = stack.emulator.gateway().commands();
    let identify = after
        .iter()
        .rposition(|c| c.op == 2)
        .expect("a new IDENTIFY");
    assert!(
        after[identify..]
            .iter()
            .any(|c| c.op == 3 && c.d.as_ref() == Some(&expected)),
        "op 3 after the new IDENTIFY"
    );
    assert_eq!(
        stack
            .state
            .gateway
            .get()
            .unwrap()
            .presence()
            .map(|frame| { serde_json::from_str::<Value>(&frame).unwrap()["d"].clone() }),
        Some(expected)
    );
    stack.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn invalid_presences_are_refused_and_no_op_3_is_sent() {
    let stack = start(Fixture::default_fixture(), intents_with(Intents::empty())).await;
    let mut client = stack.client().await;
    let activity = |kind: i32, url: &str| Activity {
        name: "x".into(),
        r#type: kind,
        url: url.into(),
        ..Default::default()
    };
    let cases = [
        (UpdatePresenceRequest::default(), "status is required"),
        (
            UpdatePresenceRequest {
                status: "away".into(),
                ..Default::default()
            },
            "status \"away\"",
        ),
        (
            UpdatePresenceRequest {
                status: "online".into(),
                activities: vec![activity(6, "")],
                ..Default::default()
            },
            "activities[0].type",
        ),
        (
            UpdatePresenceRequest {
                status: "online".into(),
                activities: vec![activity(0, ""), Activity::default()],
                ..Default::default()
            },
            "activities[1].name",
        ),
        (
            UpdatePresenceRequest {
                status: "online".into(),
                activities: vec![activity(1, "https://example.com/stream")],
                ..Default::default()
            },
            "activities[0].url",
        ),
        (
            UpdatePresenceRequest {
                status: "online".into(),
                activities: vec![activity(0, "https://twitch.tv/x")],
                ..Default::default()
            },
            "activities[0].url is only used",
        ),
        (
            UpdatePresenceRequest {
                status: "idle".into(),
                since: Some(-5),
                ..Default::default()
            },
            "since",
        ),
    ];
    for (ask, part) in cases {
        let status = client.update_presence(ask).await.unwrap_err();
        assert_eq!(status.code(), Code::InvalidArgument, "{status:?}");
        assert!(
            status.message().contains(part),
            "{part:?} in {}",
            status.message()
        );
    }
    // A valid update after them is the first op 3 the emulator received.
    client
        .update_presence(UpdatePresenceRequest {
            status: "invisible".into(),
            ..Default::default()
        })
        .await
        .unwrap();
    let d = nth_command(&stack, 3, 1).await;
    assert_eq!(d["status"], json!("invisible"));
    assert_eq!(
        commands(&stack, 3).len(),
        1,
        "only the valid update was sent"
    );
    stack.stop().await;
}
