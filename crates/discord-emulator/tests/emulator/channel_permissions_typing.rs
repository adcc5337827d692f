//! Permission overwrites (`PUT` / `DELETE /channels/{id}/permissions/{overwrite_id}`) and the
//! typing indicator (`POST /channels/{id}/typing`) over HTTP: the stored overwrites, Discord's
//! errors, the audit-log reason in the request log, the CHANNEL_UPDATE and TYPING_START events
//! (by intents) and the routes' rate-limit buckets.

use crate::gateway_support::Session;
use crate::support::{
    ALICE, Api, BOT, GENERAL, GUILD, READ_ONLY, STAFF_ONLY, assert_error, form_code,
};
use discord_emulator::gateway::intents;
use discord_emulator::{Emulator, Options};
use serde_json::{Value, json};

fn permissions(channel: &str, overwrite: &str) -> String {
    format!("/channels/{channel}/permissions/{overwrite}")
}

async fn overwrites(api: &Api, channel: &str) -> Value {
    let reply = api.call("GET", &format!("/channels/{channel}"), None).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    reply.json["permission_overwrites"].clone()
}

#[tokio::test]
async fn put_stores_or_replaces_an_overwrite_and_delete_removes_it() {
    let api = Api::start().await;
    let mut guilds = Session::identify(&api.emulator, intents::GUILDS).await;
    guilds.expect("GUILD_CREATE").await;

    let reply = api
        .call_with(
            "PUT",
            &permissions(GENERAL, ALICE),
            Some(json!({"type": 1, "allow": "1024", "deny": "2048"})),
            &[("X-Audit-Log-Reason", "let%20alice%20read")],
        )
        .await;
    assert_eq!((reply.status, reply.text.as_str()), (204, ""));
    let update = guilds.expect("CHANNEL_UPDATE").await;
    assert_eq!(update["id"], json!(GENERAL));
    let expected = json!([{"id": ALICE, "type": 1, "allow": "1024", "deny": "2048"}]);
    assert_eq!(update["permission_overwrites"], expected);
    assert_eq!(overwrites(&api, GENERAL).await, expected);
    let logged = api
        .emulator
        .requests()
        .into_iter()
        .find(|request| request.method == "PUT")
        .unwrap();
    assert_eq!(logged.audit_log_reason.as_deref(), Some("let alice read"));

    // A role overwrite (integers accepted), then the member's replaced in place.
    let reply = api
        .call(
            "PUT",
            &permissions(GENERAL, GUILD),
            Some(json!({"type": 0, "deny": 1024})),
        )
        .await;
    assert_eq!(reply.status, 204, "{}", reply.text);
    let reply = api
        .call(
            "PUT",
            &permissions(GENERAL, ALICE),
            Some(json!({"type": 1})),
        )
        .await;
    assert_eq!(reply.status, 204, "{}", reply.text);
    assert_eq!(
        overwrites(&api, GENERAL).await,
        json!([{"id": ALICE, "type": 1, "allow": "0", "deny": "0"},
               {"id": GUILD, "type": 0, "allow": "0", "deny": "1024"}])
    );
    guilds.expect("CHANNEL_UPDATE").await;
    guilds.expect("CHANNEL_UPDATE").await;

    let reply = api.call("DELETE", &permissions(GENERAL, ALICE), None).await;
    assert_eq!((reply.status, reply.text.as_str()), (204, ""));
    let update = guilds.expect("CHANNEL_UPDATE").await;
    assert_eq!(
        update["permission_overwrites"],
        json!([{"id": GUILD, "type": 0, "allow": "0", "deny": "1024"}])
    );
    // Deleting it again: Discord's Unknown Overwrite.
    let reply = api.call("DELETE", &permissions(GENERAL, ALICE), None).await;
    assert_error(&reply, 404, 10009, "Unknown Overwrite");
}

#[tokio::test]
async fn overwrite_errors_are_discords() {
    let api = Api::start().await;
    let reply = api
        .call(
            "PUT",
            &permissions(GENERAL, ALICE),
            Some(json!({"allow": "x"})),
        )
        .await;
    assert_eq!(form_code(&reply, "/type"), json!("BASE_TYPE_REQUIRED"));
    assert_eq!(form_code(&reply, "/allow"), json!("NUMBER_TYPE_COERCE"));
    let reply = api
        .call(
            "PUT",
            &permissions(GENERAL, ALICE),
            Some(json!({"type": 2})),
        )
        .await;
    assert_eq!(form_code(&reply, "/type"), json!("BASE_TYPE_CHOICES"));
    let body = Some(json!({"type": 1}));
    let reply = api
        .call(
            "PUT",
            &permissions("400000000000000999", ALICE),
            body.clone(),
        )
        .await;
    assert_error(&reply, 404, 10003, "Unknown Channel");
    let reply = api
        .call("PUT", &permissions(STAFF_ONLY, ALICE), body.clone())
        .await;
    assert_error(&reply, 403, 50001, "Missing Access");
    let reply = api
        .call("PUT", &permissions(READ_ONLY, ALICE), body.clone())
        .await;
    assert_error(&reply, 403, 50013, "Missing Permissions");
    let dm = api.dm(ALICE).await;
    let reply = api.call("PUT", &permissions(&dm, ALICE), body).await;
    assert_error(&reply, 403, 50003, "Cannot execute action on a DM channel");
    let reply = api
        .call("DELETE", &permissions(STAFF_ONLY, ALICE), None)
        .await;
    assert_error(&reply, 403, 50001, "Missing Access");
    let reply = api.call("DELETE", &permissions(GENERAL, "abc"), None).await;
    assert_eq!(
        form_code(&reply, "/overwrite_id"),
        json!("NUMBER_TYPE_COERCE")
    );
}

