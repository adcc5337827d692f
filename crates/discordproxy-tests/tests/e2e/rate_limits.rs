//! End-to-end rate limiting, retries and ban protection of the server's REST layer: generated
//! tonic client → our server → the Discord emulator in `discord` rate-limit mode, over loopback.
//! Asserts the gRPC answers, what the emulator received and stored (request log, messages,
//! stats) and the server's Prometheus metrics.
//!
//! Windows are small (e.g. 5 per 250 ms instead of 5 per 5 s) to keep the file short.

use discord_emulator::{Fixture, Options, RecordedRequest, RouteLimit, ScopeHeader};
use discordproxy_proto::{
    GetGuildChannelsRequest, SendChannelMessageRequest, SendDirectMessageRequest,
};
use discordproxy_server::{ProxyState, RestOptions, health_serving, serve_metrics};
use discordproxy_tests::stack::{self, Stack};
use serde_json::{Value, json};
use std::{
    collections::{BTreeMap, HashMap, HashSet},
    sync::Arc,
    time::{Duration, Instant},
};
use time::{OffsetDateTime, format_description::well_known::Rfc3339};
use tonic::{Code, Request};
use tonic_types::StatusExt;

const ALICE: u64 = 200_000_000_000_000_001;
const BOB_DMS_CLOSED: u64 = 200_000_000_000_000_002;
const GUILD: u64 = 300_000_000_000_000_001;
const GENERAL: u64 = 400_000_000_000_000_002;
/// The emulator's route key and our server's route template of message creation.
const MESSAGES: &str = "POST /channels/{channel_id}/messages";
/// A fault's `route` matching message creation in any channel.
const MESSAGES_ROUTE: &str = "/channels/{channel_id}/messages";
/// Discord's epoch (2015-01-01) in Unix milliseconds: snowflakes count from it.
const DISCORD_EPOCH_MS: u64 = 1_420_070_400_000;

/// The default fixture with message creation limited to `limit` per `per` and channel.
fn options_with_messages(limit: u32, per: Duration) -> Options {
    let mut options = Options::new(Fixture::default_fixture());
    options
        .rate_limits
        .set_route(MESSAGES, RouteLimit::new(limit, per));
    options
}

fn message(content: impl Into<String>) -> SendChannelMessageRequest {
    SendChannelMessageRequest {
        channel_id: GENERAL,
        content: content.into(),
        embed: None,
        ..Default::default()
    }
}

/// `message` as a request with a gRPC deadline of `timeout`.
fn with_timeout<T>(message: T, timeout: Duration) -> Request<T> {
    let mut request = Request::new(message);
    request.set_timeout(timeout);
    request
}

/// Message creates in `channel` the emulator received, in arrival order.
fn message_posts(stack: &Stack, channel: u64) -> Vec<RecordedRequest> {
    let path = format!("/api/v10/channels/{channel}/messages");
    stack
        .emulator
        .requests()
        .into_iter()
        .filter(|r| r.method == "POST" && r.path == path)
        .collect()
}

fn statuses(requests: &[RecordedRequest]) -> Vec<Option<u16>> {
    requests.iter().map(|r| r.status).collect()
}

/// The `nonce` and `enforce_nonce` a message create was sent with.
fn nonce_of(request: &RecordedRequest) -> (String, Value) {
    let body = request.body.as_ref().expect("a JSON body");
    let nonce = body["nonce"].as_str().expect("a string nonce").to_owned();
    assert!((1..=25).contains(&nonce.len()), "nonce {nonce:?}");
    (nonce, body["enforce_nonce"].clone())
}

/// When the emulator received `request`.
fn arrival(request: &RecordedRequest) -> OffsetDateTime {
    OffsetDateTime::parse(&request.time, &Rfc3339).expect("an ISO-8601 time")
}

/// The creation time a snowflake encodes.
fn snowflake_time(id: u64) -> OffsetDateTime {
    let ms = (id >> 22) + DISCORD_EPOCH_MS;
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000).unwrap()
}

fn id_of(message: &Value) -> u64 {
    message["id"]
        .as_str()
        .expect("a string id")
        .parse()
        .unwrap()
}

/// Every message stored in `channel`, oldest first, read from the emulator over REST (after the
/// server's traffic, so these reads cannot disturb it).
async fn stored_messages(stack: &Stack, channel: u64) -> Vec<Value> {
    let http = reqwest::Client::new();
    let mut all: Vec<Value> = Vec::new();
    let mut before: Option<u64> = None;
    loop {
        let mut url = format!(
            "{}/channels/{channel}/messages?limit=100",
            stack.emulator.api_base_url()
        );
        if let Some(id) = before {
            url.push_str(&format!("&before={id}"));
        }
        let page: Vec<Value> = http
            .get(url)
            .header("Authorization", format!("Bot {}", stack.emulator.token()))
            .send()
            .await
            .unwrap()
            .error_for_status()
            .unwrap()
            .json()
            .await
            .unwrap();
        let full = page.len() == 100;
        before = page.iter().map(id_of).min();
        all.extend(page);
        if !full {
            break;
        }
    }
    all.sort_by_key(id_of);
    all
}

