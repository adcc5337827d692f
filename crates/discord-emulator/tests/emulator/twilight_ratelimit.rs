//! Judge: twilight-http 0.18 with its rate limiter on (nobody here wrote it) creates messages
//! in one channel past the limit; it must wait and every create must succeed, in both
//! scope-header modes. The 429 counts of each mode come from `/_emulator/stats`.
//!
//! twilight records bucket headers only when `X-RateLimit-Scope` is present, so with Discord's
//! documented behaviour (the scope on 429s only) it learns a bucket from each 429 and then
//! forgets the remaining count: one 429 per window after the first. With `--scope-header
//! always` it learns from every response and never hits a 429.

use std::time::{Duration, Instant};

use discord_emulator::{Emulator, Options, RouteLimit, ScopeHeader};
use serde_json::{Value, json};
use twilight_http::Client;
use twilight_model::id::Id;
use twilight_model::id::marker::ChannelMarker;

const GENERAL: Id<ChannelMarker> = Id::new(400000000000000002);
const MESSAGES: &str = "POST /channels/{channel_id}/messages";
/// The lowered limit: 5 creates per second per channel.
const LIMIT: u32 = 5;
const WINDOW: Duration = Duration::from_millis(1000);
/// Creates per run: four windows' worth.
const CREATES: usize = 20;

async fn start(scope: ScopeHeader) -> (Emulator, Client) {
    let mut options = Options::default();
    options
        .rate_limits
        .set_route(MESSAGES, RouteLimit::new(LIMIT, WINDOW));
    options.rate_limits.scope_header = scope;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let emulator = Emulator::start(listener, options).await.unwrap();
    let client = Client::builder()
        .proxy(emulator.local_addr().to_string(), true)
        .token(emulator.token().to_owned())
        .build();
    (emulator, client)
}

/// The contents of the stored messages of `GENERAL`, oldest first.
async fn stored(client: &Client) -> Vec<String> {
    let mut contents: Vec<String> = client
        .channel_messages(GENERAL)
        .limit(100)
        .await
        .unwrap()
        .models()
        .await
        .unwrap()
        .into_iter()
        .map(|message| message.content)
        .collect();
    contents.reverse();
    contents
}

/// Creates `CREATES` messages one after another; returns the elapsed time and the stats.
async fn sequential(scope: ScopeHeader) -> (Duration, Value) {
    let (emulator, client) = start(scope).await;
    let started = Instant::now();
    for index in 0..CREATES {
        let message = client
            .create_message(GENERAL)
            .content(&format!("message {index}"))
            .await
            .unwrap_or_else(|error| panic!("create {index} failed: {error}"))
            .model()
            .await
            .unwrap();
        assert_eq!(message.content, format!("message {index}"));
    }
    let elapsed = started.elapsed();
    let expected: Vec<String> = (0..CREATES).map(|i| format!("message {i}")).collect();
    assert_eq!(
        stored(&client).await,
        expected,
        "each stored once, in order"
    );
    let stats = emulator.stats();
    // Every 429 the stats count is in the request log too.
    let logged = emulator
        .requests()
        .iter()
        .filter(|request| request.status == Some(429))
        .count();
    assert_eq!(json!(logged), stats["rate_limited"]["total"]);
    emulator.shutdown().await;
    (elapsed, stats)
}

/// The windows twilight had to wait for: `CREATES / LIMIT - 1` full windows (minus slack for
/// the time the first window was already running).
fn minimum_wait() -> Duration {
    let windows = u32::try_from(CREATES).unwrap() / LIMIT - 1;
    WINDOW * windows - Duration::from_millis(100)
}

#[tokio::test]
async fn twilight_waits_out_429s_when_the_scope_comes_on_429s_only() {
    let (elapsed, stats) = sequential(ScopeHeader::On429).await;
    let user_429s = stats["rate_limited"]["user"].as_u64().unwrap();
    println!(
        "scope header on 429s only: {CREATES} creates at {LIMIT}/{WINDOW:?} took {elapsed:?}, \
         {user_429s} user-scope 429s"
    );
    assert!(elapsed >= minimum_wait(), "twilight waited: {elapsed:?}");
    // One 429 per window after the first: twilight forgets the bucket state on responses
    // without X-RateLimit-Scope.
    assert_eq!(user_429s, 3, "{stats}");
    assert_eq!(stats["rate_limited"]["total"], json!(3));
    assert_eq!(stats["invalid_requests"]["in_window"], json!(3));
}