#[tokio::test]
async fn typing_answers_204_and_dispatches_typing_start_by_intents() {
    let api = Api::start().await;
    let mut typing = Session::identify(&api.emulator, intents::GUILD_MESSAGE_TYPING).await;
    let mut dm_typing = Session::identify(&api.emulator, intents::DIRECT_MESSAGE_TYPING).await;

    let reply = api
        .call("POST", &format!("/channels/{GENERAL}/typing"), None)
        .await;
    assert_eq!((reply.status, reply.text.as_str()), (204, ""));
    let d = typing.expect("TYPING_START").await;
    assert_eq!(
        (&d["channel_id"], &d["guild_id"], &d["user_id"]),
        (&json!(GENERAL), &json!(GUILD), &json!(BOT))
    );
    assert!(d["timestamp"].as_u64().unwrap() > 1_700_000_000, "{d}");
    assert_eq!(d["member"]["user"]["id"], json!(BOT));

    let dm = api.dm(ALICE).await;
    let reply = api
        .call("POST", &format!("/channels/{dm}/typing"), None)
        .await;
    assert_eq!(reply.status, 204, "{}", reply.text);
    let d = dm_typing.expect("TYPING_START").await;
    assert_eq!(d["channel_id"], json!(dm));
    assert!(
        d.get("guild_id").is_none() && d.get("member").is_none(),
        "{d}"
    );
    // The guild-only session got nothing for the DM; the DM session nothing for the guild.
    let reply = api
        .call("POST", &format!("/channels/{GENERAL}/typing"), None)
        .await;
    assert_eq!(reply.status, 204);
    assert_eq!(
        typing.expect("TYPING_START").await["channel_id"],
        json!(GENERAL)
    );

    for (channel, status, code, message) in [
        ("400000000000000999", 404, 10003, "Unknown Channel"),
        (STAFF_ONLY, 403, 50001, "Missing Access"),
        (READ_ONLY, 403, 50013, "Missing Permissions"),
    ] {
        let reply = api
            .call("POST", &format!("/channels/{channel}/typing"), None)
            .await;
        assert_error(&reply, status, code, message);
    }
}

#[tokio::test]
async fn the_channel_routes_have_their_buckets() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let emulator = Emulator::start(listener, Options::default()).await.unwrap();
    let http = reqwest::Client::new();
    let send = |method: &str, path: String, body: Option<Value>| {
        let mut request = http
            .request(
                method.parse().unwrap(),
                format!("{}{path}", emulator.api_base_url()),
            )
            .header("Authorization", format!("Bot {}", emulator.token()));
        if let Some(body) = body {
            request = request.json(&body);
        }
        request.send()
    };
    let typing = send("POST", format!("/channels/{GENERAL}/typing"), None)
        .await
        .unwrap();
    assert_eq!(typing.status(), 204);
    assert_eq!(typing.headers()["x-ratelimit-limit"].to_str().unwrap(), "5");
    let put = send("PUT", permissions(GENERAL, ALICE), Some(json!({"type": 1})))
        .await
        .unwrap();
    assert_eq!(put.status(), 204);
    let delete = send("DELETE", permissions(GENERAL, ALICE), None)
        .await
        .unwrap();
    assert_eq!(delete.status(), 204);
    let bucket = |response: &reqwest::Response| {
        response.headers()["x-ratelimit-bucket"]
            .to_str()
            .unwrap()
            .to_owned()
    };
    assert_eq!(
        bucket(&put),
        bucket(&delete),
        "one shared bucket `permissions`"
    );
    assert_eq!(
        delete.headers()["x-ratelimit-remaining"].to_str().unwrap(),
        "8"
    );
    let modify = send(
        "PATCH",
        format!("/channels/{GENERAL}"),
        Some(json!({"name": "g"})),
    )
    .await
    .unwrap();
    assert_eq!(modify.status(), 200);
    assert_eq!(
        modify.headers()["x-ratelimit-limit"].to_str().unwrap(),
        "10"
    );
}