/// 200 messages to one channel from 50 concurrent clients (4 sequential sends each) with
/// message creation limited to 5 per 250 ms: all succeed, each is stored exactly once, each
/// client's messages in its send order, and at most one 429 reaches the server.
async fn two_hundred_messages_from_fifty_clients(scope: ScopeHeader) {
    let mut options = options_with_messages(5, Duration::from_millis(250));
    options.rate_limits.scope_header = scope;
    let stack = Stack::start_with_options(options, None).await;
    let mut tasks = tokio::task::JoinSet::new();
    for c in 0..50u32 {
        let mut client = stack.client().await;
        tasks.spawn(async move {
            let mut ids = Vec::new();
            for n in 0..4u32 {
                let content = format!("client {c} #{n}");
                let reply = client
                    .send_channel_message(message(content.clone()))
                    .await
                    .unwrap_or_else(|status| panic!("{content}: {status:?}"))
                    .into_inner()
                    .message
                    .expect("a message");
                assert_eq!(reply.content, content);
                ids.push(reply.id);
            }
            (c, ids)
        });
    }
    let mut returned: HashMap<u32, Vec<u64>> = HashMap::new();
    while let Some(joined) = tasks.join_next().await {
        let (c, ids) = joined.unwrap();
        returned.insert(c, ids);
    }
    assert_eq!(returned.len(), 50);

    // The request log: every content created once (status 200), nothing but 429s besides.
    let posts = message_posts(&stack, GENERAL);
    let mut created: HashMap<String, Vec<u64>> = HashMap::new();
    let mut limited = 0;
    for post in &posts {
        match post.status {
            Some(200) => {
                let content = post.body.as_ref().unwrap()["content"]
                    .as_str()
                    .unwrap()
                    .to_owned();
                let id = id_of(post.response.as_ref().expect("a JSON answer"));
                created.entry(content).or_default().push(id);
            }
            Some(429) => limited += 1,
            other => panic!("unexpected answer {other:?} to {post:?}"),
        }
    }
    assert!(limited <= 1, "{limited} message creates got 429");
    assert_eq!(created.len(), 200);
    for (content, ids) in &created {
        assert_eq!(ids.len(), 1, "{content:?} was created {} times", ids.len());
    }

    // What the emulator stored: the same 200, each once, each client's in its send order.
    let stored = stored_messages(&stack, GENERAL).await;
    assert_eq!(stored.len(), 200);
    let by_content: HashMap<&str, u64> = stored
        .iter()
        .map(|m| (m["content"].as_str().unwrap(), id_of(m)))
        .collect();
    assert_eq!(by_content.len(), 200, "stored contents are distinct");
    for (c, ids) in &returned {
        let stored_ids: Vec<u64> = (0..4)
            .map(|n| by_content[format!("client {c} #{n}").as_str()])
            .collect();
        assert_eq!(&stored_ids, ids, "client {c}: the ids it was answered");
        assert!(
            stored_ids.windows(2).all(|w| w[0] < w[1]),
            "client {c}'s messages were created in its send order: {stored_ids:?}"
        );
    }
    let stats = stack.emulator.stats();
    assert!(
        stats["rate_limited"]["total"].as_u64().unwrap() <= 1,
        "{stats}"
    );
    stack.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn two_hundred_messages_from_fifty_clients_scope_header_on_429() {
    two_hundred_messages_from_fifty_clients(ScopeHeader::On429).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn two_hundred_messages_from_fifty_clients_scope_header_always() {
    two_hundred_messages_from_fifty_clients(ScopeHeader::Always).await;
}

#[tokio::test]
async fn a_slot_beyond_the_deadline_is_refused_at_once_with_retry_info() {
    let stack =
        Stack::start_with_options(options_with_messages(5, Duration::from_secs(5)), None).await;
    let mut client = stack.client().await;
    for n in 0..5 {
        client
            .send_channel_message(message(format!("fill {n}")))
            .await
            .unwrap();
    }
    let started = Instant::now();
    let status = client
        .send_channel_message(with_timeout(message("sixth"), Duration::from_secs(1)))
        .await
        .unwrap_err();
    let took = started.elapsed();
    assert_eq!(status.code(), Code::ResourceExhausted, "{status:?}");
    assert!(took < Duration::from_millis(250), "refused after {took:?}");
    let bucket = format!("POST /channels/{{channel_id}}/messages (major {GENERAL})");
    assert!(
        status.message().contains(&bucket),
        "names the bucket: {}",
        status.message()
    );
    let delay = status
        .get_details_retry_info()
        .and_then(|info| info.retry_delay)
        .expect("a google.rpc.RetryInfo with a delay");
    assert!(
        delay > Duration::from_secs(3) && delay <= Duration::from_secs(5),
        "{delay:?}"
    );
    // Nothing is sent later either.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let posts = message_posts(&stack, GENERAL);
    assert_eq!(statuses(&posts), vec![Some(200); 5]);
    assert!(
        posts
            .iter()
            .all(|p| p.body.as_ref().unwrap()["content"] != "sixth")
    );
    stack.stop().await;
}

#[tokio::test]
async fn two_500s_are_retried_with_the_same_nonce() {
    let stack = Stack::start().await;
    stack
        .emulator
        .add_fault(json!({
            "method": "POST", "route": MESSAGES_ROUTE, "status": 500, "count": 2,
            "body": {"message": "500: Internal Server Error", "code": 0},
        }))
        .unwrap();
    let mut client = stack.client().await;
    let reply = client
        .send_channel_message(message("through two 500s"))
        .await
        .unwrap()
        .into_inner()
        .message
        .unwrap();
    let posts = message_posts(&stack, GENERAL);
    assert_eq!(statuses(&posts), [Some(500), Some(500), Some(200)]);
    let (nonce, enforce) = nonce_of(&posts[0]);
    assert_eq!(enforce, json!(true));
    for post in &posts {
        assert_eq!(nonce_of(post), (nonce.clone(), json!(true)));
    }
    let stored = stored_messages(&stack, GENERAL).await;
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0]["content"], "through two 500s");
    assert_eq!(id_of(&stored[0]), reply.id);
    stack.stop().await;
}

