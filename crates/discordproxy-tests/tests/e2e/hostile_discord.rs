//! A broken or hostile Discord side (emulator fault injection): invalid JSON, wrong types,
//! missing fields, a 50 MB body, an answer that never finishes, an HTML error page. Each call
//! ends with a clear plain-text error (`INTERNAL`, `UNAVAILABLE` or, for a stall, the caller's
//! `DEADLINE_EXCEEDED`), never a panic, and memory stays bounded.

use discordproxy_proto::{GetGuildChannelsRequest, SendChannelMessageRequest};
use discordproxy_tests::stack::Stack;
use std::time::{Duration, Instant};
use tonic::Code;

const GUILD: u64 = 300_000_000_000_000_001;
const GENERAL: u64 = 400_000_000_000_000_002;

fn message(content: &str) -> SendChannelMessageRequest {
    SendChannelMessageRequest {
        channel_id: GENERAL,
        content: content.into(),
        embed: None,
        ..Default::default()
    }
}

/// Sends one channel message with `fault` injected and returns the status.
async fn with_fault(stack: &Stack, fault: serde_json::Value) -> tonic::Status {
    stack.emulator.clear_faults();
    stack.emulator.add_fault(fault).unwrap();
    let mut request = tonic::Request::new(message("hostile"));
    request.set_timeout(Duration::from_secs(10));
    let mut client = stack.client().await;
    client.send_channel_message(request).await.unwrap_err()
}

fn assert_plain_text(status: &tonic::Status) {
    assert!(
        serde_json::from_str::<serde_json::Value>(status.message()).is_err(),
        "plain text expected: {}",
        status.message()
    );
}

fn rss_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn broken_answers_become_clear_errors() {
    let stack = Stack::start().await;
    // Invalid JSON in a 200 answer to the message create.
    let status = with_fault(
        &stack,
        serde_json::json!({"method": "POST", "route": "/channels/{channel_id}/messages",
                           "kind": "invalid_json"}),
    )
    .await;
    assert_eq!(status.code(), Code::Internal, "{status:?}");
    assert!(status.message().contains("unexpected response body"));
    assert_plain_text(&status);

    // Wrong types and missing fields in the channel lookup: the call only needs the guild id
    // from it, so a 2xx answer of any shape lets the message go out (tolerant decoding, issue
    // 11; this asserted INTERNAL before).
    for body in [
        serde_json::json!({"id": 5, "type": "text"}),
        serde_json::json!({"name": "no id, no type"}),
    ] {
        stack.emulator.clear_faults();
        stack
            .emulator
            .add_fault(
                serde_json::json!({"method": "GET", "route": "/channels/{channel_id}",
                                          "status": 200, "body": body}),
            )
            .unwrap();
        let mut client = stack.client().await;
        let sent = client
            .send_channel_message(message("odd channel answer"))
            .await
            .expect("a 2xx channel answer never fails the call")
            .into_inner()
            .message
            .unwrap();
        assert_eq!((sent.channel_id, sent.guild_id), (GENERAL, 0));
    }
    // A JSON answer of the wrong kind where the call needs something from it: a clear
    // INTERNAL error naming the route.
    stack.emulator.clear_faults();
    stack
        .emulator
        .add_fault(
            serde_json::json!({"method": "GET", "route": "/guilds/{guild_id}/channels",
                                      "status": 200, "body": {"not": "a list"}}),
        )
        .unwrap();
    let status = stack
        .client()
        .await
        .get_guild_channels(GetGuildChannelsRequest { guild_id: GUILD })
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::Internal, "{status:?}");
    assert!(
        status.message().contains("GET /guilds/{guild_id}/channels"),
        "{status:?}"
    );
    assert_plain_text(&status);

    // An HTML error page on every attempt: retried, then UNAVAILABLE in one plain line.
    let before = stack.rest_calls().len();
    let status = with_fault(
        &stack,
        serde_json::json!({"method": "POST", "route": "/channels/{channel_id}/messages",
                           "kind": "html", "status": 502, "count": 0}),
    )
    .await;
    assert_eq!(status.code(), Code::Unavailable, "{status:?}");
    assert!(status.message().contains("non-JSON body"), "{status:?}");
    assert!(status.message().contains("text/html"), "{status:?}");
    assert!(!status.message().contains('\n'));
    assert_plain_text(&status);
    let posts = stack.rest_calls()[before..]
        .iter()
        .filter(|call| call.starts_with("POST"))
        .count();
    assert_eq!(posts, 4, "one attempt and three retries");
    stack.emulator.clear_faults();

    // The server still works afterwards.
    let mut client = stack.client().await;
    client.send_channel_message(message("fine")).await.unwrap();
    stack.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_fifty_megabyte_body_is_refused_without_reading_it() {
    let stack = Stack::start().await;
    let before = rss_kib();
    stack
        .emulator
        .add_fault(
            serde_json::json!({"method": "GET", "route": "/guilds/{guild_id}/channels",
                                      "kind": "large_body", "bytes": 50_000_000}),
        )
        .unwrap();
    let mut client = stack.client().await;
    let status = client
        .get_guild_channels(GetGuildChannelsRequest { guild_id: GUILD })
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::Internal, "{status:?}");
    assert!(status.message().contains("larger than 8 MiB"), "{status:?}");
    assert_plain_text(&status);
    let grown_mib = rss_kib().saturating_sub(before) / 1024;
    assert!(
        grown_mib < 40,
        "memory grew by {grown_mib} MiB while refusing a 50 MB body"
    );
    stack.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn an_answer_that_never_finishes_ends_at_the_deadline() {
    let stack = Stack::start().await;
    stack
        .emulator
        .add_fault(
            serde_json::json!({"method": "POST", "route": "/channels/{channel_id}/messages",
                                      "kind": "stall", "count": 0}),
        )
        .unwrap();
    let mut client = stack.client().await;
    let mut request = tonic::Request::new(message("stalled"));
    request.set_timeout(Duration::from_millis(1500));
    let started = Instant::now();
    let status = client.send_channel_message(request).await.unwrap_err();
    assert!(
        matches!(status.code(), Code::DeadlineExceeded | Code::Cancelled),
        "{status:?}"
    );
    assert!(started.elapsed() < Duration::from_secs(3));
    stack.emulator.clear_faults();
    client.send_channel_message(message("after")).await.unwrap();
    stack.stop().await;
}
