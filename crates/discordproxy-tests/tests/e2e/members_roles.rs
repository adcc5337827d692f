//! Issue 13, guild, roles and members: `GetGuild`, `GetGuildRoles`, `GetGuildRole`,
//! `CreateGuildRole`, `ModifyGuildRole`, `ModifyGuildRolePositions`, `DeleteGuildRole`,
//! `GetGuildMember`, `ListGuildMembers`, `SearchGuildMembers`, `AddGuildMember`,
//! `ModifyGuildMember`, `ModifyCurrentMember`, `AddGuildMemberRole`, `RemoveGuildMemberRole`
//! and `RemoveGuildMember` end to end against the emulator: the REST request as the emulator
//! recorded it (method, path, query, `X-Audit-Log-Reason`, body judged by Discord's OpenAPI),
//! the typed answer and its `json`, Discord's errors as status + JSON details, the limits
//! refused before any request, the typed GUILD_ROLE_* events, and Alliance Auth's Discord
//! service flow.

use crate::message_support::{
    GUILD, answered, audit_log_reason, discord_error, judge_body, judge_response,
    only_request_since, plain_refusal, refused_before_request, route, skip,
};
use discord_emulator::RecordedRequest;
use discordproxy_proto::{
    AddGuildMemberRequest, AddGuildMemberRoleRequest, CreateGuildRoleRequest,
    DeleteGuildRoleRequest, GetGuildMemberRequest, GetGuildRequest, GetGuildRoleRequest,
    GetGuildRolesRequest, ListGuildMembersRequest, ModifyCurrentMemberRequest,
    ModifyGuildMemberRequest, ModifyGuildRolePositionsRequest, ModifyGuildRoleRequest,
    RemoveGuildMemberRequest, RemoveGuildMemberRoleRequest, RolePosition,
    SearchGuildMembersRequest, discord_api_client::DiscordApiClient,
};
use discordproxy_tests::stack::Stack;
use serde_json::{Value, json};
use tonic::{Code, transport::Channel};

const BOT: u64 = 100_000_000_000_000_001;
const ALICE: u64 = 200_000_000_000_000_001;
const BOB: u64 = 200_000_000_000_000_002;
const CAROL: u64 = 200_000_000_000_000_003;
const DAVE: u64 = 200_000_000_000_000_004;
const UNKNOWN_USER: u64 = 200_000_000_000_000_099;
const MEMBER_ROLE: u64 = 500_000_000_000_000_001;
const BOT_ROLE: u64 = 500_000_000_000_000_002;
const ADMIN_ROLE: u64 = 500_000_000_000_000_003;
const UNKNOWN_ROLE: u64 = 500_000_000_000_000_999;
const UNKNOWN_GUILD: u64 = 300_000_000_000_000_999;
const DAVE_TOKEN: &str = "sandbox-oauth-dave";