#[tokio::test]
async fn a_lost_answer_is_retried_without_a_duplicate() {
    let stack = Stack::start().await;
    // Discord creates the message, but the answer is a 500.
    stack
        .emulator
        .add_fault(json!({
            "method": "POST", "route": MESSAGES_ROUTE, "handle": true, "status": 500,
            "body": {"message": "500: Internal Server Error", "code": 0},
        }))
        .unwrap();
    let mut client = stack.client().await;
    let reply = client
        .send_channel_message(message("created once"))
        .await
        .unwrap()
        .into_inner()
        .message
        .unwrap();
    let posts = message_posts(&stack, GENERAL);
    assert_eq!(statuses(&posts), [Some(500), Some(200)]);
    assert_eq!(nonce_of(&posts[0]), nonce_of(&posts[1]));
    assert_eq!(nonce_of(&posts[1]).1, json!(true));
    let stored = stored_messages(&stack, GENERAL).await;
    assert_eq!(stored.len(), 1, "{stored:?}");
    let id = id_of(&stored[0]);
    // The retry was answered with the message the first POST created.
    assert_eq!(reply.id, id);
    assert_eq!(id_of(posts[1].response.as_ref().unwrap()), id);
    assert!(
        snowflake_time(id) < arrival(&posts[1]),
        "the message was created before the retry arrived"
    );
    stack.stop().await;
}

