//! Issue 12, messages: `GetChannelMessage` and `GetChannelMessages` end to end against the
//! emulator: the request (path, query), the typed answer and its `json`, cursor and limit
//! checks without a request, and Discord's errors.

use crate::message_support::{
    GENERAL, STAFF_ONLY, UNKNOWN_CHANNEL, details, judge_response, only_request_since, plain_text,
    requests_since, route, send,
};
use discordproxy_proto::{GetChannelMessageRequest, GetChannelMessagesRequest};
use discordproxy_tests::stack::Stack;
use serde_json::{Value, json};
use tonic::Code;

#[tokio::test]
async fn get_channel_message_answers_the_message_and_discords_json() {
    let stack = Stack::start().await;
    let mut client = stack.client().await;
    let sent = send(&stack, "read me").await.message.unwrap();
    let skip = stack.emulator.requests().len();
    let reply = client
        .get_channel_message(GetChannelMessageRequest {
            channel_id: GENERAL,
            message_id: sent.id,
        })
        .await
        .unwrap()
        .into_inner();
    let get = only_request_since(&stack, skip);
    assert_eq!(
        route(&get),
        format!("GET /channels/{GENERAL}/messages/{}", sent.id)
    );
    assert_eq!((get.query.as_str(), get.body.as_ref()), ("", None));
    judge_response(&get);
    let message = reply.message.unwrap();
    assert_eq!(
        (message.id, message.channel_id, message.content.as_str()),
        (sent.id, GENERAL, "read me")
    );
    assert_eq!(message.author, sent.author);
    let json: Value = serde_json::from_str(&reply.json).unwrap();
    assert_eq!(Some(&json), get.response.as_ref());
    stack.stop().await;
}

#[tokio::test]
async fn get_channel_message_errors_map_to_status_and_json() {
    let stack = Stack::start().await;
    let mut client = stack.client().await;
    let known = send(&stack, "x").await.message.unwrap().id;
    for (channel_id, message_id, code, json_code) in [
        (GENERAL, known + 1000, Code::NotFound, 10008),
        (UNKNOWN_CHANNEL, known, Code::NotFound, 10003),
        (STAFF_ONLY, known, Code::PermissionDenied, 50001),
    ] {
        let status = client
            .get_channel_message(GetChannelMessageRequest {
                channel_id,
                message_id,
            })
            .await
            .unwrap_err();
        assert_eq!(status.code(), code, "{status:?}");
        let details = details(&status);
        assert_eq!(details["code"], json!(json_code), "{details}");
        assert_eq!(details["type"], json!("HTTPException"));
    }
    let skip = stack.emulator.requests().len();
    let status = client
        .get_channel_message(GetChannelMessageRequest {
            channel_id: GENERAL,
            message_id: 0,
        })
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::InvalidArgument);
    assert!(plain_text(&status).contains("message_id"));
    assert!(requests_since(&stack, skip).is_empty());
    stack.stop().await;
}

#[tokio::test]
async fn get_channel_messages_pages_with_discords_cursors() {
    let stack = Stack::start().await;
    let mut client = stack.client().await;
    let mut ids = Vec::new();
    for n in 0..5 {
        ids.push(send(&stack, &format!("page {n}")).await.message.unwrap().id);
    }
    let page = |around, before, after, limit| GetChannelMessagesRequest {
        channel_id: GENERAL,
        around,
        before,
        after,
        limit,
    };
    let cases = [
        (page(0, 0, 0, Some(2)), "limit=2", vec![ids[4], ids[3]]),
        (
            page(0, ids[3], 0, Some(2)),
            "before={}&limit=2",
            vec![ids[2], ids[1]],
        ),
        (page(0, 0, ids[2], None), "after={}", vec![ids[4], ids[3]]),
        (
            page(ids[2], 0, 0, Some(3)),
            "around={}&limit=3",
            vec![ids[3], ids[2], ids[1]],
        ),
    ];
    for (request, query, expected) in cases {
        let cursor = [request.around, request.before, request.after]
            .into_iter()
            .find(|id| *id != 0)
            .unwrap_or(0);
        let skip = stack.emulator.requests().len();
        let reply = client
            .get_channel_messages(request)
            .await
            .unwrap()
            .into_inner();
        let get = only_request_since(&stack, skip);
        assert_eq!(route(&get), format!("GET /channels/{GENERAL}/messages"));
        assert_eq!(get.query, query.replace("{}", &cursor.to_string()));
        judge_response(&get);
        let got: Vec<u64> = reply
            .messages
            .iter()
            .map(|message| message.id)
            .filter(|id| ids.contains(id))
            .collect();
        assert_eq!(got, expected, "query {}", get.query);
        let json: Value = serde_json::from_str(&reply.json).unwrap();
        assert!(json.is_array());
        assert_eq!(Some(&json), get.response.as_ref());
        assert_eq!(reply.messages.len(), json.as_array().unwrap().len());
    }
    stack.stop().await;
}

#[tokio::test]
async fn get_channel_messages_refuses_bad_pages_and_maps_discords_errors() {
    let stack = Stack::start().await;
    let mut client = stack.client().await;
    let skip = stack.emulator.requests().len();
    let status = client
        .get_channel_messages(GetChannelMessagesRequest {
            channel_id: GENERAL,
            before: 5,
            after: 3,
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::InvalidArgument);
    assert_eq!(
        plain_text(&status),
        "set at most one of around, before, after (got before and after)"
    );
    for (limit, line) in [
        (
            0,
            "In limit: int value should be greater than or equal to 1.",
        ),
        (
            101,
            "In limit: int value should be less than or equal to 100.",
        ),
    ] {
        let status = client
            .get_channel_messages(GetChannelMessagesRequest {
                channel_id: GENERAL,
                limit: Some(limit),
                ..Default::default()
            })
            .await
            .unwrap_err();
        assert_eq!(status.code(), Code::InvalidArgument);
        assert_eq!(
            details(&status),
            json!({"type": "HTTPException", "status": 400, "code": 50035,
                   "text": format!("Invalid Form Body\n{line}")})
        );
    }
    assert!(requests_since(&stack, skip).is_empty());
    for (channel_id, code, json_code) in [
        (UNKNOWN_CHANNEL, Code::NotFound, 10003),
        (STAFF_ONLY, Code::PermissionDenied, 50001),
    ] {
        let status = client
            .get_channel_messages(GetChannelMessagesRequest {
                channel_id,
                ..Default::default()
            })
            .await
            .unwrap_err();
        assert_eq!(status.code(), code, "{status:?}");
        assert_eq!(details(&status)["code"], json!(json_code));
    }
    stack.stop().await;
}
