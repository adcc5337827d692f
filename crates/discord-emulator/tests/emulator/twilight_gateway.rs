//! An independent judge of the gateway: twilight-gateway 0.18 (with its default `zstd`
//! transport compression, so every payload here went through `compress=zstd-stream`) logs in,
//! receives READY, GUILD_CREATE and MESSAGE_CREATE as twilight-model events, and survives a
//! dropped connection, RECONNECT and INVALID_SESSION by resuming or re-identifying as Discord
//! expects, without losing or repeating an event; its REQUEST_GUILD_MEMBERS (op 8) gets
//! GUILD_MEMBERS_CHUNK events that twilight-model parses.

use std::collections::HashSet;
use std::time::Duration;

use discord_emulator::config::RateLimits;
use discord_emulator::{Emulator, Options};
use futures_util::StreamExt as _;
use serde_json::{Value, json};
use twilight_gateway::queue::InMemoryQueue;
use twilight_gateway::{
    ConfigBuilder, Event, EventTypeFlags, Intents, Message, Shard, ShardId, ShardState,
    StreamExt as _,
};
use twilight_model::id::Id;

const GUILD: u64 = 300_000_000_000_000_001;
const GENERAL: &str = "400000000000000002";
const ALICE: &str = "200000000000000001";
const BOT: u64 = 100_000_000_000_000_001;

/// How long any single wait may take before the test fails.
const WAIT: Duration = Duration::from_secs(15);

/// An emulator without rate limits (the tests create many messages quickly).
async fn start() -> Emulator {
    let mut options = Options::default();
    options.rate_limits.mode = RateLimits::Off;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    Emulator::start(listener, options).await.unwrap()
}

/// A twilight shard pointed at the emulator, with an identify queue that never waits (the
/// default queue waits 5 s between identifies).
fn shard(emulator: &Emulator, intents: Intents) -> Shard<InMemoryQueue> {
    let config = ConfigBuilder::new(emulator.token().to_owned(), intents)
        .proxy_url(emulator.gateway_url())
        .queue(InMemoryQueue::new(0, 0, Duration::ZERO, 0))
        .build();
    Shard::with_config(ShardId::ONE, config)
}

/// The next dispatch event twilight parses (failing on errors and after [`WAIT`]); HELLO,
/// heartbeats, RECONNECT, INVALID_SESSION and close frames are skipped.
async fn next_event(shard: &mut Shard<InMemoryQueue>) -> Event {
    loop {
        let event = tokio::time::timeout(WAIT, shard.next_event(EventTypeFlags::all()))
            .await
            .expect("an event in time")
            .expect("the shard is running")
            .expect("a well-formed event");
        match event {
            Event::GatewayHello(_)
            | Event::GatewayHeartbeat
            | Event::GatewayHeartbeatAck
            | Event::GatewayReconnect
            | Event::GatewayInvalidateSession(_)
            | Event::GatewayClose(_) => {}
            event => return event,
        }
    }
}

/// The next dispatch payload (op 0) as JSON; other payloads and close messages are skipped.
async fn next_payload(shard: &mut Shard<InMemoryQueue>) -> Value {
    loop {
        let message = tokio::time::timeout(WAIT, shard.next())
            .await
            .expect("a payload in time")
            .expect("the shard is running")
            .expect("a well-formed payload");
        if let Message::Text(text) = message {
            let payload: Value = serde_json::from_str(&text).unwrap();
            if payload["op"] == json!(0) {
                return payload;
            }
            assert_eq!(payload["s"], Value::Null, "{payload}");
            assert_eq!(payload["t"], Value::Null, "{payload}");
        }
    }
}