#[tokio::test]
async fn a_dropped_connection_is_retried() {
    let stack = Stack::start().await;
    let mut client = stack.client().await;
    // Dropped before Discord handled it, then dropped after Discord created the message.
    for (content, handle) in [("dropped", false), ("dropped after create", true)] {
        stack
            .emulator
            .add_fault(json!({
                "method": "POST", "route": MESSAGES_ROUTE, "kind": "disconnect", "handle": handle,
            }))
            .unwrap();
        let reply = client
            .send_channel_message(message(content))
            .await
            .unwrap_or_else(|status| panic!("{content}: {status:?}"))
            .into_inner()
            .message
            .unwrap();
        assert_eq!(reply.content, content);
    }
    let posts = message_posts(&stack, GENERAL);
    assert_eq!(statuses(&posts), [None, Some(200), None, Some(200)]);
    assert_eq!(nonce_of(&posts[0]), nonce_of(&posts[1]));
    assert_eq!(nonce_of(&posts[2]), nonce_of(&posts[3]));
    assert_ne!(nonce_of(&posts[0]).0, nonce_of(&posts[2]).0);
    let stored = stored_messages(&stack, GENERAL).await;
    let contents: Vec<&str> = stored
        .iter()
        .map(|m| m["content"].as_str().unwrap())
        .collect();
    assert_eq!(contents, ["dropped", "dropped after create"]);
    stack.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn user_and_global_429s_are_waited_out() {
    let stack = Stack::start().await;
    let mut client = stack.client().await;
    stack
        .emulator
        .add_fault(json!({
            "method": "POST", "route": MESSAGES_ROUTE, "kind": "rate_limit", "scope": "user",
            "retry_after": 0.5,
        }))
        .unwrap();
    client
        .send_channel_message(message("after a user 429"))
        .await
        .unwrap();
    let posts = message_posts(&stack, GENERAL);
    assert_eq!(statuses(&posts), [Some(429), Some(200)]);
    let gap = arrival(&posts[1]) - arrival(&posts[0]);
    assert!(
        gap >= time::Duration::milliseconds(450),
        "resent after {gap}"
    );

    // A global 429 pauses every route, not only the one that got it.
    stack
        .emulator
        .add_fault(json!({
            "method": "POST", "route": MESSAGES_ROUTE, "kind": "rate_limit", "scope": "global",
            "retry_after": 0.5,
        }))
        .unwrap();
    let mut sender = client.clone();
    let send = tokio::spawn(async move {
        sender
            .send_channel_message(message("after a global 429"))
            .await
    });
    let polled = Instant::now();
    while message_posts(&stack, GENERAL)
        .get(2)
        .is_none_or(|post| post.status.is_none())
    {
        assert!(
            polled.elapsed() < Duration::from_secs(5),
            "no global 429 seen"
        );
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    // Give the server a moment to read the 429, then call another route.
    tokio::time::sleep(Duration::from_millis(50)).await;
    client
        .get_guild_channels(GetGuildChannelsRequest { guild_id: GUILD })
        .await
        .unwrap();
    send.await.unwrap().unwrap();
    let posts = message_posts(&stack, GENERAL);
    assert_eq!(
        statuses(&posts),
        [Some(429), Some(200), Some(429), Some(200)]
    );
    let limited_at = arrival(&posts[2]);
    let gap = arrival(&posts[3]) - limited_at;
    assert!(
        gap >= time::Duration::milliseconds(450),
        "resent after {gap}"
    );
    let guild_path = format!("/api/v10/guilds/{GUILD}");
    let first_guild_request = stack
        .emulator
        .requests()
        .into_iter()
        .find(|r| r.path.starts_with(&guild_path))
        .expect("the guild call reached Discord");
    let gap = arrival(&first_guild_request) - limited_at;
    assert!(
        gap >= time::Duration::milliseconds(400),
        "another route was sent {gap} after the global 429"
    );
    stack.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_cloudflare_ban_stops_all_rest_traffic_until_it_ends() {
    let stack = Stack::start().await;
    let mut client = stack.client().await;
    client
        .send_channel_message(message("before"))
        .await
        .unwrap();
    assert!(health_serving(&stack.state, false));
    stack
        .emulator
        .add_fault(json!({
            "method": "POST", "route": MESSAGES_ROUTE, "kind": "cloudflare_ban", "retry_after": 2,
        }))
        .unwrap();
    let status = client
        .send_channel_message(message("banned"))
        .await
        .unwrap_err();
    let banned_at = Instant::now();
    let is_ban = |status: &tonic::Status| {
        status.code() == Code::Unavailable
            && status.message().contains("Cloudflare")
            && status.message().contains("banned")
            && serde_json::from_str::<Value>(status.message()).is_err()
    };
    assert!(is_ban(&status), "{status:?}");
    let logged = stack.emulator.requests().len();
    assert!(!health_serving(&stack.state, false));
    assert!(stack.state.rest.blocked());
    let mut refused = 0;
    while banned_at.elapsed() < Duration::from_millis(1700) {
        let started = Instant::now();
        let status = client
            .send_channel_message(message("during the ban"))
            .await
            .unwrap_err();
        assert!(is_ban(&status), "{status:?}");
        let status = client
            .send_direct_message(SendDirectMessageRequest {
                user_id: ALICE,
                content: "during the ban".into(),
                embed: None,
                ..Default::default()
            })
            .await
            .unwrap_err();
        assert!(is_ban(&status), "{status:?}");
        let status = client
            .get_guild_channels(GetGuildChannelsRequest { guild_id: GUILD })
            .await
            .unwrap_err();
        assert!(is_ban(&status), "{status:?}");
        assert!(
            started.elapsed() < Duration::from_millis(150),
            "refused at once"
        );
        assert_eq!(
            stack.emulator.requests().len(),
            logged,
            "no request during the ban"
        );
        assert!(!health_serving(&stack.state, false));
        refused += 1;
        tokio::time::sleep(Duration::from_millis(150)).await;
    }
    assert!(refused >= 5, "{refused}");
    tokio::time::sleep_until((banned_at + Duration::from_millis(2100)).into()).await;
    assert!(health_serving(&stack.state, false));
    let reply = client
        .send_channel_message(message("after the ban"))
        .await
        .unwrap()
        .into_inner()
        .message
        .unwrap();
    assert_eq!(reply.content, "after the ban");
    assert_eq!(
        statuses(&message_posts(&stack, GENERAL)),
        [Some(200), Some(429), Some(200)]
    );
    assert!(
        stack
            .state
            .metrics
            .encode()
            .contains(r#"discordproxy_discord_rate_limited_total{scope="cloudflare"} 1"#)
    );
    stack.stop().await;
}

#[tokio::test]
async fn retries_end_after_max_retries_and_4xx_are_never_retried() {
    let rest = RestOptions {
        max_retries: 3,
        ..RestOptions::default()
    };
    let stack = Stack::start_with_rest_options(Options::default(), &rest).await;
    let mut client = stack.client().await;
    stack
        .emulator
        .add_fault(json!({
            "method": "POST", "route": MESSAGES_ROUTE, "status": 502, "count": 4,
            "body": {"message": "502: Bad Gateway", "code": 0},
        }))
        .unwrap();
    let status = client
        .send_channel_message(message("four 502s"))
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::Unavailable, "{status:?}");
    let details: Value = serde_json::from_str(status.message()).unwrap();
    assert_eq!(details["status"], 502);
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(
        statuses(&message_posts(&stack, GENERAL)),
        vec![Some(502); 4],
        "one request and 3 retries, never a fifth"
    );

    for (status, code, grpc) in [
        (400, 50035, Code::InvalidArgument),
        (404, 10003, Code::NotFound),
    ] {
        let before = message_posts(&stack, GENERAL).len();
        stack
            .emulator
            .add_fault(json!({
                "method": "POST", "route": MESSAGES_ROUTE, "status": status,
                "body": {"message": "refused", "code": code},
            }))
            .unwrap();
        let answer = client
            .send_channel_message(message(format!("{status}")))
            .await
            .unwrap_err();
        assert_eq!(answer.code(), grpc, "{answer:?}");
        tokio::time::sleep(Duration::from_millis(300)).await;
        assert_eq!(
            message_posts(&stack, GENERAL).len(),
            before + 1,
            "{status} is not retried"
        );
    }
    stack.stop().await;

    // `max_retries` is honoured: 1 retry → 2 requests.
    let rest = RestOptions {
        max_retries: 1,
        ..RestOptions::default()
    };
    let stack = Stack::start_with_rest_options(Options::default(), &rest).await;
    stack
        .emulator
        .add_fault(json!({
            "method": "POST", "route": MESSAGES_ROUTE, "status": 503, "count": 2,
            "body": {"message": "503: Service Unavailable", "code": 0},
        }))
        .unwrap();
    let status = stack
        .client()
        .await
        .send_channel_message(message("two 503s"))
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::Internal, "{status:?}");
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        statuses(&message_posts(&stack, GENERAL)),
        [Some(503), Some(503)]
    );
    stack.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn max_pending_refuses_at_once_while_calls_wait_for_an_exhausted_bucket() {
    let options = options_with_messages(5, Duration::from_secs(5));
    let stack = Stack::start_with_state(options, |token, api| {
        ProxyState::new(token, api, Duration::from_secs(300)).with_max_pending(10)
    })
    .await;
    let mut client = stack.client().await;
    for n in 0..5 {
        client
            .send_channel_message(message(format!("fill {n}")))
            .await
            .unwrap();
    }
    let window_started = Instant::now();
    let mut clients = Vec::new();
    for _ in 0..100 {
        clients.push(stack.client().await);
    }
    let barrier = Arc::new(tokio::sync::Barrier::new(clients.len()));
    let mut tasks = tokio::task::JoinSet::new();
    for (i, mut client) in clients.into_iter().enumerate() {
        let barrier = Arc::clone(&barrier);
        tasks.spawn(async move {
            barrier.wait().await;
            let started = Instant::now();
            let result = client
                .send_channel_message(with_timeout(
                    message(format!("queued {i}")),
                    Duration::from_secs(30),
                ))
                .await;
            (result, started.elapsed())
        });
    }
    let mut refused = 0;
    let mut succeeded = 0;
    while let Some(joined) = tasks.join_next().await {
        match joined.unwrap() {
            (Err(status), took) if status.code() == Code::ResourceExhausted => {
                refused += 1;
                assert!(
                    took < Duration::from_millis(250),
                    "refused at once, took {took:?}"
                );
                assert!(
                    status.message().contains("--max-pending"),
                    "{}",
                    status.message()
                );
            }
            (Ok(_), _) => succeeded += 1,
            (Err(status), _) => panic!("unexpected {status:?}"),
        }
    }
    assert_eq!((refused, succeeded), (90, 10));
    // The 10 waited for two more windows of 5.
    assert!(window_started.elapsed() >= Duration::from_millis(9500));
    let posts = message_posts(&stack, GENERAL);
    assert_eq!(statuses(&posts), vec![Some(200); 15]);
    assert_eq!(stack.emulator.stats()["rate_limited"]["total"], 0);
    stack.stop().await;
}

/// One sample of a Prometheus text exposition: name and labels.
type Sample = (String, BTreeMap<String, String>);

/// Parses `name{label="value",…} value` lines (comments skipped).
fn parse_metrics(text: &str) -> HashMap<Sample, f64> {
    let mut samples = HashMap::new();
    for line in text
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
    {
        let (key, value) = line.rsplit_once(' ').expect("name and value");
        let value: f64 = value.parse().unwrap_or_else(|_| panic!("{line}"));
        let (name, labels) = match key.split_once('{') {
            Some((name, rest)) => (name, parse_labels(rest.strip_suffix('}').unwrap())),
            None => (key, BTreeMap::new()),
        };
        assert!(
            samples.insert((name.to_owned(), labels), value).is_none(),
            "duplicate {line}"
        );
    }
    samples
}

/// `a="x",b="y"` → {a: x, b: y} (values may hold braces and spaces; quotes are escaped).
fn parse_labels(text: &str) -> BTreeMap<String, String> {
    let mut labels = BTreeMap::new();
    let mut rest = text;
    while !rest.is_empty() {
        let (name, after) = rest.split_once("=\"").expect("label=\"value\"");
        let mut value = String::new();
        let mut chars = after.char_indices();
        let end = loop {
            match chars.next().expect("a closing quote") {
                (_, '\\') => value.push(chars.next().unwrap().1),
                (i, '"') => break i,
                (_, c) => value.push(c),
            }
        };
        labels.insert(name.to_owned(), value);
        rest = after[end + 1..].trim_start_matches(',');
    }
    labels
}

fn metric(samples: &HashMap<Sample, f64>, name: &str, labels: &[(&str, &str)]) -> f64 {
    let key = (
        name.to_owned(),
        labels
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect(),
    );
    samples.get(&key).copied().unwrap_or(0.0)
}

/// Sum of the samples of `name` whose labels include `labels`.
fn metric_sum(samples: &HashMap<Sample, f64>, name: &str, labels: &[(&str, &str)]) -> f64 {
    samples
        .iter()
        .filter(|((n, l), _)| {
            n == name
                && labels
                    .iter()
                    .all(|(k, v)| l.get(*k).map(String::as_str) == Some(*v))
        })
        .map(|(_, value)| value)
        .sum()
}

#[tokio::test]
async fn metrics_count_what_happened() {
    let stack = Stack::start().await;
    let listener = stack::bind().await;
    let metrics_addr = listener.local_addr().unwrap();
    tokio::spawn(serve_metrics(listener, Arc::clone(&stack.state), false));
    let mut client = stack.client().await;
    // 4 channel messages: the first meets a user 429, the last a 500; all succeed.
    stack
        .emulator
        .add_fault(json!({
            "method": "POST", "route": MESSAGES_ROUTE, "kind": "rate_limit", "scope": "user",
            "retry_after": 0.2,
        }))
        .unwrap();
    for n in 0..3 {
        client
            .send_channel_message(message(format!("counted {n}")))
            .await
            .unwrap();
    }
    stack
        .emulator
        .add_fault(json!({
            "method": "POST", "route": MESSAGES_ROUTE, "status": 500,
            "body": {"message": "500: Internal Server Error", "code": 0},
        }))
        .unwrap();
    client
        .send_channel_message(message("after a 500"))
        .await
        .unwrap();
    // A DM to a user with DMs closed, then once more from the negative cache.
    for _ in 0..2 {
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
    }

    let response = reqwest::get(format!("http://{metrics_addr}/metrics"))
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let content_type = response.headers()["content-type"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        content_type.starts_with("application/openmetrics-text"),
        "{content_type}"
    );
    let text = response.text().await.unwrap();
    let samples = parse_metrics(&text);
    let m = |name: &str, labels: &[(&str, &str)]| metric(&samples, name, labels);

    let rpc = "discordproxy_rpc_requests_total";
    assert_eq!(
        m(rpc, &[("method", "SendChannelMessage"), ("code", "OK")]),
        4.0,
        "{text}"
    );
    assert_eq!(
        m(
            rpc,
            &[
                ("method", "SendDirectMessage"),
                ("code", "PERMISSION_DENIED")
            ]
        ),
        2.0
    );
    assert_eq!(metric_sum(&samples, rpc, &[]), 6.0, "{text}");
    let duration = "discordproxy_rpc_duration_seconds_count";
    assert_eq!(m(duration, &[("method", "SendChannelMessage")]), 4.0);
    assert_eq!(m(duration, &[("method", "SendDirectMessage")]), 2.0);

    let discord = "discordproxy_discord_requests_total";
    let expected = [
        ("GET /users/@me", "200", 1.0),
        ("GET /channels/{channel_id}", "200", 4.0),
        (MESSAGES, "200", 4.0),
        (MESSAGES, "429", 1.0),
        (MESSAGES, "500", 1.0),
        (MESSAGES, "403", 1.0),
        ("GET /users/{user_id}", "200", 1.0),
        ("POST /users/@me/channels", "200", 1.0),
    ];
    for (route, status, count) in expected {
        assert_eq!(
            m(discord, &[("route", route), ("status", status)]),
            count,
            "{route} {status}\n{text}"
        );
    }
    let total: f64 = expected.iter().map(|e| e.2).sum();
    assert_eq!(metric_sum(&samples, discord, &[]), total, "{text}");
    #[allow(clippy::cast_precision_loss)]
    let logged = stack.emulator.requests().len() as f64;
    assert_eq!(total, logged, "every request the emulator saw is counted");

    let limited = "discordproxy_discord_rate_limited_total";
    assert_eq!(m(limited, &[("scope", "user")]), 1.0);
    assert_eq!(metric_sum(&samples, limited, &[]), 1.0);
    let retries = "discordproxy_discord_retries_total";
    assert_eq!(m(retries, &[("route", MESSAGES), ("reason", "5xx")]), 1.0);
    assert_eq!(m(retries, &[("route", MESSAGES), ("reason", "429")]), 1.0);
    assert_eq!(metric_sum(&samples, retries, &[]), 2.0, "{text}");
    assert_eq!(m("discordproxy_negative_cache_hits_total", &[]), 1.0);
    // The 429 and the 403.
    assert_eq!(m("discordproxy_invalid_requests", &[]), 2.0);
    assert_eq!(m("discordproxy_rest_blocked", &[]), 0.0);
    assert_eq!(m("discordproxy_pending_calls", &[]), 0.0);
    // users/@me, the channel, its messages, users/{id}, the DM open, the DM channel's messages.
    assert_eq!(m("discordproxy_ratelimit_buckets", &[]), 6.0, "{text}");
    assert_eq!(
        m("discordproxy_cache_entries", &[("kind", "dm_channels")]),
        1.0
    );
    // Every attempt waited for a slot: 4 + 1 (429) + 1 (500) + 1 (the DM) message creates; the
    // 429's wait is in the sum.
    let wait_count = "discordproxy_ratelimit_wait_seconds_count";
    assert_eq!(m(wait_count, &[("route", MESSAGES)]), 7.0, "{text}");
    assert!(
        m(
            "discordproxy_ratelimit_wait_seconds_sum",
            &[("route", MESSAGES)]
        ) >= 0.15
    );

    // No label value holds a raw snowflake.
    for (name, labels) in samples.keys() {
        for value in labels.values() {
            let longest_digits = value
                .split(|c: char| !c.is_ascii_digit())
                .map(str::len)
                .max()
                .unwrap_or(0);
            assert!(longest_digits < 15, "{name}{labels:?} holds an id");
        }
    }
    for id in [GENERAL, GUILD, BOB_DMS_CLOSED] {
        assert!(!text.contains(&id.to_string()), "{id} in\n{text}");
    }
    stack.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn five_hundred_dms_to_a_hundred_users_with_rate_limits_reach_closed_users_once() {
    let fixture = discordproxy_tests::bulk_dm::fixture();
    let mut options = Options::new(fixture);
    options
        .rate_limits
        .set_route(MESSAGES, RouteLimit::new(5, Duration::from_millis(100)));
    options.rate_limits.global_per_second = 500;
    let rest = RestOptions {
        global_rate_limit: 500,
        ..RestOptions::default()
    };
    let stack = Stack::start_with_rest_options(options, &rest).await;
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
    let posts: Vec<&RecordedRequest> = requests
        .iter()
        .filter(|r| r.method == "POST" && r.path.ends_with("/messages"))
        .collect();
    let closed_channels: HashSet<&str> = posts
        .iter()
        .filter(|r| r.status == Some(403))
        .map(|r| r.path.as_str())
        .collect();
    let closed_posts = posts.iter().filter(|r| r.status == Some(403)).count();
    let delivered = posts.iter().filter(|r| r.status == Some(200)).count();
    assert_eq!(closed_posts, 10, "each closed user reached Discord once");
    assert_eq!(closed_channels.len(), 10);
    assert_eq!(
        delivered, 450,
        "every DM to the 90 open users was delivered"
    );
    let stats = stack.emulator.stats();
    assert_eq!(stats["rate_limited"]["total"], 0, "{stats}");
    stack.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn calls_waiting_for_one_bucket_leave_in_arrival_order() {
    let stack =
        Stack::start_with_options(options_with_messages(5, Duration::from_millis(500)), None).await;
    let mut client = stack.client().await;
    for n in 0..5 {
        client
            .send_channel_message(message(format!("fill {n}")))
            .await
            .unwrap();
    }
    // 15 calls into the exhausted bucket, 20 ms apart: they leave in three windows, in order.
    let mut tasks = Vec::new();
    for n in 0..15 {
        let mut client = client.clone();
        tasks.push(tokio::spawn(async move {
            client
                .send_channel_message(message(format!("queued {n:02}")))
                .await
                .map(|reply| reply.into_inner().message.unwrap().id)
        }));
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let mut ids = Vec::new();
    for task in tasks {
        ids.push(task.await.unwrap().unwrap());
    }
    // The five of one window leave together on separate connections, so Discord may create
    // them in any order; the windows follow the arrival order: the k-th five queued calls are
    // created in the k-th window.
    let mut created: Vec<(u64, usize)> = ids.iter().copied().zip(0..).collect();
    created.sort_unstable();
    let windows: Vec<usize> = created.iter().map(|(_, n)| n / 5).collect();
    assert_eq!(
        windows,
        [0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2],
        "{created:?}"
    );
    let arrived: Vec<usize> = message_posts(&stack, GENERAL)
        .iter()
        .skip(5)
        .map(|p| {
            let content = p.body.as_ref().unwrap()["content"].as_str().unwrap();
            content["queued ".len()..].parse::<usize>().unwrap() / 5
        })
        .collect();
    assert_eq!(arrived, windows);
    assert_eq!(stack.emulator.stats()["rate_limited"]["total"], 0);
    stack.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn an_answer_without_rate_limit_headers_does_not_lift_a_known_limit() {
    let stack =
        Stack::start_with_options(options_with_messages(5, Duration::from_millis(500)), None).await;
    let mut client = stack.client().await;
    // The bucket's first answer is a 2xx without X-RateLimit-* headers (as from a proxy); all
    // later answers have them.
    stack
        .emulator
        .add_fault(json!({
            "method": "POST", "route": MESSAGES_ROUTE, "status": 200,
            "body": {"id": "400000000000000099", "channel_id": GENERAL.to_string(), "content": "x"},
        }))
        .unwrap();
    let _ = client.send_channel_message(message("no headers")).await;
    // 15 at once: taken for an unlimited route, they all leave, and the 10 beyond the window get
    // a 429 whose headers tell the limit; from then on it is kept: every call succeeds after at
    // most one 429.
    let mut tasks = tokio::task::JoinSet::new();
    for n in 0..15 {
        let mut client = client.clone();
        tasks.spawn(async move {
            client
                .send_channel_message(with_timeout(
                    message(format!("after {n}")),
                    Duration::from_secs(10),
                ))
                .await
                .map(drop)
                .map_err(|status| format!("{status:?}"))
        });
    }
    while let Some(joined) = tasks.join_next().await {
        joined.unwrap().unwrap();
    }
    let mut limited: HashMap<String, usize> = HashMap::new();
    for post in message_posts(&stack, GENERAL) {
        if post.status == Some(429) {
            let content = post.body.as_ref().unwrap()["content"].as_str().unwrap();
            *limited.entry(content.to_owned()).or_default() += 1;
        }
    }
    assert!(
        limited.values().all(|&n| n <= 1),
        "429s per call: {limited:?}"
    );
    let stats = stack.emulator.stats();
    assert!(
        stats["rate_limited"]["total"].as_u64().unwrap() <= 10,
        "{stats}"
    );
    stack.stop().await;
}

#[tokio::test]
async fn a_429_without_bucket_headers_is_waited_out() {
    let stack = Stack::start().await;
    // A user-scope 429 from Discord's edge (Via) without X-RateLimit-* headers, on the
    // bucket's first request.
    stack
        .emulator
        .add_fault(json!({
            "method": "POST", "route": MESSAGES_ROUTE, "status": 429,
            "headers": {"Via": "1.1 google", "Retry-After": "1"},
            "body": {"message": "You are being rate limited.", "retry_after": 0.3, "global": false},
        }))
        .unwrap();
    let mut client = stack.client().await;
    client
        .send_channel_message(message("after a bare 429"))
        .await
        .unwrap();
    let posts = message_posts(&stack, GENERAL);
    assert_eq!(statuses(&posts), [Some(429), Some(200)]);
    let gap = arrival(&posts[1]) - arrival(&posts[0]);
    assert!(
        gap >= time::Duration::milliseconds(250),
        "resent after {gap}"
    );
    stack.stop().await;
}
