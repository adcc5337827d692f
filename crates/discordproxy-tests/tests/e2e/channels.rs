//! Issue 12, channels: `GetChannel`, `ModifyChannel`, `DeleteChannel`, `CreateGuildChannel`,
//! `EditChannelPermissions`, `DeleteChannelPermission` and `TriggerTypingIndicator` end to end
//! against the emulator: the REST request as the emulator recorded it (method, path, body
//! judged by Discord's OpenAPI, `X-Audit-Log-Reason`), the typed answer and its `json`,
//! Discord's errors as status + JSON details, and the limits refused before any request.

use crate::message_support::{
    ANNOUNCEMENTS, GENERAL, GUILD, READ_ONLY, STAFF_ONLY, UNKNOWN_CHANNEL, answered,
    audit_log_reason, details, judge_body, judge_response, only_request_since, plain_text,
    requests_since, route,
};
use discordproxy_proto::{
    CreateGuildChannelRequest, DeleteChannelPermissionRequest, DeleteChannelRequest,
    EditChannelPermissionsRequest, GetChannelRequest, ModifyChannelRequest, PermissionOverwrite,
    TriggerTypingIndicatorRequest,
};
use discordproxy_tests::stack::Stack;
use serde_json::{Value, json};
use tonic::Code;

const CATEGORY: u64 = 400_000_000_000_000_001;
const ALICE: u64 = 200_000_000_000_000_001;

#[tokio::test]
async fn get_channel_answers_the_typed_channel_and_discords_json() {
    let stack = Stack::start().await;
    let mut client = stack.client().await;
    let skip = stack.emulator.requests().len();
    let reply = client
        .get_channel(GetChannelRequest {
            channel_id: GENERAL,
        })
        .await
        .unwrap()
        .into_inner();
    let get = only_request_since(&stack, skip);
    assert_eq!(route(&get), format!("GET /channels/{GENERAL}"));
    judge_response(&get);
    let channel = reply.channel.unwrap();
    assert_eq!(
        (
            channel.id,
            channel.guild_id,
            channel.discord_type,
            channel.name.as_str()
        ),
        (GENERAL, GUILD, 0, "general")
    );
    assert_eq!(channel.parent_id, CATEGORY);
    assert_eq!(
        serde_json::from_str::<Value>(&reply.json).unwrap(),
        answered(&get)
    );

    let status = client
        .get_channel(GetChannelRequest {
            channel_id: UNKNOWN_CHANNEL,
        })
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::NotFound);
    assert_eq!(
        details(&status),
        json!({"type": "HTTPException", "status": 404, "code": 10003, "text": "Unknown Channel"})
    );
    let skip = stack.emulator.requests().len();
    let status = client
        .get_channel(GetChannelRequest { channel_id: 0 })
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::InvalidArgument);
    assert!(plain_text(&status).starts_with("channel_id "));
    assert!(requests_since(&stack, skip).is_empty());
    stack.stop().await;
}

