//! The `X-Audit-Log-Reason` header in the request log, and the rate-limit buckets of the message
//! routes (limits, bucket ids, per-channel major parameter, 429s).

use std::collections::HashSet;

use discord_emulator::Options;
use serde_json::{Value, json};

use crate::support::{ANNOUNCEMENTS, Api, GENERAL, VOICE};

/// The reason header, percent-encoded as clients send it.
const REASON: (&str, &str) = ("X-Audit-Log-Reason", "spam%20cleanup%20%E2%9C%85");

#[tokio::test]
async fn mutating_routes_record_the_decoded_audit_log_reason() {
    let api = Api::start().await;
    let a = api.say(GENERAL, "a").await;
    let b = api.say(GENERAL, "b").await;
    let c = api.say(GENERAL, "c").await;
    let news = api.say(ANNOUNCEMENTS, "news").await;
    api.emulator.clear_requests();
    let calls = [
        (
            "PATCH",
            format!("/channels/{GENERAL}/messages/{a}"),
            Some(json!({"content": "A"})),
        ),
        ("DELETE", format!("/channels/{GENERAL}/messages/{a}"), None),
        (
            "POST",
            format!("/channels/{GENERAL}/messages/bulk-delete"),
            Some(json!({"messages": [b, c]})),
        ),
        (
            "POST",
            format!("/channels/{ANNOUNCEMENTS}/messages/{news}/crosspost"),
            None,
        ),
        (
            "POST",
            format!("/channels/{GENERAL}/messages"),
            Some(json!({"content": "d"})),
        ),
        (
            "PATCH",
            format!("/channels/{VOICE}"),
            Some(json!({"name": "renamed"})),
        ),
    ];
    for (method, path, body) in calls {
        let reply = api.call_with(method, &path, body, &[REASON]).await;
        assert!(reply.status < 300, "{method} {path}: {}", reply.text);
    }
    let without = api
        .call("GET", &format!("/channels/{GENERAL}/messages"), None)
        .await;
    assert_eq!(without.status, 200);

    let requests = api.emulator.requests();
    assert_eq!(requests.len(), 7);
    for request in &requests[..6] {
        assert_eq!(
            request.audit_log_reason.as_deref(),
            Some("spam cleanup ✅"),
            "{} {}",
            request.method,
            request.path
        );
    }
    assert_eq!(requests[6].audit_log_reason, None);
    // The same over HTTP: a string, or null.
    let url = format!("{}/_emulator/requests", api.emulator.base_url());
    let log: Vec<Value> = reqwest::get(url).await.unwrap().json().await.unwrap();
    assert_eq!(log[1]["audit_log_reason"], json!("spam cleanup ✅"));
    assert_eq!(log[6]["audit_log_reason"], Value::Null);
    assert_eq!(log[1]["method"], json!("DELETE"));
}

#[tokio::test]
async fn message_routes_have_discords_buckets_per_channel() {
    let api = Api::with(Options::default()).await;
    let ids = [
        api.say(GENERAL, "1").await,
        api.say(GENERAL, "2").await,
        api.say(GENERAL, "3").await,
    ];
    let news = api.say(ANNOUNCEMENTS, "news").await;
    let elsewhere = [api.say(VOICE, "4").await, api.say(VOICE, "5").await];
    let message = |id: &str| format!("/channels/{GENERAL}/messages/{id}");
    let checks = [
        ("GET", message(&ids[0]), None, "50", "1"),
        (
            "PATCH",
            message(&ids[0]),
            Some(json!({"content": "x"})),
            "5",
            "5",
        ),
        ("DELETE", message(&ids[0]), None, "5", "1"),
        (
            "POST",
            format!("/channels/{GENERAL}/messages/bulk-delete"),
            Some(json!({"messages": [ids[1], ids[2]]})),
            "1",
            "1",
        ),
        (
            "POST",
            format!("/channels/{ANNOUNCEMENTS}/messages/{news}/crosspost"),
            None,
            "10",
            "3600",
        ),
    ];
    let mut buckets = HashSet::new();
    for (method, path, body, limit, window) in &checks {
        let reply = api.call(method, path, body.clone()).await;
        assert!(reply.status < 300, "{method} {path}: {}", reply.text);
        assert_eq!(
            reply.header("x-ratelimit-limit"),
            Some(*limit),
            "{method} {path}"
        );
        let remaining: u32 = reply
            .header("x-ratelimit-remaining")
            .unwrap()
            .parse()
            .unwrap();
        assert_eq!(
            remaining + 1,
            limit.parse::<u32>().unwrap(),
            "{method} {path}"
        );
        let reset_after: f64 = reply
            .header("x-ratelimit-reset-after")
            .unwrap()
            .parse()
            .unwrap();
        let window: f64 = window.parse().unwrap();
        assert!(
            reset_after > 0.0 && reset_after <= window,
            "{method} {path}"
        );
        buckets.insert(reply.header("x-ratelimit-bucket").unwrap().to_owned());
    }
    assert_eq!(buckets.len(), checks.len(), "one bucket per route");

    // Bulk delete allows one request per second per channel: another channel has its own.
    let bulk = |channel: &str, messages: Value| {
        api.post(
            format!("/channels/{channel}/messages/bulk-delete"),
            json!({ "messages": messages }),
        )
    };
    let limited = bulk(GENERAL, json!(["1", "2"])).await;
    assert_eq!(limited.status, 429, "{}", limited.text);
    assert_eq!(limited.json["global"], json!(false));
    assert_eq!(limited.header("x-ratelimit-scope"), Some("user"));
    let other = bulk(VOICE, json!(elsewhere)).await;
    assert_eq!(other.status, 204, "{}", other.text);

    // Edits: 5 per 5 s per channel.
    let edited = api.say(ANNOUNCEMENTS, "edit me").await;
    let path = format!("/channels/{ANNOUNCEMENTS}/messages/{edited}");
    for n in 0..5 {
        let reply = api
            .call("PATCH", &path, Some(json!({ "content": n.to_string() })))
            .await;
        assert_eq!(reply.status, 200, "edit {n}: {}", reply.text);
    }
    let reply = api
        .call("PATCH", &path, Some(json!({"content": "six"})))
        .await;
    assert_eq!(reply.status, 429, "{}", reply.text);
}
