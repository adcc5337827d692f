//! Guild bans over HTTP: ban (with message deletion), list with cursors, get, unban, bulk ban;
//! Discord's errors (10026, 10013, 50013 for the owner and the hierarchy, 500000, 50035) and
//! the gateway events (GUILD_BAN_ADD/REMOVE need GUILD_MODERATION, GUILD_MEMBER_REMOVE needs
//! GUILD_MEMBERS); twilight-http parses every answer.

use discord_emulator::gateway::intents;
use serde_json::{Value, json};
use twilight_http::Client;
use twilight_model::id::Id;
use twilight_model::id::marker::{GuildMarker, UserMarker};

use crate::gateway_support::Session;
use crate::support::{ALICE, Api, BOT, CAROL, GENERAL, GUILD, assert_error, form_code};

const BOB: &str = "200000000000000002";
const DAVE: &str = "200000000000000004";

fn user_ids(list: &Value) -> Vec<String> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|ban| ban["user"]["id"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn bans_are_made_listed_read_and_lifted() {
    let api = Api::start().await;
    let base = format!("/guilds/{GUILD}/bans");
    let carol_message = api.inject(GENERAL, CAROL, json!({"content": "spam"})).await;
    let banned = api
        .call_with(
            "PUT",
            &format!("{base}/{CAROL}"),
            Some(json!({"delete_message_seconds": 3600})),
            &[("X-Audit-Log-Reason", "spam%20bot")],
        )
        .await;
    assert_eq!(banned.status, 204, "{}", banned.text);
    let member = api
        .call("GET", &format!("/guilds/{GUILD}/members/{CAROL}"), None)
        .await;
    assert_error(&member, 404, 10007, "Unknown Member");
    let gone = api
        .call(
            "GET",
            &format!(
                "/channels/{GENERAL}/messages/{}",
                carol_message["id"].as_str().unwrap()
            ),
            None,
        )
        .await;
    assert_error(&gone, 404, 10008, "Unknown Message");
    let ban = api.call("GET", &format!("{base}/{CAROL}"), None).await;
    assert_eq!(ban.json["reason"], json!("spam bot"));
    assert_eq!(ban.json["user"]["id"], json!(CAROL));
    for user in [BOB, DAVE] {
        assert_eq!(
            api.call("PUT", &format!("{base}/{user}"), None)
                .await
                .status,
            204
        );
    }
    let all = api.call("GET", &base, None).await;
    assert_eq!(user_ids(&all.json), [BOB, CAROL, DAVE]);
    let after = api
        .call("GET", &format!("{base}?after={BOB}&limit=1"), None)
        .await;
    assert_eq!(user_ids(&after.json), [CAROL]);
    let before = api
        .call("GET", &format!("{base}?before={DAVE}&limit=1"), None)
        .await;
    assert_eq!(user_ids(&before.json), [CAROL]);
    assert_eq!(
        api.call("DELETE", &format!("{base}/{CAROL}"), None)
            .await
            .status,
        204
    );
    assert_error(
        &api.call("GET", &format!("{base}/{CAROL}"), None).await,
        404,
        10026,
        "Unknown Ban",
    );
    assert_error(
        &api.call("DELETE", &format!("{base}/{CAROL}"), None).await,
        404,
        10026,
        "Unknown Ban",
    );
    let bulk = api
        .call(
            "POST",
            &format!("/guilds/{GUILD}/bulk-ban"),
            Some(json!({"user_ids": [CAROL, BOB, ALICE]})),
        )
        .await;
    assert_eq!(bulk.status, 200, "{}", bulk.text);
    assert_eq!(
        bulk.json,
        json!({"banned_users": [CAROL], "failed_users": [BOB, ALICE]})
    );
    let nobody = api
        .call(
            "POST",
            &format!("/guilds/{GUILD}/bulk-ban"),
            Some(json!({"user_ids": [CAROL]})),
        )
        .await;
    assert_error(&nobody, 400, 500000, "Failed to ban users");
}

#[tokio::test]
async fn ban_errors_are_discords() {
    let api = Api::start().await;
    let base = format!("/guilds/{GUILD}/bans");
    let owner = api.call("PUT", &format!("{base}/{ALICE}"), None).await;
    assert_error(&owner, 403, 50013, "Missing Permissions");
    let itself = api.call("PUT", &format!("{base}/{BOT}"), None).await;
    assert_error(&itself, 403, 50013, "Missing Permissions");
    let unknown = api
        .call("PUT", &format!("{base}/200000000000000099"), None)
        .await;
    assert_error(&unknown, 404, 10013, "Unknown User");
    let long = api
        .call(
            "PUT",
            &format!("{base}/{CAROL}"),
            Some(json!({"delete_message_seconds": 604801})),
        )
        .await;
    assert_eq!(
        form_code(&long, "/delete_message_seconds"),
        json!("NUMBER_TYPE_MAX")
    );
    let limit = api.call("GET", &format!("{base}?limit=1001"), None).await;
    assert_eq!(form_code(&limit, "/limit"), json!("NUMBER_TYPE_MAX"));
    let too_many: Vec<String> = (0..201)
        .map(|i| (200000000000001000_u64 + i).to_string())
        .collect();
    let bulk = api
        .call(
            "POST",
            &format!("/guilds/{GUILD}/bulk-ban"),
            Some(json!({"user_ids": too_many})),
        )
        .await;
    assert_eq!(form_code(&bulk, "/user_ids"), json!("BASE_TYPE_MAX_LENGTH"));
    let missing = api
        .call(
            "POST",
            &format!("/guilds/{GUILD}/bulk-ban"),
            Some(json!({})),
        )
        .await;
    assert_eq!(
        form_code(&missing, "/user_ids"),
        json!("BASE_TYPE_REQUIRED")
    );
}

#[tokio::test]
async fn bans_cause_gateway_events_with_their_intents() {
    let api = Api::start().await;
    let mut moderation = Session::identify(&api.emulator, intents::GUILD_MODERATION).await;
    let mut members =
        Session::identify(&api.emulator, intents::GUILDS | intents::GUILD_MEMBERS).await;
    members.expect("GUILD_CREATE").await;
    api.call("PUT", &format!("/guilds/{GUILD}/bans/{CAROL}"), None)
        .await;
    let removed = members.expect("GUILD_MEMBER_REMOVE").await;
    assert_eq!(removed["user"]["id"], json!(CAROL));
    let added = moderation.expect("GUILD_BAN_ADD").await;
    assert_eq!(
        added,
        json!({"guild_id": GUILD, "user": added["user"].clone()})
    );
    assert_eq!(added["user"]["id"], json!(CAROL));
    api.call("DELETE", &format!("/guilds/{GUILD}/bans/{CAROL}"), None)
        .await;
    let lifted = moderation.expect("GUILD_BAN_REMOVE").await;
    assert_eq!(lifted["user"]["id"], json!(CAROL));
    // The member session got no ban event: its next event is the next member change.
    api.call(
        "PUT",
        &format!("/guilds/{GUILD}/members/{DAVE}"),
        Some(json!({"access_token": "sandbox-oauth-dave"})),
    )
    .await;
    members.expect("GUILD_MEMBER_ADD").await;
}

#[tokio::test]
async fn twilight_bans_lists_reads_lifts_and_bulk_bans() {
    const GUILD_ID: Id<GuildMarker> = Id::new(300000000000000001);
    const CAROL_ID: Id<UserMarker> = Id::new(200000000000000003);
    const BOB_ID: Id<UserMarker> = Id::new(200000000000000002);
    let api = Api::start().await;
    let client = Client::builder()
        .proxy(api.emulator.local_addr().to_string(), true)
        .token(api.emulator.token().to_owned())
        .build();
    use twilight_http::request::AuditLogReason as _;
    client
        .create_ban(GUILD_ID, CAROL_ID)
        .delete_message_seconds(60)
        .reason("judge")
        .await
        .unwrap();
    let ban = client
        .ban(GUILD_ID, CAROL_ID)
        .await
        .unwrap()
        .model()
        .await
        .unwrap();
    assert_eq!(ban.user.id, CAROL_ID);
    assert_eq!(ban.reason.as_deref(), Some("judge"));
    let bans = client
        .bans(GUILD_ID)
        .limit(10)
        .await
        .unwrap()
        .models()
        .await
        .unwrap();
    assert_eq!(bans.len(), 1);
    client.delete_ban(GUILD_ID, CAROL_ID).await.unwrap();
    let gone = client.ban(GUILD_ID, CAROL_ID).await.unwrap_err();
    assert!(gone.to_string().contains("10026"), "{gone}");
    let bulk = client
        .bulk_guild_ban(GUILD_ID, &[CAROL_ID, BOB_ID])
        .await
        .unwrap()
        .model()
        .await
        .unwrap();
    assert_eq!(bulk.banned_users, [CAROL_ID, BOB_ID]);
    assert!(bulk.failed_users.is_empty());
}