#[tokio::test]
async fn modify_channel_sends_only_what_is_set_and_clears_with_null() {
    let stack = Stack::start().await;
    let mut client = stack.client().await;
    let skip = stack.emulator.requests().len();
    let reply = client
        .modify_channel(ModifyChannelRequest {
            channel_id: GENERAL,
            name: Some("timers".into()),
            topic: Some("Structure timers".into()),
            nsfw: Some(false),
            rate_limit_per_user: Some(5),
            permission_overwrites: vec![PermissionOverwrite {
                id: ALICE,
                r#type: 1,
                allow: "1024".into(),
                deny: String::new(),
            }],
            audit_log_reason: "rename for timers ✓".into(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    let patch = only_request_since(&stack, skip);
    assert_eq!(route(&patch), format!("PATCH /channels/{GENERAL}"));
    assert_eq!(
        judge_body(&patch),
        json!({"name": "timers", "topic": "Structure timers", "nsfw": false,
               "rate_limit_per_user": 5,
               "permission_overwrites": [{"id": ALICE.to_string(), "type": 1, "allow": 1024, "deny": 0}]})
    );
    assert_eq!(
        audit_log_reason(&patch).as_deref(),
        Some("rename for timers ✓")
    );
    judge_response(&patch);
    let channel = reply.channel.unwrap();
    assert_eq!(
        (channel.id, channel.name.as_str(), channel.topic.as_str()),
        (GENERAL, "timers", "Structure timers")
    );
    assert_eq!(
        serde_json::from_str::<Value>(&reply.json).unwrap(),
        answered(&patch)
    );

    // clear_fields: null for the topic and the category; no reason header without a reason.
    let skip = stack.emulator.requests().len();
    let reply = client
        .modify_channel(ModifyChannelRequest {
            channel_id: GENERAL,
            clear_fields: vec!["topic".into(), "parent_id".into()],
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    let patch = only_request_since(&stack, skip);
    assert_eq!(
        judge_body(&patch),
        json!({"topic": null, "parent_id": null})
    );
    assert_eq!(audit_log_reason(&patch), None);
    let channel = reply.channel.unwrap();
    assert_eq!((channel.topic.as_str(), channel.parent_id), ("", 0));
    assert_eq!(answered(&patch)["topic"], Value::Null);
    stack.stop().await;
}

#[tokio::test]
async fn modify_channel_errors_and_limits() {
    let stack = Stack::start().await;
    let mut client = stack.client().await;
    let modify = |channel_id| ModifyChannelRequest {
        channel_id,
        ..Default::default()
    };

    // Discord's errors: not a category (400/50035 from Discord), no access (403/50001).
    let status = client
        .modify_channel(ModifyChannelRequest {
            parent_id: Some(ANNOUNCEMENTS),
            ..modify(GENERAL)
        })
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::InvalidArgument);
    assert_eq!(
        details(&status),
        json!({"type": "HTTPException", "status": 400, "code": 50035,
               "text": "Invalid Form Body\nIn parent_id: Not a category"})
    );
    let status = client
        .modify_channel(ModifyChannelRequest {
            name: Some("x".into()),
            ..modify(STAFF_ONLY)
        })
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::PermissionDenied);
    assert_eq!(
        details(&status),
        json!({"type": "HTTPException", "status": 403, "code": 50001, "text": "Missing Access"})
    );

    // Refused before any request: Discord's limits as Discord answers them, and plain text for
    // requests that are no Discord limit.
    let skip = stack.emulator.requests().len();
    let status = client
        .modify_channel(ModifyChannelRequest {
            name: Some("n".repeat(101)),
            rate_limit_per_user: Some(21601),
            ..modify(GENERAL)
        })
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::InvalidArgument);
    assert_eq!(
        details(&status),
        json!({"type": "HTTPException", "status": 400, "code": 50035,
               "text": "Invalid Form Body\nIn name: Must be between 1 and 100 in length.\nIn rate_limit_per_user: int value should be less than or equal to 21600."})
    );
    for (request, text) in [
        (modify(GENERAL), "ModifyChannel sets nothing"),
        (
            ModifyChannelRequest {
                clear_fields: vec!["name".into()],
                ..modify(GENERAL)
            },
            "clear_fields[0]",
        ),
        (
            ModifyChannelRequest {
                topic: Some("t".into()),
                clear_fields: vec!["topic".into()],
                ..modify(GENERAL)
            },
            "clear_fields[0]",
        ),
        (
            ModifyChannelRequest {
                name: Some("x".into()),
                ..modify(0)
            },
            "channel_id ",
        ),
    ] {
        let status = client.modify_channel(request).await.unwrap_err();
        assert_eq!(status.code(), Code::InvalidArgument);
        assert!(
            plain_text(&status).starts_with(text),
            "{}",
            status.message()
        );
    }
    assert!(requests_since(&stack, skip).is_empty());
    stack.stop().await;
}

#[tokio::test]
async fn create_and_delete_a_guild_channel() {
    let stack = Stack::start().await;
    let mut client = stack.client().await;
    let skip = stack.emulator.requests().len();
    let created = client
        .create_guild_channel(CreateGuildChannelRequest {
            guild_id: GUILD,
            name: "fleet-timers".into(),
            r#type: Some(0),
            topic: Some("Upcoming timers".into()),
            parent_id: CATEGORY,
            nsfw: Some(false),
            permission_overwrites: vec![PermissionOverwrite {
                id: GUILD,
                r#type: 0,
                allow: String::new(),
                deny: "2048".into(),
            }],
            audit_log_reason: "timers board".into(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    let post = only_request_since(&stack, skip);
    assert_eq!(route(&post), format!("POST /guilds/{GUILD}/channels"));
    assert_eq!(
        judge_body(&post),
        json!({"name": "fleet-timers", "type": 0, "topic": "Upcoming timers",
               "parent_id": CATEGORY.to_string(), "nsfw": false,
               "permission_overwrites": [{"id": GUILD.to_string(), "type": 0, "allow": 0, "deny": 2048}]})
    );
    assert_eq!(audit_log_reason(&post).as_deref(), Some("timers board"));
    assert_eq!(post.status, Some(201));
    judge_response(&post);
    let channel = created.channel.unwrap();
    assert_eq!(
        (channel.guild_id, channel.parent_id, channel.name.as_str()),
        (GUILD, CATEGORY, "fleet-timers")
    );
    assert_eq!(
        serde_json::from_str::<Value>(&created.json).unwrap(),
        answered(&post)
    );

    // Delete: Discord answers the deleted channel.
    let skip = stack.emulator.requests().len();
    let deleted = client
        .delete_channel(DeleteChannelRequest {
            channel_id: channel.id,
            audit_log_reason: "timers done".into(),
        })
        .await
        .unwrap()
        .into_inner();
    let delete = only_request_since(&stack, skip);
    assert_eq!(route(&delete), format!("DELETE /channels/{}", channel.id));
    assert!(delete.body.is_none(), "{:?}", delete.body);
    assert_eq!(audit_log_reason(&delete).as_deref(), Some("timers done"));
    judge_response(&delete);
    assert_eq!(deleted.channel.unwrap().id, channel.id);
    assert_eq!(
        serde_json::from_str::<Value>(&deleted.json).unwrap(),
        answered(&delete)
    );
    let status = client
        .delete_channel(DeleteChannelRequest {
            channel_id: channel.id,
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::NotFound);
    assert_eq!(details(&status)["code"], json!(10003));
    stack.stop().await;
}

#[tokio::test]
async fn create_guild_channel_errors_and_limits() {
    let stack = Stack::start().await;
    let mut client = stack.client().await;
    let status = client
        .create_guild_channel(CreateGuildChannelRequest {
            guild_id: 300_000_000_000_000_999,
            name: "x".into(),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::NotFound);
    assert_eq!(
        details(&status),
        json!({"type": "HTTPException", "status": 404, "code": 10004, "text": "Unknown Guild"})
    );
    let skip = stack.emulator.requests().len();
    let status = client
        .create_guild_channel(CreateGuildChannelRequest {
            guild_id: GUILD,
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::InvalidArgument);
    assert_eq!(
        details(&status),
        json!({"type": "HTTPException", "status": 400, "code": 50035,
               "text": "Invalid Form Body\nIn name: Must be between 1 and 100 in length."})
    );
    let status = client
        .create_guild_channel(CreateGuildChannelRequest {
            guild_id: GUILD,
            name: "x".into(),
            permission_overwrites: vec![PermissionOverwrite {
                id: ALICE,
                r#type: 1,
                allow: "lots".into(),
                deny: String::new(),
            }],
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert!(plain_text(&status).starts_with("permission_overwrites[0].allow"));
    assert!(requests_since(&stack, skip).is_empty());
    stack.stop().await;
}

#[tokio::test]
async fn edit_and_delete_channel_permissions() {
    let stack = Stack::start().await;
    let mut client = stack.client().await;
    let skip = stack.emulator.requests().len();
    client
        .edit_channel_permissions(EditChannelPermissionsRequest {
            channel_id: GENERAL,
            overwrite_id: ALICE,
            r#type: 1,
            allow: "1024".into(),
            deny: "2048".into(),
            audit_log_reason: "alice reads".into(),
        })
        .await
        .unwrap();
    let put = only_request_since(&stack, skip);
    assert_eq!(
        route(&put),
        format!("PUT /channels/{GENERAL}/permissions/{ALICE}")
    );
    assert_eq!(
        judge_body(&put),
        json!({"type": 1, "allow": 1024, "deny": 2048})
    );
    assert_eq!(audit_log_reason(&put).as_deref(), Some("alice reads"));
    assert_eq!(put.status, Some(204));
    let channel = client
        .get_channel(GetChannelRequest {
            channel_id: GENERAL,
        })
        .await
        .unwrap()
        .into_inner()
        .channel
        .unwrap();
    assert_eq!(
        channel.permission_overwrites,
        vec![PermissionOverwrite {
            id: ALICE,
            r#type: 1,
            allow: "1024".into(),
            deny: "2048".into(),
        }]
    );

    let skip = stack.emulator.requests().len();
    client
        .delete_channel_permission(DeleteChannelPermissionRequest {
            channel_id: GENERAL,
            overwrite_id: ALICE,
            audit_log_reason: "alice leaves".into(),
        })
        .await
        .unwrap();
    let delete = only_request_since(&stack, skip);
    assert_eq!(
        route(&delete),
        format!("DELETE /channels/{GENERAL}/permissions/{ALICE}")
    );
    assert_eq!(audit_log_reason(&delete).as_deref(), Some("alice leaves"));
    assert_eq!(delete.status, Some(204));
    let status = client
        .delete_channel_permission(DeleteChannelPermissionRequest {
            channel_id: GENERAL,
            overwrite_id: ALICE,
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::NotFound);
    assert_eq!(
        details(&status),
        json!({"type": "HTTPException", "status": 404, "code": 10009, "text": "Unknown Overwrite"})
    );

    let status = client
        .edit_channel_permissions(EditChannelPermissionsRequest {
            channel_id: STAFF_ONLY,
            overwrite_id: ALICE,
            r#type: 1,
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::PermissionDenied);
    assert_eq!(details(&status)["code"], json!(50001));
    let skip = stack.emulator.requests().len();
    for (request, text) in [
        (
            EditChannelPermissionsRequest {
                channel_id: GENERAL,
                overwrite_id: ALICE,
                allow: "x".into(),
                ..Default::default()
            },
            "allow ",
        ),
        (
            EditChannelPermissionsRequest {
                channel_id: GENERAL,
                overwrite_id: ALICE,
                r#type: 2,
                ..Default::default()
            },
            "type ",
        ),
        (
            EditChannelPermissionsRequest {
                channel_id: GENERAL,
                ..Default::default()
            },
            "overwrite_id ",
        ),
    ] {
        let status = client.edit_channel_permissions(request).await.unwrap_err();
        assert_eq!(status.code(), Code::InvalidArgument);
        assert!(
            plain_text(&status).starts_with(text),
            "{}",
            status.message()
        );
    }
    assert!(requests_since(&stack, skip).is_empty());
    stack.stop().await;
}

#[tokio::test]
async fn trigger_typing_indicator() {
    let stack = Stack::start().await;
    let mut client = stack.client().await;
    let skip = stack.emulator.requests().len();
    client
        .trigger_typing_indicator(TriggerTypingIndicatorRequest {
            channel_id: GENERAL,
        })
        .await
        .unwrap();
    let post = only_request_since(&stack, skip);
    assert_eq!(route(&post), format!("POST /channels/{GENERAL}/typing"));
    assert!(post.body.is_none(), "{:?}", post.body);
    assert_eq!(post.status, Some(204));
    let status = client
        .trigger_typing_indicator(TriggerTypingIndicatorRequest {
            channel_id: READ_ONLY,
        })
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::PermissionDenied);
    assert_eq!(
        details(&status),
        json!({"type": "HTTPException", "status": 403, "code": 50013, "text": "Missing Permissions"})
    );
    stack.stop().await;
}
