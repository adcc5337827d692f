//! Issue 12, messages: `BulkDeleteMessages` and `CrosspostMessage` end to end against the
//! emulator: the request with its audit-log reason, the body judged by Discord's OpenAPI,
//! the checks made before any request (count, duplicates, 14 days) and Discord's errors.

use crate::message_support::{
    ANNOUNCEMENTS, GENERAL, READ_ONLY, UNKNOWN_CHANNEL, audit_log_reason, details, fresh_snowflake,
    judge_body, judge_response, only_request_since, plain_text, requests_since, route, send,
};
use discordproxy_proto::{
    BulkDeleteMessagesRequest, BulkDeleteMessagesResponse, CrosspostMessageRequest,
    GetChannelMessageRequest, SendChannelMessageRequest,
};
use discordproxy_tests::stack::Stack;
use serde_json::{Value, json};
use tonic::Code;

#[tokio::test]
async fn bulk_delete_sends_the_ids_with_the_reason_and_deletes_them() {
    let stack = Stack::start().await;
    let mut client = stack.client().await;
    let mut ids = Vec::new();
    for n in 0..3 {
        ids.push(send(&stack, &format!("bulk {n}")).await.message.unwrap().id);
    }
    let skip = stack.emulator.requests().len();
    let reply = client
        .bulk_delete_messages(BulkDeleteMessagesRequest {
            channel_id: GENERAL,
            messages: ids[..2].to_vec(),
            audit_log_reason: "spam wave".into(),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(reply, BulkDeleteMessagesResponse {});
    let post = only_request_since(&stack, skip);
    assert_eq!(
        route(&post),
        format!("POST /channels/{GENERAL}/messages/bulk-delete")
    );
    assert_eq!(post.status, Some(204));
    assert_eq!(
        judge_body(&post),
        json!({"messages": [ids[0].to_string(), ids[1].to_string()]})
    );
    assert_eq!(audit_log_reason(&post).as_deref(), Some("spam wave"));
    for (id, gone) in [(ids[0], true), (ids[1], true), (ids[2], false)] {
        let found = client
            .get_channel_message(GetChannelMessageRequest {
                channel_id: GENERAL,
                message_id: id,
            })
            .await;
        assert_eq!(found.is_err(), gone, "{id}: {found:?}");
    }
    stack.stop().await;
}

#[tokio::test]
async fn bulk_delete_refuses_bad_id_lists_before_any_request() {
    let stack = Stack::start().await;
    let mut client = stack.client().await;
    let fresh = fresh_snowflake(0);
    let skip = stack.emulator.requests().len();
    let bulk = |messages: Vec<u64>| BulkDeleteMessagesRequest {
        channel_id: GENERAL,
        messages,
        audit_log_reason: String::new(),
    };
    for (messages, line) in [
        (vec![fresh], "In messages: Must be 2 or more in length."),
        (
            (0..101).map(|n| fresh + n).collect(),
            "In messages: Must be 100 or fewer in length.",
        ),
    ] {
        let status = client
            .bulk_delete_messages(bulk(messages))
            .await
            .unwrap_err();
        assert_eq!(status.code(), Code::InvalidArgument);
        assert_eq!(
            details(&status),
            json!({"type": "HTTPException", "status": 400, "code": 50035,
                   "text": format!("Invalid Form Body\n{line}")})
        );
    }
    // A message made 15 days ago (by its snowflake time): Discord's own code for it.
    let old = fresh - ((15 * 24 * 60 * 60 * 1000) << 22);
    let status = client
        .bulk_delete_messages(bulk(vec![fresh, old]))
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::InvalidArgument);
    assert_eq!(
        details(&status),
        json!({"type": "HTTPException", "status": 400, "code": 50034,
               "text": "You can only bulk delete messages that are under 14 days old"})
    );
    // A repeated id: Discord's form error on the entry.
    let status = client
        .bulk_delete_messages(bulk(vec![fresh, fresh + 1, fresh]))
        .await
        .unwrap_err();
    assert_eq!(
        details(&status),
        json!({"type": "HTTPException", "status": 400, "code": 50035,
               "text": "Invalid Form Body\nIn messages.2: The set already contains this value"})
    );
    let status = client
        .bulk_delete_messages(bulk(vec![fresh, 0]))
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::InvalidArgument);
    assert_eq!(
        plain_text(&status),
        "messages[1] must be a Discord snowflake (got 0)"
    );
    assert!(requests_since(&stack, skip).is_empty());
    stack.stop().await;
}

