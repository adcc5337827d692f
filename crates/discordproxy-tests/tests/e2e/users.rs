//! Issue 13, users: `GetCurrentUser`, `GetUser`, `CreateDM` and `GetCurrentUserGuilds` end to
//! end against the emulator: the REST request, the typed answer and its `json`, Discord's
//! errors as status + JSON details, and the limits refused before any request.

use crate::message_support::{
    GUILD, details, judge_body, judge_response, only_request_since, plain_text, requests_since,
    route, skip,
};
use discordproxy_proto::{
    CreateDmRequest, GetCurrentUserGuildsRequest, GetCurrentUserRequest, GetUserRequest,
};
use discordproxy_tests::stack::Stack;
use serde_json::{Value, json};
use tonic::Code;

const BOT: u64 = 100_000_000_000_000_001;
const ALICE: u64 = 200_000_000_000_000_001;
const UNKNOWN_USER: u64 = 200_000_000_000_000_099;

#[tokio::test]
async fn users_and_the_bots_guilds() {
    let stack = Stack::start().await;
    let mut client = stack.client().await;

    let start = skip(&stack);
    let me = client
        .get_current_user(GetCurrentUserRequest {})
        .await
        .unwrap()
        .into_inner();
    let get = only_request_since(&stack, start);
    assert_eq!(route(&get), "GET /users/@me");
    judge_response(&get);
    let user = me.user.unwrap();
    assert_eq!((user.id, user.bot, user.verified), (BOT, true, true));
    assert_eq!(
        serde_json::from_str::<Value>(&me.json).unwrap(),
        get.response.clone().unwrap()
    );

    stack
        .emulator
        .add_fault(
            json!({"method": "GET", "route": "/users/@me", "status": 403, "count": 1,
                          "body": {"message": "Missing Access", "code": 50001}}),
        )
        .unwrap();
    let status = client
        .get_current_user(GetCurrentUserRequest {})
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::PermissionDenied);
    assert_eq!(
        details(&status),
        json!({"type": "HTTPException", "status": 403, "code": 50001, "text": "Missing Access"})
    );

    let start = skip(&stack);
    let alice = client
        .get_user(GetUserRequest { user_id: ALICE })
        .await
        .unwrap()
        .into_inner();
    let get = only_request_since(&stack, start);
    assert_eq!(route(&get), format!("GET /users/{ALICE}"));
    judge_response(&get);
    assert_eq!(alice.user.unwrap().username, "alice");
    let status = client
        .get_user(GetUserRequest {
            user_id: UNKNOWN_USER,
        })
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::NotFound);
    assert_eq!(
        details(&status),
        json!({"type": "HTTPException", "status": 404, "code": 10013, "text": "Unknown User"})
    );
    let start = skip(&stack);
    let status = client
        .get_user(GetUserRequest { user_id: 0 })
        .await
        .unwrap_err();
    assert!(plain_text(&status).starts_with("user_id "));
    assert!(requests_since(&stack, start).is_empty());

    let start = skip(&stack);
    let dm = client
        .create_dm(CreateDmRequest {
            recipient_id: ALICE,
        })
        .await
        .unwrap()
        .into_inner();
    let post = only_request_since(&stack, start);
    assert_eq!(route(&post), "POST /users/@me/channels");
    assert_eq!(
        judge_body(&post),
        json!({"recipient_id": ALICE.to_string()})
    );
    judge_response(&post);
    let channel = dm.channel.unwrap();
    assert_eq!(channel.discord_type, 1);
    let again = client
        .create_dm(CreateDmRequest {
            recipient_id: ALICE,
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(again.channel.unwrap().id, channel.id);
    let status = client
        .create_dm(CreateDmRequest {
            recipient_id: UNKNOWN_USER,
        })
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::InvalidArgument);
    assert_eq!(
        details(&status),
        json!({"type": "HTTPException", "status": 400, "code": 50033, "text": "Invalid Recipient(s)"})
    );

    let start = skip(&stack);
    let guilds = client
        .get_current_user_guilds(GetCurrentUserGuildsRequest {
            limit: Some(10),
            with_counts: true,
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    let get = only_request_since(&stack, start);
    assert_eq!(route(&get), "GET /users/@me/guilds");
    assert_eq!(get.query, "limit=10&with_counts=true");
    judge_response(&get);
    let guild = &guilds.guilds[0];
    assert_eq!((guild.id, guild.owner), (GUILD, false));
    assert_eq!(guild.approximate_member_count, 3);
    assert!(!guild.permissions.is_empty());
    let start = skip(&stack);
    let status = client
        .get_current_user_guilds(GetCurrentUserGuildsRequest {
            limit: Some(201),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::InvalidArgument);
    let text = details(&status)["text"].as_str().unwrap().to_owned();
    assert!(
        text.contains("In limit: int value should be less than or equal to 200."),
        "{text}"
    );
    assert!(requests_since(&stack, start).is_empty());
    let start = skip(&stack);
    let status = client
        .get_current_user_guilds(GetCurrentUserGuildsRequest {
            before: 5,
            after: 1,
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert!(plain_text(&status).contains("before"));
    assert!(requests_since(&stack, start).is_empty());
    stack.stop().await;
}