#[tokio::test]
async fn get_guild_and_its_roles_answer_typed_objects_and_discords_json() {
    let stack = Stack::start().await;
    let mut client = stack.client().await;
    let start = skip(&stack);
    let reply = client
        .get_guild(GetGuildRequest {
            guild_id: GUILD,
            with_counts: true,
        })
        .await
        .unwrap()
        .into_inner();
    let get = only_request_since(&stack, start);
    assert_eq!(route(&get), format!("GET /guilds/{GUILD}"));
    assert_eq!(get.query, "with_counts=true");
    judge_response(&get);
    let guild = reply.guild.unwrap();
    assert_eq!((guild.id, guild.name.as_str()), (GUILD, "Sandbox Guild"));
    assert_eq!(guild.owner_id, ALICE);
    assert_eq!(guild.approximate_member_count, 3);
    assert_eq!(guild.roles.len(), 4);
    assert_eq!(
        serde_json::from_str::<Value>(&reply.json).unwrap(),
        answered(&get)
    );
    let start = skip(&stack);
    let plain = client
        .get_guild(GetGuildRequest {
            guild_id: GUILD,
            with_counts: false,
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(only_request_since(&stack, start).query, "");
    assert_eq!(plain.guild.unwrap().approximate_member_count, 0);

    let status = client
        .get_guild(GetGuildRequest {
            guild_id: UNKNOWN_GUILD,
            with_counts: false,
        })
        .await
        .unwrap_err();
    discord_error(&status, Code::NotFound, 404, 10004, "Unknown Guild");
    let start = skip(&stack);
    let status = client
        .get_guild(GetGuildRequest::default())
        .await
        .unwrap_err();
    plain_refusal(&stack, start, &status, "guild_id ");

    let start = skip(&stack);
    let roles = client
        .get_guild_roles(GetGuildRolesRequest { guild_id: GUILD })
        .await
        .unwrap()
        .into_inner();
    let get = only_request_since(&stack, start);
    assert_eq!(route(&get), format!("GET /guilds/{GUILD}/roles"));
    judge_response(&get);
    let ids: Vec<u64> = roles.roles.iter().map(|role| role.id).collect();
    assert_eq!(ids, [GUILD, MEMBER_ROLE, BOT_ROLE, ADMIN_ROLE]);
    let bot_role = &roles.roles[2];
    assert!(bot_role.managed);
    assert_eq!(bot_role.tags[0].id, BOT);
    assert_eq!(bot_role.permissions, "1100547620919");
    assert_eq!(
        serde_json::from_str::<Value>(&roles.json).unwrap(),
        answered(&get)
    );
    let status = client
        .get_guild_roles(GetGuildRolesRequest {
            guild_id: UNKNOWN_GUILD,
        })
        .await
        .unwrap_err();
    discord_error(&status, Code::NotFound, 404, 10004, "Unknown Guild");

    let start = skip(&stack);
    let role = client
        .get_guild_role(GetGuildRoleRequest {
            guild_id: GUILD,
            role_id: MEMBER_ROLE,
        })
        .await
        .unwrap()
        .into_inner();
    let get = only_request_since(&stack, start);
    assert_eq!(
        route(&get),
        format!("GET /guilds/{GUILD}/roles/{MEMBER_ROLE}")
    );
    judge_response(&get);
    let typed = role.role.unwrap();
    assert_eq!(
        (
            typed.name.as_str(),
            typed.color,
            typed.hoist,
            typed.position
        ),
        ("Member", 3447003, true, 1)
    );
    let status = client
        .get_guild_role(GetGuildRoleRequest {
            guild_id: GUILD,
            role_id: UNKNOWN_ROLE,
        })
        .await
        .unwrap_err();
    discord_error(&status, Code::NotFound, 404, 10011, "Unknown Role");
    stack.stop().await;
}

#[tokio::test]
async fn roles_are_created_modified_moved_and_deleted_with_discords_checks() {
    let stack = Stack::start().await;
    let mut client = stack.client().await;
    let start = skip(&stack);
    let created = client
        .create_guild_role(CreateGuildRoleRequest {
            guild_id: GUILD,
            name: Some("Pilots".into()),
            permissions: Some("0".into()),
            color: Some(0x3498db),
            hoist: Some(true),
            mentionable: Some(false),
            audit_log_reason: "sync: new group".into(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    let post = only_request_since(&stack, start);
    assert_eq!(route(&post), format!("POST /guilds/{GUILD}/roles"));
    assert_eq!(audit_log_reason(&post).as_deref(), Some("sync: new group"));
    assert_eq!(
        judge_body(&post),
        json!({"name": "Pilots", "permissions": 0, "color": 0x3498db, "hoist": true, "mentionable": false})
    );
    judge_response(&post);
    let role = created.role.unwrap();
    assert_eq!((role.name.as_str(), role.position), ("Pilots", 1));
    assert_eq!(
        serde_json::from_str::<Value>(&created.json).unwrap(),
        answered(&post)
    );

    // Limits before any request.
    for (request, line) in [
        (
            CreateGuildRoleRequest {
                name: Some("n".repeat(101)),
                ..Default::default()
            },
            "In name: Must be between 1 and 100 in length.",
        ),
        (
            CreateGuildRoleRequest {
                color: Some(0x100_0000),
                ..Default::default()
            },
            "In color: int value should be less than or equal to 16777215.",
        ),
        (
            CreateGuildRoleRequest {
                color: Some(-1),
                ..Default::default()
            },
            "In color: int value should be greater than or equal to 0.",
        ),
    ] {
        let start = skip(&stack);
        let status = client
            .create_guild_role(CreateGuildRoleRequest {
                guild_id: GUILD,
                ..request
            })
            .await
            .unwrap_err();
        refused_before_request(&stack, start, &status, line);
    }
    let start = skip(&stack);
    let status = client
        .create_guild_role(CreateGuildRoleRequest {
            guild_id: GUILD,
            permissions: Some("all".into()),
            ..Default::default()
        })
        .await
        .unwrap_err();
    plain_refusal(&stack, start, &status, "permissions ");
    let status = client
        .create_guild_role(CreateGuildRoleRequest {
            guild_id: GUILD,
            permissions: Some("8".into()),
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

    let start = skip(&stack);
    let modified = client
        .modify_guild_role(ModifyGuildRoleRequest {
            guild_id: GUILD,
            role_id: role.id,
            name: Some("Capsuleers".into()),
            mentionable: Some(true),
            clear_fields: vec!["unicode_emoji".into()],
            audit_log_reason: "rename".into(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    let patch = only_request_since(&stack, start);
    assert_eq!(
        route(&patch),
        format!("PATCH /guilds/{GUILD}/roles/{}", role.id)
    );
    assert_eq!(audit_log_reason(&patch).as_deref(), Some("rename"));
    assert_eq!(
        judge_body(&patch),
        json!({"name": "Capsuleers", "mentionable": true, "unicode_emoji": null})
    );
    judge_response(&patch);
    let typed = modified.role.unwrap();
    assert_eq!(
        (typed.name.as_str(), typed.mentionable),
        ("Capsuleers", true)
    );
    let status = client
        .modify_guild_role(ModifyGuildRoleRequest {
            guild_id: GUILD,
            role_id: ADMIN_ROLE,
            name: Some("mine".into()),
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
    let start = skip(&stack);
    let status = client
        .modify_guild_role(ModifyGuildRoleRequest {
            guild_id: GUILD,
            role_id: role.id,
            clear_fields: vec!["name".into()],
            ..Default::default()
        })
        .await
        .unwrap_err();
    plain_refusal(&stack, start, &status, "clear_fields[0]");

    let start = skip(&stack);
    let moved = client
        .modify_guild_role_positions(ModifyGuildRolePositionsRequest {
            guild_id: GUILD,
            positions: vec![RolePosition {
                id: role.id,
                position: Some(2),
            }],
            audit_log_reason: "order".into(),
        })
        .await
        .unwrap()
        .into_inner();
    let patch = only_request_since(&stack, start);
    assert_eq!(route(&patch), format!("PATCH /guilds/{GUILD}/roles"));
    assert_eq!(
        judge_body(&patch),
        json!([{"id": role.id.to_string(), "position": 2}])
    );
    judge_response(&patch);
    let position = |id: u64| moved.roles.iter().find(|r| r.id == id).unwrap().position;
    assert_eq!((position(role.id), position(MEMBER_ROLE)), (2, 1));
    let status = client
        .modify_guild_role_positions(ModifyGuildRolePositionsRequest {
            guild_id: GUILD,
            positions: vec![RolePosition {
                id: role.id,
                position: Some(4),
            }],
            audit_log_reason: String::new(),
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
    let start = skip(&stack);
    let status = client
        .modify_guild_role_positions(ModifyGuildRolePositionsRequest {
            guild_id: GUILD,
            positions: vec![],
            audit_log_reason: String::new(),
        })
        .await
        .unwrap_err();
    plain_refusal(&stack, start, &status, "positions ");

    let start = skip(&stack);
    let deleted = client
        .delete_guild_role(DeleteGuildRoleRequest {
            guild_id: GUILD,
            role_id: role.id,
            audit_log_reason: "gone".into(),
        })
        .await
        .unwrap()
        .into_inner();
    let delete = only_request_since(&stack, start);
    assert_eq!(
        route(&delete),
        format!("DELETE /guilds/{GUILD}/roles/{}", role.id)
    );
    assert_eq!(audit_log_reason(&delete).as_deref(), Some("gone"));
    assert_eq!(delete.status, Some(204));
    assert_eq!(deleted, discordproxy_proto::DeleteGuildRoleResponse {});
    let status = client
        .delete_guild_role(DeleteGuildRoleRequest {
            guild_id: GUILD,
            role_id: role.id,
            audit_log_reason: String::new(),
        })
        .await
        .unwrap_err();
    discord_error(&status, Code::NotFound, 404, 10011, "Unknown Role");
    let status = client
        .delete_guild_role(DeleteGuildRoleRequest {
            guild_id: GUILD,
            role_id: GUILD,
            audit_log_reason: String::new(),
        })
        .await
        .unwrap_err();
    discord_error(&status, Code::InvalidArgument, 400, 50028, "Invalid Role");
    stack.stop().await;
}

#[tokio::test]
async fn members_are_read_listed_and_searched() {
    let stack = Stack::start().await;
    let mut client = stack.client().await;
    let start = skip(&stack);
    let reply = client
        .get_guild_member(GetGuildMemberRequest {
            guild_id: GUILD,
            user_id: ALICE,
        })
        .await
        .unwrap()
        .into_inner();
    let get = only_request_since(&stack, start);
    assert_eq!(route(&get), format!("GET /guilds/{GUILD}/members/{ALICE}"));
    judge_response(&get);
    let member = reply.member.unwrap();
    assert_eq!(member.user.unwrap().id, ALICE);
    assert_eq!(
        (member.nick.as_str(), member.roles.as_slice()),
        ("Ali", &[MEMBER_ROLE][..])
    );
    assert_eq!(member.joined_at, "2024-01-02T00:00:00.000000+00:00");
    assert_eq!(
        serde_json::from_str::<Value>(&reply.json).unwrap(),
        answered(&get)
    );
    let status = client
        .get_guild_member(GetGuildMemberRequest {
            guild_id: GUILD,
            user_id: UNKNOWN_USER,
        })
        .await
        .unwrap_err();
    discord_error(&status, Code::NotFound, 404, 10013, "Unknown User");

    let start = skip(&stack);
    let page = client
        .list_guild_members(ListGuildMembersRequest {
            guild_id: GUILD,
            after: BOT,
            limit: Some(2),
        })
        .await
        .unwrap()
        .into_inner();
    let get = only_request_since(&stack, start);
    assert_eq!(route(&get), format!("GET /guilds/{GUILD}/members"));
    assert_eq!(get.query, format!("limit=2&after={BOT}"));
    judge_response(&get);
    let ids: Vec<u64> = page
        .members
        .iter()
        .map(|m| m.user.as_ref().unwrap().id)
        .collect();
    assert_eq!(ids, [ALICE, CAROL]);
    let start = skip(&stack);
    let first = client
        .list_guild_members(ListGuildMembersRequest {
            guild_id: GUILD,
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(only_request_since(&stack, start).query, "");
    assert_eq!(first.members.len(), 1, "Discord's default limit is 1");
    for (limit, line) in [
        (
            0,
            "In limit: int value should be greater than or equal to 1.",
        ),
        (
            1001,
            "In limit: int value should be less than or equal to 1000.",
        ),
    ] {
        let start = skip(&stack);
        let status = client
            .list_guild_members(ListGuildMembersRequest {
                guild_id: GUILD,
                after: 0,
                limit: Some(limit),
            })
            .await
            .unwrap_err();
        refused_before_request(&stack, start, &status, line);
        let start = skip(&stack);
        let status = client
            .search_guild_members(SearchGuildMembersRequest {
                guild_id: GUILD,
                query: "a".into(),
                limit: Some(limit),
            })
            .await
            .unwrap_err();
        refused_before_request(&stack, start, &status, line);
    }
    let status = client
        .list_guild_members(ListGuildMembersRequest {
            guild_id: UNKNOWN_GUILD,
            ..Default::default()
        })
        .await
        .unwrap_err();
    discord_error(&status, Code::NotFound, 404, 10004, "Unknown Guild");

    let start = skip(&stack);
    let found = client
        .search_guild_members(SearchGuildMembersRequest {
            guild_id: GUILD,
            query: "Ca r&".into(),
            limit: Some(10),
        })
        .await
        .unwrap()
        .into_inner();
    let get = only_request_since(&stack, start);
    assert_eq!(route(&get), format!("GET /guilds/{GUILD}/members/search"));
    assert_eq!(get.query, "query=Ca%20r%26&limit=10");
    judge_response(&get);
    assert!(found.members.is_empty());
    let found = client
        .search_guild_members(SearchGuildMembersRequest {
            guild_id: GUILD,
            query: "car".into(),
            limit: Some(10),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(found.members[0].user.as_ref().unwrap().id, CAROL);
    let start = skip(&stack);
    let status = client
        .search_guild_members(SearchGuildMembersRequest {
            guild_id: GUILD,
            query: String::new(),
            limit: None,
        })
        .await
        .unwrap_err();
    plain_refusal(&stack, start, &status, "query ");
    let status = client
        .search_guild_members(SearchGuildMembersRequest {
            guild_id: UNKNOWN_GUILD,
            query: "a".into(),
            limit: None,
        })
        .await
        .unwrap_err();
    discord_error(&status, Code::NotFound, 404, 10004, "Unknown Guild");
    stack.stop().await;
}

#[tokio::test]
async fn member_changes_send_what_is_set_and_get_discords_errors() {
    let stack = Stack::start().await;
    let mut client = stack.client().await;
    // ModifyGuildMember: what is set, the nick cleared with null, every role taken with [].
    let start = skip(&stack);
    let reply = client
        .modify_guild_member(ModifyGuildMemberRequest {
            guild_id: GUILD,
            user_id: CAROL,
            nick: Some("Caz".into()),
            roles: vec![MEMBER_ROLE],
            communication_disabled_until: Some("2026-01-01T00:00:00Z".into()),
            flags: Some(0),
            audit_log_reason: "sync".into(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    let patch = only_request_since(&stack, start);
    assert_eq!(
        route(&patch),
        format!("PATCH /guilds/{GUILD}/members/{CAROL}")
    );
    assert_eq!(audit_log_reason(&patch).as_deref(), Some("sync"));
    assert_eq!(
        judge_body(&patch),
        json!({"nick": "Caz", "roles": [MEMBER_ROLE.to_string()],
               "communication_disabled_until": "2026-01-01T00:00:00Z", "flags": 0})
    );
    judge_response(&patch);
    let member = reply.member.unwrap();
    assert_eq!(
        (member.nick.as_str(), member.roles.as_slice()),
        ("Caz", &[MEMBER_ROLE][..])
    );
    assert_eq!(
        serde_json::from_str::<Value>(&reply.json).unwrap(),
        answered(&patch)
    );
    let start = skip(&stack);
    let cleared = client
        .modify_guild_member(ModifyGuildMemberRequest {
            guild_id: GUILD,
            user_id: CAROL,
            clear_fields: vec![
                "nick".into(),
                "roles".into(),
                "communication_disabled_until".into(),
            ],
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    let patch = only_request_since(&stack, start);
    assert_eq!(
        judge_body(&patch),
        json!({"nick": null, "roles": [], "communication_disabled_until": null})
    );
    let member = cleared.member.unwrap();
    assert!(member.nick.is_empty() && member.roles.is_empty());
    let status = client
        .modify_guild_member(ModifyGuildMemberRequest {
            guild_id: GUILD,
            user_id: CAROL,
            mute: Some(true),
            ..Default::default()
        })
        .await
        .unwrap_err();
    discord_error(
        &status,
        Code::InvalidArgument,
        400,
        40032,
        "Target user is not connected to voice.",
    );
    let status = client
        .modify_guild_member(ModifyGuildMemberRequest {
            guild_id: GUILD,
            user_id: ALICE,
            nick: Some("boss".into()),
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
        .modify_guild_member(ModifyGuildMemberRequest {
            guild_id: GUILD,
            user_id: DAVE,
            nick: Some("d".into()),
            ..Default::default()
        })
        .await
        .unwrap_err();
    discord_error(&status, Code::NotFound, 404, 10007, "Unknown Member");
    let start = skip(&stack);
    let status = client
        .modify_guild_member(ModifyGuildMemberRequest {
            guild_id: GUILD,
            user_id: CAROL,
            nick: Some("n".repeat(33)),
            ..Default::default()
        })
        .await
        .unwrap_err();
    refused_before_request(
        &stack,
        start,
        &status,
        "In nick: Must be 32 or fewer in length.",
    );
    let start = skip(&stack);
    let status = client
        .modify_guild_member(ModifyGuildMemberRequest {
            guild_id: GUILD,
            user_id: CAROL,
            communication_disabled_until: Some("2099-01-01T00:00:00Z".into()),
            ..Default::default()
        })
        .await
        .unwrap_err();
    refused_before_request(&stack, start, &status, "In communication_disabled_until:");
    for (request, prefix) in [
        (ModifyGuildMemberRequest::default(), "guild_id "),
        (
            ModifyGuildMemberRequest {
                guild_id: GUILD,
                user_id: CAROL,
                ..Default::default()
            },
            "ModifyGuildMember sets nothing",
        ),
        (
            ModifyGuildMemberRequest {
                guild_id: GUILD,
                user_id: CAROL,
                communication_disabled_until: Some("tomorrow".into()),
                ..Default::default()
            },
            "communication_disabled_until ",
        ),
    ] {
        let start = skip(&stack);
        let status = client.modify_guild_member(request).await.unwrap_err();
        plain_refusal(&stack, start, &status, prefix);
    }

    // ModifyCurrentMember.
    let start = skip(&stack);
    let me = client
        .modify_current_member(ModifyCurrentMemberRequest {
            guild_id: GUILD,
            nick: Some("Proxy".into()),
            clear_fields: vec![],
            audit_log_reason: "rename me".into(),
        })
        .await
        .unwrap()
        .into_inner();
    let patch = only_request_since(&stack, start);
    assert_eq!(route(&patch), format!("PATCH /guilds/{GUILD}/members/@me"));
    assert_eq!(audit_log_reason(&patch).as_deref(), Some("rename me"));
    assert_eq!(judge_body(&patch), json!({"nick": "Proxy"}));
    judge_response(&patch);
    let member = me.member.unwrap();
    assert_eq!(
        (member.user.unwrap().id, member.nick.as_str()),
        (BOT, "Proxy")
    );
    let start = skip(&stack);
    client
        .modify_current_member(ModifyCurrentMemberRequest {
            guild_id: GUILD,
            nick: None,
            clear_fields: vec!["nick".into()],
            audit_log_reason: String::new(),
        })
        .await
        .unwrap();
    assert_eq!(
        judge_body(&only_request_since(&stack, start)),
        json!({"nick": null})
    );
    let status = client
        .modify_current_member(ModifyCurrentMemberRequest {
            guild_id: UNKNOWN_GUILD,
            nick: Some("x".into()),
            ..Default::default()
        })
        .await
        .unwrap_err();
    discord_error(&status, Code::NotFound, 404, 10004, "Unknown Guild");

    // AddGuildMember: a token Discord refuses; the token is in no error.
    let status = client
        .add_guild_member(AddGuildMemberRequest {
            guild_id: GUILD,
            user_id: DAVE,
            access_token: "sandbox-oauth-dave-identify-only".into(),
            ..Default::default()
        })
        .await
        .unwrap_err();
    discord_error(
        &status,
        Code::PermissionDenied,
        403,
        50025,
        "Invalid OAuth2 access token",
    );
    assert!(!status.message().contains("sandbox-oauth"));
    let start = skip(&stack);
    let status = client
        .add_guild_member(AddGuildMemberRequest {
            guild_id: GUILD,
            user_id: DAVE,
            access_token: String::new(),
            ..Default::default()
        })
        .await
        .unwrap_err();
    plain_refusal(&stack, start, &status, "access_token ");
    let start = skip(&stack);
    let status = client
        .add_guild_member(AddGuildMemberRequest {
            guild_id: GUILD,
            user_id: DAVE,
            access_token: DAVE_TOKEN.into(),
            nick: Some("n".repeat(33)),
            ..Default::default()
        })
        .await
        .unwrap_err();
    refused_before_request(
        &stack,
        start,
        &status,
        "In nick: Must be 32 or fewer in length.",
    );
    assert!(!status.message().contains(DAVE_TOKEN));
    let status = client
        .add_guild_member(AddGuildMemberRequest {
            guild_id: GUILD,
            user_id: UNKNOWN_USER,
            access_token: DAVE_TOKEN.into(),
            ..Default::default()
        })
        .await
        .unwrap_err();
    discord_error(&status, Code::NotFound, 404, 10013, "Unknown User");

    // Roles of members, and kicks.
    let status = client
        .add_guild_member_role(AddGuildMemberRoleRequest {
            guild_id: GUILD,
            user_id: DAVE,
            role_id: MEMBER_ROLE,
            audit_log_reason: String::new(),
        })
        .await
        .unwrap_err();
    discord_error(&status, Code::NotFound, 404, 10007, "Unknown Member");
    let status = client
        .remove_guild_member_role(RemoveGuildMemberRoleRequest {
            guild_id: GUILD,
            user_id: CAROL,
            role_id: UNKNOWN_ROLE,
            audit_log_reason: String::new(),
        })
        .await
        .unwrap_err();
    discord_error(&status, Code::NotFound, 404, 10011, "Unknown Role");
    let status = client
        .remove_guild_member_role(RemoveGuildMemberRoleRequest {
            guild_id: GUILD,
            user_id: BOT,
            role_id: BOT_ROLE,
            audit_log_reason: String::new(),
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
        .remove_guild_member(RemoveGuildMemberRequest {
            guild_id: GUILD,
            user_id: ALICE,
            audit_log_reason: String::new(),
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
    let start = skip(&stack);
    let status = client
        .remove_guild_member(RemoveGuildMemberRequest {
            guild_id: GUILD,
            user_id: 0,
            audit_log_reason: String::new(),
        })
        .await
        .unwrap_err();
    plain_refusal(&stack, start, &status, "user_id ");
    stack.stop().await;
}

/// One step of the Alliance Auth flow: exactly one REST request since `start`, with this
/// method and path (below `/api/v10`).
#[track_caller]
fn one_call(stack: &Stack, start: usize, expected: &str) -> RecordedRequest {
    let request = only_request_since(stack, start);
    assert_eq!(route(&request), expected);
    request
}

/// Alliance Auth's Discord service (`allianceauth/services/modules/discord`), as it talks to
/// Discord over REST: read the guild and its roles, create a missing group role, add the user
/// with their OAuth2 token, roles and nickname (then again: already a member), sync roles and
/// nickname, clear the nickname, give and take one role, kick, delete the role. Each step is
/// exactly one REST call with the body AA sends.
#[tokio::test]
async fn the_alliance_auth_discord_service_flow() {
    let stack = Stack::start().await;
    let mut client: DiscordApiClient<Channel> = stack.client().await;

    // 1. The guild (AA shows its name) and its roles (AA maps groups to role ids by name).
    let start = skip(&stack);
    let guild = client
        .get_guild(GetGuildRequest {
            guild_id: GUILD,
            with_counts: false,
        })
        .await
        .unwrap()
        .into_inner()
        .guild
        .unwrap();
    one_call(&stack, start, &format!("GET /guilds/{GUILD}"));
    assert_eq!(guild.name, "Sandbox Guild");
    let start = skip(&stack);
    let roles = client
        .get_guild_roles(GetGuildRolesRequest { guild_id: GUILD })
        .await
        .unwrap()
        .into_inner()
        .roles;
    one_call(&stack, start, &format!("GET /guilds/{GUILD}/roles"));
    assert!(!roles.iter().any(|role| role.name == "Corp Members"));

    // 2. A group without a role: AA creates it with only the name (Discord's defaults).
    let start = skip(&stack);
    let role = client
        .create_guild_role(CreateGuildRoleRequest {
            guild_id: GUILD,
            name: Some("Corp Members".into()),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner()
        .role
        .unwrap();
    let post = one_call(&stack, start, &format!("POST /guilds/{GUILD}/roles"));
    assert_eq!(judge_body(&post), json!({"name": "Corp Members"}));
    assert_eq!(role.name, "Corp Members");

    // 3. The user joins with the OAuth2 token AA got, their roles and nickname.
    let start = skip(&stack);
    let added = client
        .add_guild_member(AddGuildMemberRequest {
            guild_id: GUILD,
            user_id: DAVE,
            access_token: DAVE_TOKEN.into(),
            roles: vec![role.id, MEMBER_ROLE],
            nick: Some("[CORP] Dave".into()),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    let put = one_call(
        &stack,
        start,
        &format!("PUT /guilds/{GUILD}/members/{DAVE}"),
    );
    assert_eq!(
        judge_body(&put),
        json!({"access_token": DAVE_TOKEN, "nick": "[CORP] Dave",
               "roles": [role.id.to_string(), MEMBER_ROLE.to_string()]})
    );
    assert_eq!(put.status, Some(201));
    judge_response(&put);
    assert!(added.added);
    let member = added.member.unwrap();
    assert_eq!(member.user.unwrap().id, DAVE);
    assert_eq!(member.roles, [role.id, MEMBER_ROLE]);
    assert_eq!(member.nick, "[CORP] Dave");
    assert_eq!(
        serde_json::from_str::<Value>(&added.json).unwrap(),
        answered(&put)
    );
    // Again: already a member (204), nothing changes.
    let start = skip(&stack);
    let again = client
        .add_guild_member(AddGuildMemberRequest {
            guild_id: GUILD,
            user_id: DAVE,
            access_token: DAVE_TOKEN.into(),
            roles: vec![role.id, MEMBER_ROLE],
            nick: Some("[CORP] Dave".into()),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    let put = one_call(
        &stack,
        start,
        &format!("PUT /guilds/{GUILD}/members/{DAVE}"),
    );
    assert_eq!(put.status, Some(204));
    assert!(!again.added);
    assert!(again.member.is_none() && again.json.is_empty());

    // 4. A user who is not a member (AA checks before syncing).
    let start = skip(&stack);
    let status = client
        .get_guild_member(GetGuildMemberRequest {
            guild_id: GUILD,
            user_id: BOB,
        })
        .await
        .unwrap_err();
    one_call(&stack, start, &format!("GET /guilds/{GUILD}/members/{BOB}"));
    discord_error(&status, Code::NotFound, 404, 10007, "Unknown Member");

    // 5. Sync roles and nickname in one call; then the nickname is cleared (null).
    let start = skip(&stack);
    let synced = client
        .modify_guild_member(ModifyGuildMemberRequest {
            guild_id: GUILD,
            user_id: DAVE,
            roles: vec![role.id],
            nick: Some("[CORP] Dave Prime".into()),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner()
        .member
        .unwrap();
    let patch = one_call(
        &stack,
        start,
        &format!("PATCH /guilds/{GUILD}/members/{DAVE}"),
    );
    assert_eq!(
        judge_body(&patch),
        json!({"nick": "[CORP] Dave Prime", "roles": [role.id.to_string()]})
    );
    assert_eq!(synced.roles, [role.id]);
    let start = skip(&stack);
    let cleared = client
        .modify_guild_member(ModifyGuildMemberRequest {
            guild_id: GUILD,
            user_id: DAVE,
            clear_fields: vec!["nick".into()],
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner()
        .member
        .unwrap();
    let patch = one_call(
        &stack,
        start,
        &format!("PATCH /guilds/{GUILD}/members/{DAVE}"),
    );
    assert_eq!(judge_body(&patch), json!({"nick": null}));
    assert_eq!(patch.body.as_ref().unwrap().to_string(), r#"{"nick":null}"#);
    assert!(cleared.nick.is_empty());

    // 6. One role given and taken (AA's group add/remove signals).
    let start = skip(&stack);
    client
        .add_guild_member_role(AddGuildMemberRoleRequest {
            guild_id: GUILD,
            user_id: DAVE,
            role_id: MEMBER_ROLE,
            audit_log_reason: String::new(),
        })
        .await
        .unwrap();
    let put = one_call(
        &stack,
        start,
        &format!("PUT /guilds/{GUILD}/members/{DAVE}/roles/{MEMBER_ROLE}"),
    );
    assert_eq!((put.status, put.body.clone()), (Some(204), None));
    let start = skip(&stack);
    client
        .remove_guild_member_role(RemoveGuildMemberRoleRequest {
            guild_id: GUILD,
            user_id: DAVE,
            role_id: MEMBER_ROLE,
            audit_log_reason: String::new(),
        })
        .await
        .unwrap();
    one_call(
        &stack,
        start,
        &format!("DELETE /guilds/{GUILD}/members/{DAVE}/roles/{MEMBER_ROLE}"),
    );
    // A role above the bot's: Discord's hierarchy refuses it.
    let start = skip(&stack);
    let status = client
        .add_guild_member_role(AddGuildMemberRoleRequest {
            guild_id: GUILD,
            user_id: DAVE,
            role_id: ADMIN_ROLE,
            audit_log_reason: String::new(),
        })
        .await
        .unwrap_err();
    one_call(
        &stack,
        start,
        &format!("PUT /guilds/{GUILD}/members/{DAVE}/roles/{ADMIN_ROLE}"),
    );
    discord_error(
        &status,
        Code::PermissionDenied,
        403,
        50013,
        "Missing Permissions",
    );

    // 7. The user leaves the corp: kicked; the group is deleted: its role too.
    let start = skip(&stack);
    client
        .remove_guild_member(RemoveGuildMemberRequest {
            guild_id: GUILD,
            user_id: DAVE,
            audit_log_reason: String::new(),
        })
        .await
        .unwrap();
    one_call(
        &stack,
        start,
        &format!("DELETE /guilds/{GUILD}/members/{DAVE}"),
    );
    let start = skip(&stack);
    client
        .delete_guild_role(DeleteGuildRoleRequest {
            guild_id: GUILD,
            role_id: role.id,
            audit_log_reason: String::new(),
        })
        .await
        .unwrap();
    one_call(
        &stack,
        start,
        &format!("DELETE /guilds/{GUILD}/roles/{}", role.id),
    );
    let status = client
        .get_guild_member(GetGuildMemberRequest {
            guild_id: GUILD,
            user_id: DAVE,
        })
        .await
        .unwrap_err();
    discord_error(&status, Code::NotFound, 404, 10007, "Unknown Member");
    stack.stop().await;
}

/// StreamEvents' typed view of the events these RPCs cause: GUILD_ROLE_CREATE/UPDATE carry
/// the role, GUILD_ROLE_DELETE its id (oneof `role_event`), GUILD_MEMBER_ADD/REMOVE the
/// member, GUILD_BAN_ADD the user (oneof `ban_event`).
#[tokio::test]
async fn role_and_member_events_arrive_typed_over_stream_events() {
    use discordproxy_proto::{StreamEventsRequest, gateway_event::Typed};
    use discordproxy_server::{GatewayOptions, ShardCount};
    use std::time::Duration;
    use twilight_gateway::Intents;
    use twilight_model::gateway::presence::Status;

    const WAIT: Duration = Duration::from_secs(20);
    let mut options = discord_emulator::Options::new(discord_emulator::Fixture::default_fixture());
    options.rate_limits.mode = discord_emulator::config::RateLimits::Off;
    let gateway = GatewayOptions {
        intents: Intents::GUILDS | Intents::GUILD_MEMBERS | Intents::GUILD_MODERATION,
        status: Status::Online,
        activity: None,
        shards: ShardCount::Auto,
        shared: None,
    };
    let stack = Stack::start_with_gateway(options, gateway, 1024).await;
    let mut client = stack.client().await;
    let mut events = client
        .stream_events(StreamEventsRequest {
            event_names: [
                "GUILD_ROLE_CREATE",
                "GUILD_ROLE_UPDATE",
                "GUILD_ROLE_DELETE",
                "GUILD_MEMBER_ADD",
                "GUILD_MEMBER_REMOVE",
                "GUILD_BAN_ADD",
            ]
            .map(str::to_owned)
            .to_vec(),
            guild_ids: vec![GUILD],
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    tokio::time::timeout(WAIT, async {
        loop {
            let status = client
                .get_gateway_status(discordproxy_proto::GetGatewayStatusRequest {})
                .await
                .unwrap()
                .into_inner();
            if !status.shards.is_empty()
                && status
                    .shards
                    .iter()
                    .all(|shard| shard.state() == discordproxy_proto::shard_status::State::Ready)
            {
                break;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await
    .expect("the server's shards are ready");
    async fn next_event(
        events: &mut tonic::Streaming<discordproxy_proto::GatewayEvent>,
    ) -> discordproxy_proto::GatewayEvent {
        tokio::time::timeout(Duration::from_secs(20), events.message())
            .await
            .expect("an event in time")
            .unwrap()
            .unwrap()
    }
    let role = client
        .create_guild_role(CreateGuildRoleRequest {
            guild_id: GUILD,
            name: Some("Evented".into()),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner()
        .role
        .unwrap();
    let created = next_event(&mut events).await;
    assert_eq!(
        (created.name.as_str(), created.guild_id),
        ("GUILD_ROLE_CREATE", GUILD)
    );
    let Some(Typed::RoleEvent(event)) = created.typed else {
        panic!("typed: {:?}", created.typed);
    };
    assert_eq!((event.guild_id, event.role_id), (GUILD, role.id));
    assert_eq!(event.role.unwrap().name, "Evented");

    client
        .modify_guild_role(ModifyGuildRoleRequest {
            guild_id: GUILD,
            role_id: role.id,
            name: Some("Renamed".into()),
            ..Default::default()
        })
        .await
        .unwrap();
    let Some(Typed::RoleEvent(event)) = next_event(&mut events).await.typed else {
        panic!("typed role update");
    };
    assert_eq!(event.role.unwrap().name, "Renamed");

    client
        .add_guild_member(AddGuildMemberRequest {
            guild_id: GUILD,
            user_id: DAVE,
            access_token: DAVE_TOKEN.into(),
            ..Default::default()
        })
        .await
        .unwrap();
    let added = next_event(&mut events).await;
    assert_eq!(added.name, "GUILD_MEMBER_ADD");
    let Some(Typed::Member(member)) = added.typed else {
        panic!("typed member");
    };
    assert_eq!(member.user.unwrap().id, DAVE);
    client
        .remove_guild_member(RemoveGuildMemberRequest {
            guild_id: GUILD,
            user_id: DAVE,
            audit_log_reason: String::new(),
        })
        .await
        .unwrap();
    assert_eq!(next_event(&mut events).await.name, "GUILD_MEMBER_REMOVE");
    client
        .create_guild_ban(discordproxy_proto::CreateGuildBanRequest {
            guild_id: GUILD,
            user_id: CAROL,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(next_event(&mut events).await.name, "GUILD_MEMBER_REMOVE");
    let banned = next_event(&mut events).await;
    assert_eq!(banned.name, "GUILD_BAN_ADD");
    let Some(Typed::BanEvent(event)) = banned.typed else {
        panic!("typed ban");
    };
    assert_eq!((event.guild_id, event.user.unwrap().id), (GUILD, CAROL));

    client
        .delete_guild_role(DeleteGuildRoleRequest {
            guild_id: GUILD,
            role_id: role.id,
            audit_log_reason: String::new(),
        })
        .await
        .unwrap();
    let deleted = next_event(&mut events).await;
    assert_eq!(deleted.name, "GUILD_ROLE_DELETE");
    let Some(Typed::RoleEvent(event)) = deleted.typed else {
        panic!("typed role delete");
    };
    assert_eq!((event.role_id, event.role), (role.id, None));
    stack.stop().await;
}