#[tokio::test]
async fn twilight_never_hits_429s_when_the_scope_comes_always() {
    let (elapsed, stats) = sequential(ScopeHeader::Always).await;
    let user_429s = stats["rate_limited"]["user"].as_u64().unwrap();
    println!(
        "scope header always: {CREATES} creates at {LIMIT}/{WINDOW:?} took {elapsed:?}, \
         {user_429s} user-scope 429s"
    );
    assert!(elapsed >= minimum_wait(), "twilight waited: {elapsed:?}");
    assert_eq!(user_429s, 0, "{stats}");
    assert_eq!(stats["rate_limited"]["total"], json!(0));
}

/// The same from 20 concurrent tasks: twilight queues them per bucket.
async fn concurrent(scope: ScopeHeader) -> Value {
    let (emulator, client) = start(scope).await;
    let client = std::sync::Arc::new(client);
    let tasks: Vec<_> = (0..CREATES)
        .map(|index| {
            let client = std::sync::Arc::clone(&client);
            tokio::spawn(async move {
                client
                    .create_message(GENERAL)
                    .content(&format!("task {index}"))
                    .await
                    .unwrap_or_else(|error| panic!("create {index} failed: {error}"))
                    .model()
                    .await
                    .unwrap()
            })
        })
        .collect();
    for task in tasks {
        task.await.unwrap();
    }
    let mut contents = stored(&client).await;
    contents.sort();
    let mut expected: Vec<String> = (0..CREATES).map(|i| format!("task {i}")).collect();
    expected.sort();
    assert_eq!(contents, expected, "each stored exactly once");
    let stats = emulator.stats();
    emulator.shutdown().await;
    stats
}

#[tokio::test]
async fn twilight_serializes_concurrent_creates_in_both_modes() {
    let (on_429, always) = tokio::join!(
        concurrent(ScopeHeader::On429),
        concurrent(ScopeHeader::Always)
    );
    let on_429 = on_429["rate_limited"]["user"].as_u64().unwrap();
    let always = always["rate_limited"]["user"].as_u64().unwrap();
    println!("20 concurrent creates: {on_429} 429s (scope on 429s), {always} 429s (scope always)");
    assert_eq!(on_429, 3);
    assert_eq!(always, 0);
}

#[tokio::test]
async fn twilight_waits_out_injected_shared_and_global_429s() {
    let (emulator, client) = start(ScopeHeader::On429).await;
    emulator
        .add_fault(json!({
            "method": "POST",
            "route": "/channels/{channel_id}/messages",
            "kind": "rate_limit",
            "scope": "shared",
            "retry_after": 1,
        }))
        .unwrap();
    let started = Instant::now();
    client
        .create_message(GENERAL)
        .content("after a shared 429")
        .await
        .unwrap();
    let shared_wait = started.elapsed();
    // twilight honours a shared 429's Retry-After.
    assert!(shared_wait >= Duration::from_millis(900), "{shared_wait:?}");

    emulator
        .add_fault(json!({
            "method": "POST",
            "kind": "rate_limit",
            "scope": "global",
            "retry_after": 0.5,
        }))
        .unwrap();
    let started = Instant::now();
    client
        .create_message(GENERAL)
        .content("after a global 429")
        .await
        .unwrap();
    let global_wait = started.elapsed();
    println!(
        "twilight after a shared 429 (retry_after 1 s) waited {shared_wait:?}; after a global \
         429 (retry_after 0.5 s) {global_wait:?}"
    );
    assert_eq!(
        stored(&client).await,
        ["after a shared 429", "after a global 429"]
    );
    let stats = emulator.stats();
    assert_eq!(stats["rate_limited"]["shared"], json!(1));
    assert_eq!(stats["rate_limited"]["global"], json!(1));
    assert_eq!(stats["invalid_requests"]["in_window"], json!(1));
    emulator.shutdown().await;
}