#[tokio::test]
async fn bulk_delete_in_an_unknown_channel_is_not_found_with_discords_json() {
    let stack = Stack::start().await;
    let status = stack
        .client()
        .await
        .bulk_delete_messages(BulkDeleteMessagesRequest {
            channel_id: UNKNOWN_CHANNEL,
            messages: vec![fresh_snowflake(0), fresh_snowflake(1)],
            audit_log_reason: String::new(),
        })
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::NotFound);
    assert_eq!(details(&status)["code"], json!(10003));
    stack.stop().await;
}

#[tokio::test]
async fn crosspost_posts_an_announcement_with_the_reason() {
    let stack = Stack::start().await;
    let mut client = stack.client().await;
    let news = client
        .send_channel_message(SendChannelMessageRequest {
            channel_id: ANNOUNCEMENTS,
            content: "patch notes".into(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner()
        .message
        .unwrap();
    let skip = stack.emulator.requests().len();
    let reply = client
        .crosspost_message(CrosspostMessageRequest {
            channel_id: ANNOUNCEMENTS,
            message_id: news.id,
            audit_log_reason: "release".into(),
        })
        .await
        .unwrap()
        .into_inner();
    let post = only_request_since(&stack, skip);
    assert_eq!(
        route(&post),
        format!(
            "POST /channels/{ANNOUNCEMENTS}/messages/{}/crosspost",
            news.id
        )
    );
    assert_eq!(post.body, None);
    assert_eq!(audit_log_reason(&post).as_deref(), Some("release"));
    judge_response(&post);
    let message = reply.message.unwrap();
    assert_eq!(
        (message.id, message.content.as_str()),
        (news.id, "patch notes")
    );
    assert_eq!(message.flags & 1, 1, "CROSSPOSTED");
    let json: Value = serde_json::from_str(&reply.json).unwrap();
    assert_eq!(Some(&json), post.response.as_ref());

    // Discord refuses a second crosspost of the same message.
    let status = client
        .crosspost_message(CrosspostMessageRequest {
            channel_id: ANNOUNCEMENTS,
            message_id: news.id,
            audit_log_reason: String::new(),
        })
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::InvalidArgument, "{status:?}");
    assert_eq!(details(&status)["code"], json!(40033));
    stack.stop().await;
}

#[tokio::test]
async fn bulk_delete_without_manage_messages_is_permission_denied() {
    let stack = Stack::start().await;
    let status = stack
        .client()
        .await
        .bulk_delete_messages(BulkDeleteMessagesRequest {
            channel_id: READ_ONLY,
            messages: vec![fresh_snowflake(0), fresh_snowflake(1)],
            audit_log_reason: "no right to".into(),
        })
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::PermissionDenied);
    assert_eq!(details(&status)["code"], json!(50013));
    stack.stop().await;
}

#[tokio::test]
async fn crosspost_outside_an_announcement_channel_is_discords_50024() {
    let stack = Stack::start().await;
    let sent = send(&stack, "not news").await.message.unwrap();
    let status = stack
        .client()
        .await
        .crosspost_message(CrosspostMessageRequest {
            channel_id: GENERAL,
            message_id: sent.id,
            audit_log_reason: String::new(),
        })
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::InvalidArgument);
    assert_eq!(
        details(&status),
        json!({"type": "HTTPException", "status": 400, "code": 50024,
               "text": "Cannot execute action on this channel type"})
    );
    stack.stop().await;
}
