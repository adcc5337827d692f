//! Issue 12, messages: `EditChannelMessage` and `DeleteChannelMessage` end to end against the
//! emulator (PATCH and DELETE with `X-Audit-Log-Reason`, bodies judged by Discord's OpenAPI,
//! `clear_fields`, Discord's errors), and the flow of aa-structuretimers' fork: send with a
//! nonce twice, edit, delete, delete again.

use crate::message_support::{
    GENERAL, audit_log_reason, details, judge_body, judge_response, only_request_since, plain_text,
    requests_since, route, send,
};
use discordproxy_proto::{
    DeleteChannelMessageRequest, EditChannelMessageRequest, Embed, GetChannelMessageRequest,
    SendChannelMessageRequest,
};
use discordproxy_tests::stack::Stack;
use serde_json::{Value, json};
use tonic::Code;

#[tokio::test]
async fn edit_sends_only_what_is_set_with_the_audit_log_reason() {
    let stack = Stack::start().await;
    let mut client = stack.client().await;
    let sent = send(&stack, "before").await.message.unwrap();
    let skip = stack.emulator.requests().len();
    let edited = client
        .edit_channel_message(EditChannelMessageRequest {
            channel_id: GENERAL,
            message_id: sent.id,
            content: Some("after".into()),
            embeds: vec![Embed {
                title: "Timer".into(),
                ..Default::default()
            }],
            suppress_mentions: true,
            audit_log_reason: "timer updated: 5 min left ✓".into(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    let patch = only_request_since(&stack, skip);
    assert_eq!(
        route(&patch),
        format!("PATCH /channels/{GENERAL}/messages/{}", sent.id)
    );
    assert_eq!(
        judge_body(&patch),
        json!({"content": "after", "embeds": [{"title": "Timer"}],
               "allowed_mentions": {"parse": []}})
    );
    assert_eq!(
        audit_log_reason(&patch).as_deref(),
        Some("timer updated: 5 min left ✓"),
        "percent-encoded UTF-8 on the wire, decoded by the emulator"
    );
    judge_response(&patch);
    let message = edited.message.unwrap();
    assert_eq!((message.id, message.content.as_str()), (sent.id, "after"));
    assert_eq!(message.embeds[0].title, "Timer");
    assert!(!message.edited_timestamp.is_empty());
    let json: Value = serde_json::from_str(&edited.json).unwrap();
    assert_eq!(Some(&json), patch.response.as_ref());

    // Only the flags: nothing else in the body, and no reason header when none is given.
    let skip = stack.emulator.requests().len();
    client
        .edit_channel_message(EditChannelMessageRequest {
            channel_id: GENERAL,
            message_id: sent.id,
            flags: Some(4),
            ..Default::default()
        })
        .await
        .unwrap();
    let patch = only_request_since(&stack, skip);
    assert_eq!(judge_body(&patch), json!({"flags": 4}));
    assert_eq!(audit_log_reason(&patch), None);
    stack.stop().await;
}

#[tokio::test]
async fn clear_fields_send_null_and_clear_the_field() {
    let stack = Stack::start().await;
    let mut client = stack.client().await;
    let sent = client
        .send_channel_message(SendChannelMessageRequest {
            channel_id: GENERAL,
            content: "with an embed".into(),
            embed: Some(Embed {
                title: "gone soon".into(),
                ..Default::default()
            }),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner()
        .message
        .unwrap();
    assert_eq!(sent.embeds.len(), 1);
    let skip = stack.emulator.requests().len();
    let edited = client
        .edit_channel_message(EditChannelMessageRequest {
            channel_id: GENERAL,
            message_id: sent.id,
            clear_fields: vec!["embeds".into()],
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner()
        .message
        .unwrap();
    let patch = only_request_since(&stack, skip);
    assert_eq!(judge_body(&patch), json!({"embeds": null}));
    assert!(edited.embeds.is_empty());
    assert_eq!(edited.content, "with an embed", "content untouched");
    let fetched = client
        .get_channel_message(GetChannelMessageRequest {
            channel_id: GENERAL,
            message_id: sent.id,
        })
        .await
        .unwrap()
        .into_inner()
        .message
        .unwrap();
    assert!(fetched.embeds.is_empty());
    stack.stop().await;
}

#[tokio::test]
async fn bad_edits_are_refused_without_a_request() {
    let stack = Stack::start().await;
    let mut client = stack.client().await;
    let sent = send(&stack, "untouched").await.message.unwrap();
    let skip = stack.emulator.requests().len();
    let edit = || EditChannelMessageRequest {
        channel_id: GENERAL,
        message_id: sent.id,
        ..Default::default()
    };
    let plain = [
        (edit(), "sets nothing"),
        (
            EditChannelMessageRequest {
                clear_fields: vec!["content".into(), "tts".into()],
                ..edit()
            },
            "clear_fields[1]",
        ),
        (
            EditChannelMessageRequest {
                content: Some("x".into()),
                clear_fields: vec!["content".into()],
                ..edit()
            },
            "clear_fields[0]",
        ),
        (
            EditChannelMessageRequest {
                message_id: 0,
                content: Some("x".into()),
                ..edit()
            },
            "message_id",
        ),
        (
            EditChannelMessageRequest {
                channel_id: 0,
                content: Some("x".into()),
                ..edit()
            },
            "channel_id",
        ),
    ];
    for (request, field) in plain {
        let status = client.edit_channel_message(request).await.unwrap_err();
        assert_eq!(status.code(), Code::InvalidArgument, "{status:?}");
        assert!(plain_text(&status).contains(field), "{field}: {status:?}");
    }
    let status = client
        .edit_channel_message(EditChannelMessageRequest {
            content: Some("x".repeat(2001)),
            ..edit()
        })
        .await
        .unwrap_err();
    assert_eq!(
        details(&status),
        json!({"type": "HTTPException", "status": 400, "code": 50035,
               "text": "Invalid Form Body\nIn content: Must be 2000 or fewer in length."})
    );
    assert!(requests_since(&stack, skip).is_empty());
    stack.stop().await;
}

#[tokio::test]
async fn editing_or_deleting_an_unknown_message_is_not_found_with_discords_json() {
    let stack = Stack::start().await;
    let mut client = stack.client().await;
    let unknown = send(&stack, "x").await.message.unwrap().id + 1000;
    let status = client
        .edit_channel_message(EditChannelMessageRequest {
            channel_id: GENERAL,
            message_id: unknown,
            content: Some("x".into()),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::NotFound);
    assert_eq!(
        details(&status),
        json!({"type": "HTTPException", "status": 404, "code": 10008, "text": "Unknown Message"})
    );
    let status = client
        .delete_channel_message(DeleteChannelMessageRequest {
            channel_id: GENERAL,
            message_id: unknown,
            audit_log_reason: String::new(),
        })
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::NotFound);
    assert_eq!(details(&status)["code"], json!(10008));
    let status = client
        .delete_channel_message(DeleteChannelMessageRequest {
            channel_id: GENERAL,
            message_id: 0,
            audit_log_reason: String::new(),
        })
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::InvalidArgument);
    assert!(plain_text(&status).contains("message_id"));
    stack.stop().await;
}

#[tokio::test]
async fn structuretimers_flow_send_twice_edit_delete_delete_again() {
    let stack = Stack::start().await;
    let mut client = stack.client().await;
    let send = || SendChannelMessageRequest {
        channel_id: GENERAL,
        content: "Timer: Fortizar in 10 minutes".into(),
        suppress_mentions: true,
        nonce: "structuretimers-4711".into(),
        enforce_nonce: Some(true),
        ..Default::default()
    };
    let skip = stack.emulator.requests().len();
    let first = client
        .send_channel_message(send())
        .await
        .unwrap()
        .into_inner()
        .message
        .unwrap();
    let second = client
        .send_channel_message(send())
        .await
        .unwrap()
        .into_inner()
        .message
        .unwrap();
    assert_eq!(
        second.id, first.id,
        "the second call returns the first message"
    );
    assert_eq!(second.content, first.content);
    let creates: Vec<_> = requests_since(&stack, skip)
        .into_iter()
        .filter(|request| request.method == "POST")
        .collect();
    assert_eq!(creates.len(), 2);
    for create in &creates {
        let body = judge_body(create);
        assert_eq!(body["nonce"], json!("structuretimers-4711"));
        assert_eq!(body["enforce_nonce"], json!(true));
        assert_eq!(body["allowed_mentions"], json!({"parse": []}));
    }
    let page = client
        .get_channel_messages(discordproxy_proto::GetChannelMessagesRequest {
            channel_id: GENERAL,
            limit: Some(100),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        page.messages
            .iter()
            .filter(|message| message.content == first.content)
            .count(),
        1,
        "one message in the channel"
    );

    let edited = client
        .edit_channel_message(EditChannelMessageRequest {
            channel_id: GENERAL,
            message_id: first.id,
            content: Some("Timer: Fortizar in 5 minutes".into()),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner()
        .message
        .unwrap();
    assert_eq!(edited.content, "Timer: Fortizar in 5 minutes");

    let skip = stack.emulator.requests().len();
    let deleted = client
        .delete_channel_message(DeleteChannelMessageRequest {
            channel_id: GENERAL,
            message_id: first.id,
            audit_log_reason: "timer expired".into(),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(deleted, discordproxy_proto::DeleteChannelMessageResponse {});
    let delete = only_request_since(&stack, skip);
    assert_eq!(
        route(&delete),
        format!("DELETE /channels/{GENERAL}/messages/{}", first.id)
    );
    assert_eq!(delete.status, Some(204));
    assert_eq!(delete.body, None);
    assert_eq!(audit_log_reason(&delete).as_deref(), Some("timer expired"));

    let status = client
        .delete_channel_message(DeleteChannelMessageRequest {
            channel_id: GENERAL,
            message_id: first.id,
            audit_log_reason: String::new(),
        })
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::NotFound);
    assert_eq!(
        details(&status),
        json!({"type": "HTTPException", "status": 404, "code": 10008, "text": "Unknown Message"})
    );
    stack.stop().await;
}

#[tokio::test]
async fn editing_another_users_message_is_permission_denied_with_discords_json() {
    let stack = Stack::start().await;
    let written: Value = reqwest::Client::new()
        .post(format!(
            "{}/_emulator/channels/{GENERAL}/messages",
            stack.emulator.base_url()
        ))
        .json(&json!({"author_id": "200000000000000001", "content": "alice wrote this"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let message_id: u64 = written["id"].as_str().unwrap().parse().unwrap();
    let status = stack
        .client()
        .await
        .edit_channel_message(EditChannelMessageRequest {
            channel_id: GENERAL,
            message_id,
            content: Some("the bot may not".into()),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::PermissionDenied);
    assert_eq!(
        details(&status),
        json!({"type": "HTTPException", "status": 403, "code": 50005,
               "text": "Cannot edit a message authored by another user"})
    );
    stack.stop().await;
}
