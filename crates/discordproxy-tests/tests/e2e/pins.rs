//! Issue 12, pins: `GetChannelPins`, `PinMessage` and `UnpinMessage` end to end against the
//! emulator on Discord's current `/channels/{channel_id}/messages/pins` routes: the REST
//! request (method, path, query, `X-Audit-Log-Reason`), the typed answer and its JSON,
//! Discord's errors (10008, 30003 after 50 pins) and limits refused without a request.

use crate::message_support::{
    GENERAL, UNKNOWN_CHANNEL, audit_log_reason, details, judge_response, only_request_since,
    plain_text, requests_since, route, send,
};
use discord_emulator::{Fixture, Options};
use discordproxy_proto::{
    GetChannelMessageRequest, GetChannelPinsRequest, PinMessageRequest, UnpinMessageRequest,
};
use discordproxy_tests::stack::Stack;
use serde_json::{Value, json};
use tonic::Code;

fn pins_path() -> String {
    format!("/channels/{GENERAL}/messages/pins")
}

#[tokio::test]
async fn pin_list_and_unpin_messages() {
    let stack = Stack::start().await;
    let mut client = stack.client().await;
    let first = send(&stack, "first pin").await.message.unwrap().id;
    let second = send(&stack, "second pin").await.message.unwrap().id;
    for (message, reason) in [(first, "important ✓"), (second, "")] {
        let skip = stack.emulator.requests().len();
        client
            .pin_message(PinMessageRequest {
                channel_id: GENERAL,
                message_id: message,
                audit_log_reason: reason.into(),
            })
            .await
            .unwrap();
        let put = only_request_since(&stack, skip);
        assert_eq!(route(&put), format!("PUT {}/{message}", pins_path()));
        assert_eq!(put.status, Some(204));
        assert_eq!(
            audit_log_reason(&put),
            (!reason.is_empty()).then(|| reason.to_owned())
        );
        // Pin times are kept in milliseconds: keep the two apart.
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }

    let skip = stack.emulator.requests().len();
    let pins = client
        .get_channel_pins(GetChannelPinsRequest {
            channel_id: GENERAL,
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    let get = only_request_since(&stack, skip);
    assert_eq!(
        (route(&get), get.query.as_str()),
        (format!("GET {}", pins_path()), "")
    );
    judge_response(&get);
    let ids: Vec<u64> = pins
        .items
        .iter()
        .map(|pin| pin.message.as_ref().unwrap().id)
        .collect();
    assert_eq!(ids, [second, first], "newest pin first");
    assert!(!pins.has_more);
    assert!(pins.items.iter().all(|pin| !pin.pinned_at.is_empty()));
    let message = pins.items[1].message.as_ref().unwrap();
    assert_eq!(message.content, "first pin");
    assert!(message.pinned);
    let json: Value = serde_json::from_str(&pins.json).unwrap();
    assert_eq!(Some(&json), get.response.as_ref());

    // One per page: has_more; `before` the newest pin's time (percent-encoded) pages on.
    let skip = stack.emulator.requests().len();
    let page = client
        .get_channel_pins(GetChannelPinsRequest {
            channel_id: GENERAL,
            limit: Some(1),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(only_request_since(&stack, skip).query, "limit=1");
    assert_eq!(page.items.len(), 1);
    assert!(page.has_more);
    let before = page.items[0].pinned_at.clone();
    let skip = stack.emulator.requests().len();
    let older = client
        .get_channel_pins(GetChannelPinsRequest {
            channel_id: GENERAL,
            before: before.clone(),
            limit: Some(50),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        only_request_since(&stack, skip).query,
        format!("before={}&limit=50", percent(&before))
    );
    let ids: Vec<u64> = older
        .items
        .iter()
        .map(|pin| pin.message.as_ref().unwrap().id)
        .collect();
    assert_eq!(ids, [first]);

    let skip = stack.emulator.requests().len();
    client
        .unpin_message(UnpinMessageRequest {
            channel_id: GENERAL,
            message_id: first,
            audit_log_reason: "done".into(),
        })
        .await
        .unwrap();
    let delete = only_request_since(&stack, skip);
    assert_eq!(route(&delete), format!("DELETE {}/{first}", pins_path()));
    assert_eq!(
        (delete.status, audit_log_reason(&delete).as_deref()),
        (Some(204), Some("done"))
    );
    let unpinned = client
        .get_channel_message(GetChannelMessageRequest {
            channel_id: GENERAL,
            message_id: first,
        })
        .await
        .unwrap()
        .into_inner()
        .message
        .unwrap();
    assert!(!unpinned.pinned);
    stack.stop().await;
}

#[tokio::test]
async fn discords_pin_errors_keep_the_error_contract() {
    let mut options = Options::new(Fixture::default_fixture());
    options.rate_limits.mode = discord_emulator::config::RateLimits::Off;
    let stack = Stack::start_with_options(options, None).await;
    let mut client = stack.client().await;
    let unknown = send(&stack, "x").await.message.unwrap().id + 1;
    for status in [
        client
            .pin_message(PinMessageRequest {
                channel_id: GENERAL,
                message_id: unknown,
                ..Default::default()
            })
            .await
            .unwrap_err(),
        client
            .unpin_message(UnpinMessageRequest {
                channel_id: GENERAL,
                message_id: unknown,
                ..Default::default()
            })
            .await
            .unwrap_err(),
    ] {
        assert_eq!(status.code(), Code::NotFound);
        assert_eq!(
            details(&status),
            json!({"type": "HTTPException", "status": 404, "code": 10008,
                   "text": "Unknown Message"})
        );
    }
    let status = client
        .get_channel_pins(GetChannelPinsRequest {
            channel_id: UNKNOWN_CHANNEL,
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(
        (status.code(), details(&status)["code"].clone()),
        (Code::NotFound, json!(10003))
    );

    // A channel holds at most 50 pins: the 51st is 400/30003.
    for index in 0..50 {
        let message = send(&stack, &format!("pin {index}"))
            .await
            .message
            .unwrap()
            .id;
        client
            .pin_message(PinMessageRequest {
                channel_id: GENERAL,
                message_id: message,
                ..Default::default()
            })
            .await
            .unwrap();
    }
    let last = send(&stack, "one too many").await.message.unwrap().id;
    let skip = stack.emulator.requests().len();
    let status = client
        .pin_message(PinMessageRequest {
            channel_id: GENERAL,
            message_id: last,
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::InvalidArgument);
    assert_eq!(
        details(&status),
        json!({"type": "HTTPException", "status": 400, "code": 30003,
               "text": "Maximum number of pins reached for the channel (50)"})
    );
    assert_eq!(only_request_since(&stack, skip).status, Some(400));
    stack.stop().await;
}

#[tokio::test]
async fn bad_pin_requests_are_refused_without_a_request() {
    let stack = Stack::start().await;
    let mut client = stack.client().await;
    let skip = stack.emulator.requests().len();
    for (limit, text) in [
        (
            0,
            "Invalid Form Body\nIn limit: int value should be greater than or equal to 1.",
        ),
        (
            51,
            "Invalid Form Body\nIn limit: int value should be less than or equal to 50.",
        ),
    ] {
        let status = client
            .get_channel_pins(GetChannelPinsRequest {
                channel_id: GENERAL,
                limit: Some(limit),
                ..Default::default()
            })
            .await
            .unwrap_err();
        assert_eq!(status.code(), Code::InvalidArgument);
        assert_eq!(
            details(&status),
            json!({"type": "HTTPException", "status": 400, "code": 50035, "text": text})
        );
    }
    let statuses = [
        client
            .get_channel_pins(GetChannelPinsRequest::default())
            .await
            .unwrap_err(),
        client
            .pin_message(PinMessageRequest {
                channel_id: GENERAL,
                ..Default::default()
            })
            .await
            .unwrap_err(),
        client
            .unpin_message(UnpinMessageRequest {
                message_id: 5,
                ..Default::default()
            })
            .await
            .unwrap_err(),
    ];
    for (status, field) in statuses
        .iter()
        .zip(["channel_id", "message_id", "channel_id"])
    {
        assert_eq!(status.code(), Code::InvalidArgument, "{status:?}");
        assert!(plain_text(status).starts_with(field), "{status:?}");
    }
    assert!(requests_since(&stack, skip).is_empty());
    stack.stop().await;
}

/// `text` percent-encoded as the server sends query values (every byte except `A-Z a-z 0-9 -
/// . _ ~`).
fn percent(text: &str) -> String {
    text.bytes()
        .map(|byte| {
            if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
                char::from(byte).to_string()
            } else {
                format!("%{byte:02X}")
            }
        })
        .collect()
}
