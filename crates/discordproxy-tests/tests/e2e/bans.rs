//! Issue 13, bans: `GetGuildBans`, `GetGuildBan`, `CreateGuildBan`, `RemoveGuildBan` and
//! `BulkGuildBan` end to end against the emulator: the REST request (method, path, query,
//! `X-Audit-Log-Reason`, body judged by Discord's OpenAPI), the typed answer and its `json`,
//! Discord's errors as status + JSON details, and the limits refused before any request.

use crate::message_support::{
    GUILD, audit_log_reason, discord_error, judge_body, judge_response, only_request_since,
    plain_text, refused_before_request, requests_since, route, skip,
};
use discordproxy_proto::{
    BulkGuildBanRequest, CreateGuildBanRequest, GetGuildBanRequest, GetGuildBansRequest,
    RemoveGuildBanRequest,
};
use discordproxy_tests::stack::Stack;
use serde_json::{Value, json};
use tonic::Code;

const ALICE: u64 = 200_000_000_000_000_001;
const BOB: u64 = 200_000_000_000_000_002;
const CAROL: u64 = 200_000_000_000_000_003;
const DAVE: u64 = 200_000_000_000_000_004;

#[tokio::test]
async fn bans_are_made_listed_read_lifted_and_bulk_made() {
    let stack = Stack::start().await;
    let mut client = stack.client().await;

    let start = skip(&stack);
    client
        .create_guild_ban(CreateGuildBanRequest {
            guild_id: GUILD,
            user_id: CAROL,
            delete_message_seconds: Some(3600),
            audit_log_reason: "spam".into(),
        })
        .await
        .unwrap();
    let put = only_request_since(&stack, start);
    assert_eq!(route(&put), format!("PUT /guilds/{GUILD}/bans/{CAROL}"));
    assert_eq!(audit_log_reason(&put).as_deref(), Some("spam"));
    assert_eq!(judge_body(&put), json!({"delete_message_seconds": 3600}));
    assert_eq!(put.status, Some(204));
    let start = skip(&stack);
    client
        .create_guild_ban(CreateGuildBanRequest {
            guild_id: GUILD,
            user_id: DAVE,
            ..Default::default()
        })
        .await
        .unwrap();
    let put = only_request_since(&stack, start);
    assert_eq!(
        (put.body.clone(), put.audit_log_reason.clone()),
        (None, None)
    );

    let start = skip(&stack);
    let ban = client
        .get_guild_ban(GetGuildBanRequest {
            guild_id: GUILD,
            user_id: CAROL,
        })
        .await
        .unwrap()
        .into_inner();
    let get = only_request_since(&stack, start);
    assert_eq!(route(&get), format!("GET /guilds/{GUILD}/bans/{CAROL}"));
    judge_response(&get);
    let typed = ban.ban.unwrap();
    assert_eq!(
        (typed.reason.as_str(), typed.user.unwrap().id),
        ("spam", CAROL)
    );
    assert_eq!(
        serde_json::from_str::<Value>(&ban.json).unwrap(),
        get.response.clone().unwrap()
    );

    let start = skip(&stack);
    let page = client
        .get_guild_bans(GetGuildBansRequest {
            guild_id: GUILD,
            limit: Some(10),
            before: 0,
            after: BOB,
        })
        .await
        .unwrap()
        .into_inner();
    let get = only_request_since(&stack, start);
    assert_eq!(route(&get), format!("GET /guilds/{GUILD}/bans"));
    assert_eq!(get.query, format!("limit=10&after={BOB}"));
    judge_response(&get);
    let users: Vec<u64> = page
        .bans
        .iter()
        .map(|ban| ban.user.as_ref().unwrap().id)
        .collect();
    assert_eq!(users, [CAROL, DAVE]);
    let start = skip(&stack);
    let status = client
        .get_guild_bans(GetGuildBansRequest {
            guild_id: GUILD,
            limit: Some(1001),
            ..Default::default()
        })
        .await
        .unwrap_err();
    refused_before_request(
        &stack,
        start,
        &status,
        "In limit: int value should be less than or equal to 1000.",
    );
    let start = skip(&stack);
    let status = client
        .get_guild_bans(GetGuildBansRequest {
            guild_id: GUILD,
            before: DAVE,
            after: BOB,
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::InvalidArgument);
    assert!(plain_text(&status).contains("before"));
    assert!(requests_since(&stack, start).is_empty());

    let start = skip(&stack);
    client
        .remove_guild_ban(RemoveGuildBanRequest {
            guild_id: GUILD,
            user_id: CAROL,
            audit_log_reason: "appeal".into(),
        })
        .await
        .unwrap();
    let delete = only_request_since(&stack, start);
    assert_eq!(
        route(&delete),
        format!("DELETE /guilds/{GUILD}/bans/{CAROL}")
    );
    assert_eq!(audit_log_reason(&delete).as_deref(), Some("appeal"));
    let status = client
        .remove_guild_ban(RemoveGuildBanRequest {
            guild_id: GUILD,
            user_id: CAROL,
            audit_log_reason: String::new(),
        })
        .await
        .unwrap_err();
    discord_error(&status, Code::NotFound, 404, 10026, "Unknown Ban");
    let status = client
        .get_guild_ban(GetGuildBanRequest {
            guild_id: GUILD,
            user_id: CAROL,
        })
        .await
        .unwrap_err();
    discord_error(&status, Code::NotFound, 404, 10026, "Unknown Ban");

    let start = skip(&stack);
    let bulk = client
        .bulk_guild_ban(BulkGuildBanRequest {
            guild_id: GUILD,
            user_ids: vec![CAROL, BOB, DAVE],
            delete_message_seconds: Some(0),
            audit_log_reason: "raid".into(),
        })
        .await
        .unwrap()
        .into_inner();
    let post = only_request_since(&stack, start);
    assert_eq!(route(&post), format!("POST /guilds/{GUILD}/bulk-ban"));
    assert_eq!(
        judge_body(&post),
        json!({"user_ids": [CAROL.to_string(), BOB.to_string(), DAVE.to_string()],
               "delete_message_seconds": 0})
    );
    judge_response(&post);
    assert_eq!(bulk.banned_users, [CAROL, BOB]);
    assert_eq!(bulk.failed_users, [DAVE]);
    let status = client
        .bulk_guild_ban(BulkGuildBanRequest {
            guild_id: GUILD,
            user_ids: vec![CAROL],
            ..Default::default()
        })
        .await
        .unwrap_err();
    discord_error(
        &status,
        Code::InvalidArgument,
        400,
        500000,
        "Failed to ban users",
    );
    stack.stop().await;
}

#[tokio::test]
async fn ban_errors_and_limits() {
    let stack = Stack::start().await;
    let mut client = stack.client().await;
    let status = client
        .create_guild_ban(CreateGuildBanRequest {
            guild_id: GUILD,
            user_id: ALICE,
            ..Default::default()
        })
        .await
        .unwrap_err();
    discord_error(
        &status,
        Code::PermissionDenied,
        403,
        50013,
        "Missing Permissions",
    );
    let status = client
        .create_guild_ban(CreateGuildBanRequest {
            guild_id: GUILD,
            user_id: 200_000_000_000_000_099,
            ..Default::default()
        })
        .await
        .unwrap_err();
    discord_error(&status, Code::NotFound, 404, 10013, "Unknown User");
    let start = skip(&stack);
    let status = client
        .create_guild_ban(CreateGuildBanRequest {
            guild_id: GUILD,
            user_id: CAROL,
            delete_message_seconds: Some(604_801),
            ..Default::default()
        })
        .await
        .unwrap_err();
    refused_before_request(
        &stack,
        start,
        &status,
        "In delete_message_seconds: int value should be less than or equal to 604800.",
    );
    for (user_ids, line) in [
        (vec![], "In user_ids: Must be 1 or more in length."),
        (
            (1..=201).map(|i| 200_000_000_000_001_000 + i).collect(),
            "In user_ids: Must be 200 or fewer in length.",
        ),
    ] {
        let start = skip(&stack);
        let status = client
            .bulk_guild_ban(BulkGuildBanRequest {
                guild_id: GUILD,
                user_ids,
                ..Default::default()
            })
            .await
            .unwrap_err();
        refused_before_request(&stack, start, &status, line);
    }
    let start = skip(&stack);
    let status = client
        .bulk_guild_ban(BulkGuildBanRequest {
            guild_id: GUILD,
            user_ids: vec![CAROL, 0],
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert!(plain_text(&status).starts_with("user_ids[1]"));
    assert!(requests_since(&stack, start).is_empty());
    let status = client
        .get_guild_bans(GetGuildBansRequest {
            guild_id: 300_000_000_000_000_999,
            ..Default::default()
        })
        .await
        .unwrap_err();
    discord_error(&status, Code::NotFound, 404, 10004, "Unknown Guild");
    stack.stop().await;
}
