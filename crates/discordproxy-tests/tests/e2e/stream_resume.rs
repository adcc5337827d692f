//! Issue 14 end-to-end: resuming `StreamEvents` after a dropped stream. Every event gets a
//! bus-wide `position`; the stream's initial metadata carries the server's epoch and newest
//! position; a request with `resume_after` and that epoch gets the retained events after it,
//! then live ones (each once, in order), and `discordproxy-missed-events` says exactly how many
//! matching events were no longer retained. Another epoch (a restarted server) gives a live
//! stream and `unknown`; a position beyond the newest is `INVALID_ARGUMENT`; a lagging stream's
//! `RESOURCE_EXHAUSTED` says where to resume.

use discord_emulator::{Fixture, Options};
use discordproxy_proto::{GatewayEvent, StreamEventsRequest, discord_api_client::DiscordApiClient};
use discordproxy_server::{GatewayOptions, ShardCount};
use discordproxy_tests::stack::Stack;
use serde_json::{Value, json};
use std::time::Duration;
use tonic::{Code, Streaming, transport::Channel};
use tonic_health::pb::{
    HealthCheckRequest, health_check_response::ServingStatus, health_client::HealthClient,
};
use twilight_gateway::Intents;
use twilight_model::gateway::presence::Status;

const GUILD: u64 = 300_000_000_000_000_001;
const WAIT: Duration = Duration::from_secs(20);
const MEMBER_UPDATE: &str = "GUILD_MEMBER_UPDATE";
const ROLE_CREATE: &str = "GUILD_ROLE_CREATE";

async fn start(event_buffer: usize) -> Stack {
    let mut options = Options::new(Fixture::default_fixture());
    options.rate_limits.mode = discord_emulator::config::RateLimits::Off;
    let gateway = GatewayOptions {
        intents: Intents::GUILDS | Intents::GUILD_MEMBERS,
        status: Status::Online,
        activity: None,
        shards: ShardCount::Auto,
        shared: None,
    };
    let stack = Stack::start_with_gateway(options, gateway, event_buffer).await;
    wait_serving(&stack).await;
    stack
}