/// Creates a message over REST like another client would.
async fn create_message(
    http: &reqwest::Client,
    emulator: &Emulator,
    channel: &str,
    content: &str,
) -> Value {
    let response = http
        .post(format!(
            "{}/channels/{channel}/messages",
            emulator.api_base_url()
        ))
        .header("Authorization", format!("Bot {}", emulator.token()))
        .json(&json!({ "content": content }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    response.json().await.unwrap()
}

/// Opcodes the emulator received, in order.
fn ops(emulator: &Emulator) -> Vec<u64> {
    emulator.gateway().commands().iter().map(|c| c.op).collect()
}

#[tokio::test]
async fn twilight_logs_in_and_receives_guilds_and_messages() {
    let emulator = start().await;
    let http = reqwest::Client::new();
    let mut shard = shard(
        &emulator,
        Intents::GUILDS | Intents::GUILD_MESSAGES | Intents::DIRECT_MESSAGES,
    );

    let Event::Ready(ready) = next_event(&mut shard).await else {
        panic!("READY first");
    };
    assert_eq!(ready.version, 10);
    assert_eq!(ready.user.id, Id::new(BOT));
    assert!(ready.user.bot);
    assert_eq!(ready.guilds.len(), 1);
    assert!(ready.guilds[0].unavailable);
    assert_eq!(ready.resume_gateway_url, emulator.gateway_url());
    assert_eq!(ready.application.id, Id::new(BOT));
    assert_eq!(ready.shard, Some(ShardId::ONE));

    let Event::GuildCreate(create) = next_event(&mut shard).await else {
        panic!("GUILD_CREATE second");
    };
    let twilight_model::gateway::payload::incoming::GuildCreate::Available(guild) = &*create else {
        panic!("an available guild");
    };
    assert_eq!(guild.id, Id::new(GUILD));
    assert_eq!(guild.name, "Sandbox Guild");
    assert_eq!(guild.channels.len(), 9);
    assert_eq!(guild.roles.len(), 4);
    assert_eq!(guild.member_count, Some(3));
    assert!(guild.joined_at.is_some());
    assert_eq!(shard.state(), ShardState::Active);

    // A message created over REST arrives as MESSAGE_CREATE with the guild and member.
    let sent = create_message(&http, &emulator, GENERAL, "hello gateway").await;
    let Event::MessageCreate(message) = next_event(&mut shard).await else {
        panic!("MESSAGE_CREATE");
    };
    assert_eq!(message.id.to_string(), sent["id"].as_str().unwrap());
    assert_eq!(message.content, "hello gateway");
    assert_eq!(message.guild_id, Some(Id::new(GUILD)));
    assert!(message.member.is_some());
    assert_eq!(message.author.id, Id::new(BOT));

    // A DM arrives without a guild id (DIRECT_MESSAGES).
    let dm: Value = http
        .post(format!("{}/users/@me/channels", emulator.api_base_url()))
        .header("Authorization", format!("Bot {}", emulator.token()))
        .json(&json!({ "recipient_id": ALICE }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let dm_id = dm["id"].as_str().unwrap().to_owned();
    create_message(&http, &emulator, &dm_id, "hello DM").await;
    let Event::MessageCreate(message) = next_event(&mut shard).await else {
        panic!("MESSAGE_CREATE in the DM");
    };
    assert_eq!(message.channel_id.to_string(), dm_id);
    assert_eq!(message.guild_id, None);
    assert_eq!(message.content, "hello DM");

    let sessions = emulator.gateway().sessions();
    assert_eq!(sessions.len(), 1);
    assert!(sessions[0].connected);
    assert_eq!(sessions[0].seq, 4);
    assert_eq!(
        sessions[0].intents,
        (Intents::GUILDS | Intents::GUILD_MESSAGES | Intents::DIRECT_MESSAGES).bits()
    );
    assert_eq!(ops(&emulator).iter().filter(|op| **op == 2).count(), 1);
    // twilight-gateway's default `zstd` feature asked for zstd-stream.
    assert_eq!(sessions[0].compress.as_deref(), Some("zstd-stream"));
}

#[tokio::test]
async fn intents_decide_who_gets_message_create() {
    let emulator = start().await;
    let http = reqwest::Client::new();
    // GUILDS only: READY and GUILD_CREATE, but no MESSAGE_CREATE.
    let mut shard = shard(&emulator, Intents::GUILDS);
    assert!(matches!(next_event(&mut shard).await, Event::Ready(_)));
    assert!(matches!(
        next_event(&mut shard).await,
        Event::GuildCreate(_)
    ));
    create_message(&http, &emulator, GENERAL, "not for you").await;
    let sent = emulator.gateway().dispatch(
        "GUILD_ROLE_DELETE",
        &json!({"guild_id": GUILD.to_string(), "role_id": "500000000000000001"}),
        None,
        None,
    );
    assert_eq!(sent.len(), 1, "GUILD_ROLE_DELETE needs GUILDS");
    // The next event is the role delete, not the message.
    let Event::RoleDelete(delete) = next_event(&mut shard).await else {
        panic!("GUILD_ROLE_DELETE");
    };
    assert_eq!(delete.guild_id, Id::new(GUILD));
    assert_eq!(emulator.gateway().sessions()[0].seq, 3);
}

#[tokio::test]
async fn twilight_resumes_after_a_dropped_connection_without_losing_events() {
    let emulator = start().await;
    let http = reqwest::Client::new();
    let mut shard = shard(&emulator, Intents::GUILDS | Intents::GUILD_MESSAGES);
    let ready = next_payload(&mut shard).await;
    assert_eq!(ready["t"], json!("READY"));
    assert_eq!(ready["s"], json!(1));
    let guild = next_payload(&mut shard).await;
    assert_eq!(guild["t"], json!("GUILD_CREATE"));
    assert_eq!(guild["s"], json!(2));
    let session_id = ready["d"]["session_id"].as_str().unwrap().to_owned();

    // Drop the TCP connection without a close frame, then create messages while twilight has
    // not noticed yet, and more while it reconnects.
    let dropped = emulator.gateway().drop_connections(None);
    assert_eq!(dropped, vec![session_id.clone()]);
    let mut expected = Vec::new();
    for n in 0..10 {
        let message = create_message(&http, &emulator, GENERAL, &format!("gap {n}")).await;
        expected.push(message["id"].as_str().unwrap().to_owned());
    }
    let writer = {
        let http = http.clone();
        let api = emulator.api_base_url();
        let auth = format!("Bot {}", emulator.token());
        tokio::spawn(async move {
            let mut ids = Vec::new();
            for n in 0..10 {
                let message: Value = http
                    .post(format!("{api}/channels/{GENERAL}/messages"))
                    .header("Authorization", &auth)
                    .json(&json!({ "content": format!("during {n}") }))
                    .send()
                    .await
                    .unwrap()
                    .json()
                    .await
                    .unwrap();
                ids.push(message["id"].as_str().unwrap().to_owned());
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
            ids
        })
    };

    // Read until all 20 messages arrived; check sequence numbers on the way.
    let mut seen = Vec::new();
    let mut resumed = false;
    let mut last_seq = 2;
    while seen.len() < 20 {
        let payload = next_payload(&mut shard).await;
        let seq = payload["s"].as_u64().expect("only dispatches after READY");
        assert_eq!(seq, last_seq + 1, "contiguous sequence numbers: {payload}");
        last_seq = seq;
        match payload["t"].as_str().unwrap() {
            "RESUMED" => resumed = true,
            "MESSAGE_CREATE" => seen.push(payload["d"]["id"].as_str().unwrap().to_owned()),
            other => panic!("unexpected {other}"),
        }
    }
    let mut ids: HashSet<String> = expected.iter().cloned().collect();
    ids.extend(tokio::time::timeout(WAIT, writer).await.unwrap().unwrap());
    assert!(resumed, "RESUMED was dispatched");
    assert_eq!(seen.len(), 20, "every message exactly once: {seen:?}");
    assert_eq!(seen.iter().cloned().collect::<HashSet<_>>(), ids);
    // The messages created before the reconnect come first, in creation order.
    assert_eq!(seen[..10], expected[..]);

    // The emulator saw one IDENTIFY and one RESUME, and kept one session.
    let ops = ops(&emulator);
    assert_eq!(ops.iter().filter(|op| **op == 2).count(), 1, "{ops:?}");
    assert_eq!(ops.iter().filter(|op| **op == 6).count(), 1, "{ops:?}");
    let sessions = emulator.gateway().sessions();
    assert_eq!(sessions.len(), 1);
    assert_eq!(sessions[0].session_id, session_id);
    assert_eq!(sessions[0].resumes, 1);
    assert!(sessions[0].connected);
    assert_eq!(sessions[0].seq, last_seq);
}

#[tokio::test]
async fn twilight_follows_reconnect_invalid_session_and_close_codes() {
    let emulator = start().await;
    let http = reqwest::Client::new();
    let mut shard = shard(&emulator, Intents::GUILDS | Intents::GUILD_MESSAGES);
    assert!(matches!(next_event(&mut shard).await, Event::Ready(_)));
    assert!(matches!(
        next_event(&mut shard).await,
        Event::GuildCreate(_)
    ));
    let first_session = emulator.gateway().sessions()[0].session_id.clone();

    // RECONNECT: twilight closes and resumes.
    assert_eq!(emulator.gateway().reconnect(None).len(), 1);
    loop {
        if matches!(next_event(&mut shard).await, Event::Resumed) {
            break;
        }
    }
    create_message(&http, &emulator, GENERAL, "after reconnect").await;
    let Event::MessageCreate(message) = next_event(&mut shard).await else {
        panic!("MESSAGE_CREATE after RECONNECT");
    };
    assert_eq!(message.content, "after reconnect");
    assert_eq!(emulator.gateway().sessions()[0].resumes, 1);

    // A close with 4000 keeps the session: twilight resumes.
    assert_eq!(emulator.gateway().close(None, 4000, "test").len(), 1);
    loop {
        if matches!(next_event(&mut shard).await, Event::Resumed) {
            break;
        }
    }
    assert_eq!(emulator.gateway().sessions()[0].resumes, 2);

    // INVALID_SESSION true: twilight resumes again.
    assert_eq!(emulator.gateway().invalidate_session(None, true).len(), 1);
    loop {
        if matches!(next_event(&mut shard).await, Event::Resumed) {
            break;
        }
    }
    assert_eq!(emulator.gateway().sessions()[0].resumes, 3);

    // INVALID_SESSION false: twilight identifies anew and gets a new session.
    assert_eq!(emulator.gateway().invalidate_session(None, false).len(), 1);
    let ready = loop {
        if let Event::Ready(ready) = next_event(&mut shard).await {
            break ready;
        }
    };
    assert_ne!(ready.session_id, first_session);
    assert!(matches!(
        next_event(&mut shard).await,
        Event::GuildCreate(_)
    ));
    let sessions = emulator.gateway().sessions();
    assert_eq!(sessions.len(), 1, "the old session is gone");
    assert_eq!(sessions[0].session_id, ready.session_id);
    assert_eq!(ops(&emulator).iter().filter(|op| **op == 2).count(), 2);

    // A server-requested heartbeat is answered.
    let heartbeats = |emulator: &Emulator| ops(emulator).iter().filter(|op| **op == 1).count();
    let before = heartbeats(&emulator);
    emulator.gateway().request_heartbeat(None);
    create_message(&http, &emulator, GENERAL, "ping").await;
    // Reading the message lets twilight process the request before it.
    assert!(matches!(
        next_event(&mut shard).await,
        Event::MessageCreate(_)
    ));
    tokio::time::timeout(WAIT, async {
        while heartbeats(&emulator) <= before {
            // Keep polling the shard so it sends the heartbeat.
            let _ = tokio::time::timeout(Duration::from_millis(50), shard.next()).await;
        }
    })
    .await
    .expect("twilight answers a heartbeat request");
}

#[tokio::test]
async fn shards_split_the_guilds() {
    let emulator = start().await;
    let count = 2;
    let owner = (GUILD >> 22) % count;
    let config = || {
        ConfigBuilder::new(emulator.token().to_owned(), Intents::GUILDS)
            .proxy_url(emulator.gateway_url())
            .queue(InMemoryQueue::new(0, 0, Duration::ZERO, 0))
            .build()
    };
    let mut with_guild =
        Shard::with_config(ShardId::new(u32::try_from(owner).unwrap(), 2), config());
    let mut without =
        Shard::with_config(ShardId::new(u32::try_from(1 - owner).unwrap(), 2), config());
    let Event::Ready(ready) = next_event(&mut with_guild).await else {
        panic!("READY");
    };
    assert_eq!(ready.guilds.len(), 1);
    assert!(matches!(
        next_event(&mut with_guild).await,
        Event::GuildCreate(_)
    ));
    let Event::Ready(ready) = next_event(&mut without).await else {
        panic!("READY");
    };
    assert!(ready.guilds.is_empty());
    let sessions = emulator.gateway().sessions();
    assert_eq!(sessions.len(), 2);
    let shards: HashSet<[u64; 2]> = sessions.iter().map(|s| s.shard).collect();
    assert_eq!(shards, HashSet::from([[0, 2], [1, 2]]));
}

#[tokio::test]
async fn twilight_requests_guild_members_and_parses_the_chunks() {
    use twilight_model::gateway::payload::outgoing::RequestGuildMembers;
    let emulator = start().await;
    let mut shard = shard(&emulator, Intents::GUILDS | Intents::GUILD_MEMBERS);
    assert!(matches!(next_event(&mut shard).await, Event::Ready(_)));
    assert!(matches!(
        next_event(&mut shard).await,
        Event::GuildCreate(_)
    ));

    // Every member (query "", limit 0), with a nonce.
    shard.command(
        &RequestGuildMembers::builder(Id::new(GUILD))
            .nonce("all")
            .query("", Some(0)),
    );
    let Event::MemberChunk(chunk) = next_event(&mut shard).await else {
        panic!("GUILD_MEMBERS_CHUNK");
    };
    assert_eq!(chunk.guild_id, Id::new(GUILD));
    assert_eq!((chunk.chunk_index, chunk.chunk_count), (0, 1));
    assert_eq!(chunk.nonce.as_deref(), Some("all"));
    let mut ids: Vec<String> = chunk
        .members
        .iter()
        .map(|m| m.user.id.to_string())
        .collect();
    ids.sort();
    assert_eq!(
        ids,
        [
            "100000000000000001",
            "200000000000000001",
            "200000000000000003"
        ]
    );
    assert!(chunk.not_found.is_empty());
    assert!(
        chunk
            .members
            .iter()
            .all(|member| member.joined_at.is_some())
    );

    // By user id: a member and a user who is not one (not_found).
    let stranger = 200_000_000_000_000_999;
    shard.command(
        &RequestGuildMembers::builder(Id::new(GUILD))
            .nonce("ids")
            .user_ids(vec![Id::new(200_000_000_000_000_001), Id::new(stranger)])
            .unwrap(),
    );
    let Event::MemberChunk(chunk) = next_event(&mut shard).await else {
        panic!("GUILD_MEMBERS_CHUNK");
    };
    assert_eq!(chunk.nonce.as_deref(), Some("ids"));
    assert_eq!(chunk.members.len(), 1);
    assert_eq!(chunk.members[0].user.id.to_string(), ALICE);
    assert_eq!(chunk.not_found, vec![Id::new(stranger)]);
}