/// Polls `done` until it holds (at most [`WAIT`]).
async fn until(what: &str, mut done: impl FnMut() -> bool) {
    tokio::time::timeout(WAIT, async {
        while !done() {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    })
    .await
    .unwrap_or_else(|_| panic!("timed out waiting until {what}"));
}

async fn wait_serving(stack: &Stack) {
    let channel = tonic::transport::Endpoint::from_shared(format!("http://{}", stack.addr))
        .unwrap()
        .connect()
        .await
        .unwrap();
    let mut health = HealthClient::new(channel);
    tokio::time::timeout(WAIT, async {
        loop {
            let status = health
                .check(HealthCheckRequest {
                    service: "discord_api.DiscordApi".into(),
                })
                .await
                .map(|r| r.into_inner().status());
            if status.is_ok_and(|status| status == ServingStatus::Serving) {
                return;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await
    .expect("health becomes SERVING");
}

/// The body of a dispatch whose payload carries `marker`: a member update (its `nick`) or a
/// role create (the role's `name`).
fn dispatch_body(name: &str, marker: &str) -> Value {
    let data = if name == MEMBER_UPDATE {
        json!({"guild_id": GUILD.to_string(), "roles": [], "nick": marker,
            "user": {"id": "200000000000000001", "username": "alice", "discriminator": "0", "avatar": null},
            "joined_at": "2024-01-02T00:00:00.000000+00:00", "deaf": false, "mute": false, "flags": 0})
    } else {
        json!({"guild_id": GUILD.to_string(), "role": {"id": "500000000000000099", "name": marker,
            "color": 0, "hoist": false, "position": 1, "permissions": "0", "managed": false,
            "mentionable": false, "flags": 0}})
    };
    json!({"t": name, "guild_id": GUILD.to_string(), "d": data})
}

async fn dispatch(http: &reqwest::Client, stack: &Stack, body: &Value) {
    let response = http
        .post(format!(
            "{}/_emulator/gateway/dispatch",
            stack.emulator.base_url()
        ))
        .json(body)
        .send()
        .await
        .unwrap();
    assert!(response.status().is_success(), "{body}");
}

/// The marker an event carries (see [`dispatch_body`]), if any.
fn marker(event: &GatewayEvent) -> Option<String> {
    let payload: Value = serde_json::from_str(&event.payload_json).ok()?;
    let marker = match event.name.as_str() {
        MEMBER_UPDATE => &payload["nick"],
        ROLE_CREATE => &payload["role"]["name"],
        _ => return None,
    };
    marker.as_str().map(str::to_owned)
}

/// The initial metadata of a stream.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Opened {
    epoch: String,
    position: u64,
    missed: Option<String>,
}

fn request(names: &[&str], guilds: &[u64], resume_after: u64, epoch: &str) -> StreamEventsRequest {
    StreamEventsRequest {
        event_names: names.iter().map(|n| (*n).to_owned()).collect(),
        guild_ids: guilds.to_vec(),
        resume_after,
        epoch: epoch.to_owned(),
    }
}

async fn open_with(
    client: &mut DiscordApiClient<Channel>,
    request: StreamEventsRequest,
) -> Result<(Streaming<GatewayEvent>, Opened), tonic::Status> {
    let response = client.stream_events(request).await?;
    let text = |key: &str| {
        response
            .metadata()
            .get(key)
            .map(|value| value.to_str().unwrap().to_owned())
    };
    let opened = Opened {
        epoch: text("discordproxy-stream-epoch").expect("an epoch"),
        position: text("discordproxy-stream-position")
            .expect("a position")
            .parse()
            .unwrap(),
        missed: text("discordproxy-missed-events"),
    };
    Ok((response.into_inner(), opened))
}

async fn open(stack: &Stack, request: StreamEventsRequest) -> (Streaming<GatewayEvent>, Opened) {
    open_with(&mut stack.client().await, request).await.unwrap()
}

async fn next(stream: &mut Streaming<GatewayEvent>) -> GatewayEvent {
    tokio::time::timeout(WAIT, stream.message())
        .await
        .expect("an event arrives in time")
        .expect("the stream is healthy")
        .expect("the stream is open")
}

#[tokio::test(flavor = "multi_thread")]
async fn a_cancelled_stream_resumes_with_every_event_once_and_in_order() {
    const EVENTS: usize = 300;
    const DROP_AT: usize = 100;
    const PAUSE_AT: usize = 200;
    let stack = start(1024).await;
    let filter = [MEMBER_UPDATE];
    let (mut first, opened) = open(&stack, request(&filter, &[GUILD], 0, "")).await;
    assert_eq!(opened.epoch, stack.state.events.epoch());
    assert_eq!(opened.missed, None, "a live-only stream asks for no count");

    // Dispatches go on while the stream is dropped; the last ones wait until it is resumed.
    let (resumed_tx, resumed_rx) = tokio::sync::oneshot::channel::<()>();
    let dispatcher = {
        let http = reqwest::Client::new();
        let url = stack.emulator.base_url();
        tokio::spawn(async move {
            let post = |marker: usize| {
                http.post(format!("{url}/_emulator/gateway/dispatch"))
                    .json(&dispatch_body(MEMBER_UPDATE, &format!("m-{marker}")))
                    .send()
            };
            for marker in 0..PAUSE_AT {
                post(marker).await.unwrap();
            }
            resumed_rx.await.unwrap();
            for marker in PAUSE_AT..EVENTS {
                post(marker).await.unwrap();
            }
        })
    };

    let mut received = Vec::new();
    while received.len() < DROP_AT {
        let event = next(&mut first).await;
        received.push((event.position, marker(&event).unwrap()));
    }
    let cursor = received.last().unwrap().0;
    drop(first); // the client cancels the call
    until("the server ended the cancelled stream", || {
        stack.state.events.subscribers() == 0
    })
    .await;
    until("events were published after the cursor", || {
        stack.state.events.newest() >= cursor + 50
    })
    .await;

    let (mut resumed, reopened) =
        open(&stack, request(&filter, &[GUILD], cursor, &opened.epoch)).await;
    resumed_tx.send(()).unwrap();
    assert_eq!(reopened.epoch, opened.epoch);
    assert_eq!(reopened.missed.as_deref(), Some("0"));
    assert!(reopened.position >= cursor + 50);
    let mut replayed = 0;
    while received.len() < EVENTS {
        let event = next(&mut resumed).await;
        if event.position <= reopened.position {
            replayed += 1;
        }
        received.push((event.position, marker(&event).unwrap()));
    }
    dispatcher.await.unwrap();
    assert!(replayed > 0, "the gap came from the history");
    let markers: Vec<&str> = received.iter().map(|(_, m)| m.as_str()).collect();
    let expected: Vec<String> = (0..EVENTS).map(|m| format!("m-{m}")).collect();
    assert_eq!(markers, expected, "every event once, in order");
    assert!(
        received.windows(2).all(|w| w[0].0 < w[1].0),
        "positions increase"
    );

    // Shutdown ends the resumed stream with UNAVAILABLE, without waiting for the grace period.
    let ending = tokio::spawn(async move { resumed.message().await.unwrap_err() });
    tokio::time::timeout(Duration::from_secs(8), stack.stop())
        .await
        .expect("the server stops without waiting for its open stream");
    let status = tokio::time::timeout(WAIT, ending).await.unwrap().unwrap();
    assert_eq!(status.code(), Code::Unavailable, "{status:?}");
}

/// An unfiltered observer reads every event; the test dispatches one event at a time and waits
/// until the observer has it, so the small ring never overflows and the observer knows every
/// position's event.
struct Observer {
    stream: Streaming<GatewayEvent>,
    seen: Vec<GatewayEvent>,
    http: reqwest::Client,
}

impl Observer {
    async fn dispatch(&mut self, stack: &Stack, name: &str, marker: &str) -> u64 {
        dispatch(&self.http, stack, &dispatch_body(name, marker)).await;
        loop {
            let event = next(&mut self.stream).await;
            self.seen.push(event.clone());
            if event.name == name && marker_is(&event, marker) {
                return event.position;
            }
        }
    }
}

fn marker_is(event: &GatewayEvent, expected: &str) -> bool {
    marker(event).as_deref() == Some(expected)
}

#[tokio::test(flavor = "multi_thread")]
async fn a_resume_after_the_history_rolled_over_says_exactly_how_many_matching_events_were_missed()
{
    const BUFFER: u64 = 8;
    let stack = start(BUFFER as usize).await;
    let (stream, opened) = open(&stack, request(&[], &[], 0, "")).await;
    let mut observer = Observer {
        stream,
        seen: Vec::new(),
        http: reqwest::Client::new(),
    };
    let filter = [MEMBER_UPDATE];
    let (mut subject, _) = open(&stack, request(&filter, &[GUILD], 0, "")).await;
    observer.dispatch(&stack, MEMBER_UPDATE, "m-0").await;
    let cursor = next(&mut subject).await;
    assert!(marker_is(&cursor, "m-0"));
    let cursor = cursor.position;
    drop(subject);

    for i in 1..=20 {
        observer
            .dispatch(&stack, MEMBER_UPDATE, &format!("m-{i}"))
            .await;
        observer
            .dispatch(&stack, ROLE_CREATE, &format!("r-{i}"))
            .await;
    }
    let newest = stack.state.events.newest();
    assert_eq!(newest, observer.seen.last().unwrap().position);
    let oldest_retained = newest - BUFFER + 1;
    let member_updates =
        |event: &&GatewayEvent| event.name == MEMBER_UPDATE && event.guild_id == GUILD;
    // What the observer saw between the cursor and the history, and in the history.
    let expected_missed = observer
        .seen
        .iter()
        .filter(|e| e.position > cursor && e.position < oldest_retained)
        .filter(member_updates)
        .count();
    let expected_replay: Vec<u64> = observer
        .seen
        .iter()
        .filter(|e| e.position >= oldest_retained)
        .filter(member_updates)
        .map(|e| e.position)
        .collect();
    // Alternating dispatches: 16 of the 20 member updates rolled out, 4 are retained (unless the
    // gateway sent events of its own meanwhile, which the observer counted as well).
    assert!(expected_missed >= 16, "{expected_missed}");

    let (mut resumed, reopened) =
        open(&stack, request(&filter, &[GUILD], cursor, &opened.epoch)).await;
    assert_eq!(reopened.position, newest);
    assert_eq!(
        reopened.missed,
        Some(expected_missed.to_string()),
        "only the matching events count"
    );
    let mut replayed = Vec::new();
    while replayed.len() < expected_replay.len() {
        replayed.push(next(&mut resumed).await.position);
    }
    assert_eq!(replayed, expected_replay);
    // Then live.
    let live = observer.dispatch(&stack, MEMBER_UPDATE, "m-live").await;
    let event = next(&mut resumed).await;
    assert_eq!((event.position, marker_is(&event, "m-live")), (live, true));

    // Without filters every evicted event counts, and the replay is the whole history.
    let (mut everything, counted) = open(&stack, request(&[], &[], cursor, &opened.epoch)).await;
    let oldest_retained = counted.position - BUFFER + 1;
    assert_eq!(
        counted.missed,
        Some((oldest_retained - cursor - 1).to_string())
    );
    for position in oldest_retained..=counted.position {
        assert_eq!(next(&mut everything).await.position, position);
    }
    // Filters that matched nothing in the gap: nothing missed.
    let (_, other_guild) = open(&stack, request(&filter, &[42], cursor, &opened.epoch)).await;
    assert_eq!(other_guild.missed.as_deref(), Some("0"));
    let (_, roles) = open(&stack, request(&[ROLE_CREATE], &[], cursor, &opened.epoch)).await;
    let expected_roles = observer
        .seen
        .iter()
        .filter(|e| e.position > cursor && e.position < oldest_retained)
        .filter(|e| e.name == ROLE_CREATE)
        .count();
    assert_eq!(roles.missed, Some(expected_roles.to_string()));
    stack.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn another_epoch_gives_a_live_stream_and_an_unknown_missed_count() {
    // A first server: the client saw some events of its epoch.
    let old = start(1024).await;
    let (mut stream, opened) = open(&old, request(&[MEMBER_UPDATE], &[], 0, "")).await;
    let http = reqwest::Client::new();
    dispatch(&http, &old, &dispatch_body(MEMBER_UPDATE, "m-old")).await;
    let seen = next(&mut stream).await;
    drop(stream);
    old.stop().await;

    // The server restarted: its positions start again and its epoch is new.
    let new = start(1024).await;
    for i in 0..3 {
        dispatch(
            &http,
            &new,
            &dispatch_body(MEMBER_UPDATE, &format!("m-new-{i}")),
        )
        .await;
    }
    until("the new server published them", || {
        new.state.events.newest() >= 3
    })
    .await;
    let (mut resumed, reopened) = open(
        &new,
        request(&[MEMBER_UPDATE], &[], seen.position, &opened.epoch),
    )
    .await;
    assert_ne!(reopened.epoch, opened.epoch);
    assert_eq!(reopened.epoch, new.state.events.epoch());
    assert_eq!(reopened.missed.as_deref(), Some("unknown"));
    // Live only: the first event is the one dispatched now, not the new server's history.
    dispatch(&http, &new, &dispatch_body(MEMBER_UPDATE, "m-live")).await;
    let event = next(&mut resumed).await;
    assert!(marker_is(&event, "m-live"), "{event:?}");
    assert!(event.position > reopened.position);
    new.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn invalid_resume_points_are_invalid_arguments_naming_the_field() {
    let stack = start(1024).await;
    let (_, opened) = open(&stack, request(&[], &[], 0, "")).await;
    let mut client = stack.client().await;
    let beyond = opened.position + 1000;
    let status = open_with(&mut client, request(&[], &[], beyond, &opened.epoch))
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::InvalidArgument);
    assert!(
        status
            .message()
            .starts_with(&format!("resume_after {beyond} ")),
        "{}",
        status.message()
    );
    let status = open_with(&mut client, request(&[], &[], 1, ""))
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::InvalidArgument);
    assert!(
        status.message().contains("epoch") && status.message().contains("resume_after"),
        "{}",
        status.message()
    );
    // The newest position itself is a valid resume point: nothing to replay, nothing missed.
    let newest = stack.state.events.newest();
    let (_, at_newest) = open(&stack, request(&[], &[], newest, &opened.epoch)).await;
    assert_eq!(at_newest.missed.as_deref(), Some("0"));
    stack.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_lagging_stream_says_where_to_resume_and_the_resume_continues_it() {
    const BUFFER: u64 = 16;
    const EVENTS: u64 = 2000;
    let stack = start(BUFFER as usize).await;
    // Small HTTP/2 windows: the stalled stream cannot buffer the whole burst in the transport.
    let channel = tonic::transport::Endpoint::from_shared(format!("http://{}", stack.addr))
        .unwrap()
        .initial_stream_window_size(16 * 1024)
        .initial_connection_window_size(16 * 1024)
        .connect()
        .await
        .unwrap();
    let mut small = DiscordApiClient::new(channel);
    let (mut stalled, opened) = open_with(&mut small, request(&[], &[], 0, ""))
        .await
        .unwrap();
    let start_position = opened.position;
    let mut body = dispatch_body(MEMBER_UPDATE, "burst");
    body["count"] = json!(EVENTS);
    dispatch(&reqwest::Client::new(), &stack, &body).await;
    until("the burst was published", || {
        stack.state.events.newest() >= start_position + EVENTS
    })
    .await;

    // What the transport buffered, in order, then RESOURCE_EXHAUSTED saying where to resume.
    let mut positions = Vec::new();
    let status = tokio::time::timeout(WAIT, async {
        loop {
            match stalled.message().await {
                Ok(Some(event)) => positions.push(event.position),
                Ok(None) => panic!("ended without a status"),
                Err(status) => return status,
            }
        }
    })
    .await
    .expect("the stalled stream ends");
    assert_eq!(status.code(), Code::ResourceExhausted, "{status:?}");
    // (Possibly none: the server may not have polled the stream before the burst overtook it.)
    assert!((positions.len() as u64) < EVENTS, "it lagged");
    let expected: Vec<u64> =
        (start_position + 1..=start_position + positions.len() as u64).collect();
    assert_eq!(positions, expected);
    let last = positions.last().copied().unwrap_or(start_position);
    let resume_after: u64 = status
        .metadata()
        .get("discordproxy-resume-after")
        .expect("trailing metadata discordproxy-resume-after")
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(
        resume_after, last,
        "the last event the client got (or the stream's start)"
    );
    assert!(status.message().contains("missed"), "{}", status.message());
    assert!(
        status
            .message()
            .contains(&format!("resume_after={resume_after}")),
        "{}",
        status.message()
    );

    let (mut resumed, reopened) =
        open(&stack, request(&[], &[], resume_after, &opened.epoch)).await;
    let oldest_retained = reopened.position - BUFFER + 1;
    assert_eq!(
        reopened.missed,
        Some((oldest_retained - resume_after - 1).to_string())
    );
    for position in oldest_retained..=reopened.position {
        assert_eq!(next(&mut resumed).await.position, position);
    }
    stack.stop().await;
}
