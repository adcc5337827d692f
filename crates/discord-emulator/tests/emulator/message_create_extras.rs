//! What message creates do with replies (`message_reference`), `allowed_mentions`, `tts`,
//! `flags`, `sticker_ids`, `embeds` and `components`, over HTTP; and the control route that
//! writes messages of other users.

use discord_emulator::config::RateLimits;
use discord_emulator::{Fixture, Options};
use serde_json::{Value, json};

use crate::support::{ALICE, Api, BOT, CAROL, GENERAL, GUILD, VOICE, assert_error, form_code};

#[tokio::test]
async fn replies_reference_the_message_and_ping_its_author() {
    let api = Api::start().await;
    let original = api
        .inject(GENERAL, ALICE, json!({"content": "question?"}))
        .await;
    let original_id = original["id"].as_str().unwrap();
    let reply = api
        .send(
            GENERAL,
            json!({"content": "answer", "message_reference": {"message_id": original_id}}),
        )
        .await;
    assert_eq!(reply["type"], json!(19));
    assert_eq!(
        reply["message_reference"],
        json!({"type": 0, "channel_id": GENERAL, "message_id": original_id, "guild_id": GUILD})
    );
    assert_eq!(reply["referenced_message"], original);
    assert_eq!(
        reply["mentions"][0]["id"],
        json!(ALICE),
        "the author is pinged"
    );

    // replied_user false (the default once allowed_mentions is sent) does not ping.
    let quiet = api
        .send(
            GENERAL,
            json!({"content": "shh", "message_reference": {"message_id": original_id, "channel_id": GENERAL},
                   "allowed_mentions": {"parse": []}}),
        )
        .await;
    assert_eq!(quiet["mentions"], json!([]));
    let loud = api
        .send(
            GENERAL,
            json!({"content": "hey", "message_reference": {"message_id": original_id},
                   "allowed_mentions": {"parse": [], "replied_user": true}}),
        )
        .await;
    assert_eq!(loud["mentions"][0]["id"], json!(ALICE));

    // referenced_message follows edits and becomes null once the message is deleted.
    let reply_path = format!(
        "/channels/{GENERAL}/messages/{}",
        reply["id"].as_str().unwrap()
    );
    let original_path = format!("/channels/{GENERAL}/messages/{original_id}");
    let edited = api
        .call("PATCH", &original_path, Some(json!({"flags": 4})))
        .await;
    assert_eq!(edited.status, 200, "{}", edited.text);
    let fetched = api.call("GET", &reply_path, None).await;
    assert_eq!(fetched.json["referenced_message"]["flags"], json!(4));
    let deleted = api.call("DELETE", &original_path, None).await;
    assert_eq!(deleted.status, 204);
    let fetched = api.call("GET", &reply_path, None).await;
    assert_eq!(fetched.json["referenced_message"], Value::Null);
    assert_eq!(
        fetched.json["message_reference"]["message_id"],
        json!(original_id)
    );
}

#[tokio::test]
async fn reply_errors_are_form_errors_on_message_reference() {
    let api = Api::start().await;
    let elsewhere = api.say(VOICE, "in another channel").await;
    let path = format!("/channels/{GENERAL}/messages");
    let send = |reference: Value| {
        api.call(
            "POST",
            &path,
            Some(json!({"content": "re", "message_reference": reference})),
        )
    };
    let reply = send(json!({"message_id": elsewhere})).await;
    assert_eq!(
        form_errors_at(&reply),
        json!({"_errors": [{"code": "REPLIES_UNKNOWN_MESSAGE", "message": "Unknown message"}]})
    );
    let reply = send(json!({"message_id": elsewhere, "channel_id": VOICE})).await;
    assert_eq!(
        form_code(&reply, "/message_reference"),
        json!("REPLIES_CANNOT_REFERENCE_OTHER_CHANNEL")
    );
    let reply = send(json!({"message_id": "x"})).await;
    assert_eq!(
        form_code(&reply, "/message_reference/message_id"),
        json!("NUMBER_TYPE_COERCE")
    );
    let reply = send(json!({"channel_id": GENERAL})).await;
    assert_eq!(
        form_code(&reply, "/message_reference/message_id"),
        json!("BASE_TYPE_REQUIRED")
    );
    // fail_if_not_exists: false sends a normal message instead.
    let reply = send(json!({"message_id": elsewhere, "fail_if_not_exists": false})).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(reply.json["type"], json!(0));
    assert!(reply.json.get("message_reference").is_none());
    assert!(reply.json.get("referenced_message").is_none());
}

/// The `errors.message_reference` of a 50035 answer.
fn form_errors_at(reply: &crate::support::Reply) -> Value {
    crate::support::form_errors(reply)["message_reference"].clone()
}

#[tokio::test]
async fn flags_tts_allowed_mentions_embeds_and_components() {
    let api = Api::start().await;
    let post = |body: Value| api.create(GENERAL, body);
    let message = post(json!({"content": "quiet", "flags": 4 | 4096, "tts": true})).await;
    assert_eq!(message.status, 200, "{}", message.text);
    assert_eq!(message.json["flags"], json!(4 | 4096));
    assert_eq!(message.json["tts"], json!(true));
    for flags in [1, 2, 64, 128] {
        let reply = post(json!({"content": "x", "flags": flags})).await;
        assert_eq!(
            form_code(&reply, "/flags"),
            json!("MESSAGE_FLAGS_INVALID"),
            "{flags}"
        );
    }
    let reply = post(json!({"content": "x", "tts": "yes"})).await;
    assert_eq!(form_code(&reply, "/tts"), json!("BASE_TYPE_BOOLEAN"));

    let content = format!("<@{ALICE}> <@{CAROL}> @everyone");
    let reply = post(json!({"content": content, "allowed_mentions": {"users": [CAROL]}})).await;
    assert_eq!(reply.json["mentions"].as_array().unwrap().len(), 1);
    assert_eq!(reply.json["mentions"][0]["id"], json!(CAROL));
    assert_eq!(reply.json["mention_everyone"], json!(false));
    let ids: Vec<String> = (0..101).map(|n| (n + 1).to_string()).collect();
    let reply = post(json!({"content": "x", "allowed_mentions": {"roles": ids}})).await;
    assert_eq!(
        form_code(&reply, "/allowed_mentions/roles"),
        json!("BASE_TYPE_MAX_LENGTH")
    );
    let reply = post(json!({"content": "x", "allowed_mentions": {"replied_user": "no"}})).await;
    assert_eq!(
        form_code(&reply, "/allowed_mentions/replied_user"),
        json!("BASE_TYPE_BOOLEAN")
    );
    let reply =
        post(json!({"content": "x", "allowed_mentions": {"parse": ["users"], "users": [ALICE]}}))
            .await;
    assert_eq!(
        form_code(&reply, "/allowed_mentions/users"),
        json!("SET_TYPE_ALREADY_CONTAINS_VALUE")
    );

    let embeds: Vec<Value> = (0..10).map(|n| json!({ "title": n.to_string() })).collect();
    let reply = post(json!({ "embeds": embeds })).await;
    assert_eq!(reply.json["embeds"].as_array().unwrap().len(), 10);
    let embeds: Vec<Value> = (0..11).map(|n| json!({ "title": n.to_string() })).collect();
    let reply = post(json!({ "embeds": embeds })).await;
    assert_eq!(form_code(&reply, "/embeds"), json!("BASE_TYPE_MAX_LENGTH"));

    let components = json!([{"type": 1, "components": [
        {"type": 2, "style": 1, "label": "A", "custom_id": "a"},
        {"type": 2, "style": 5, "label": "Docs", "url": "https://discord.com", "id": 7}
    ]}]);
    let reply = post(json!({ "components": components })).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    let echoed = &reply.json["components"];
    assert_eq!(echoed[0]["id"], json!(1));
    assert_eq!(echoed[0]["components"][0]["id"], json!(2));
    assert_eq!(echoed[0]["components"][1]["id"], json!(7));
    assert_eq!(
        echoed[0]["components"][1]["url"],
        json!("https://discord.com")
    );
    let id = reply.json["id"].as_str().unwrap();
    let fetched = api
        .call("GET", &format!("/channels/{GENERAL}/messages/{id}"), None)
        .await;
    assert_eq!(&fetched.json["components"], echoed, "stored as echoed");
}

#[tokio::test]
async fn stickers_must_be_the_guilds() {
    let mut fixture: Value =
        serde_json::from_str(include_str!("../../fixtures/default.json")).unwrap();
    fixture["guilds"][0]["stickers"] = json!([
        {"id": "600000000000000001", "name": "wave", "format_type": 1, "type": 2,
         "description": null, "tags": "wave", "available": true, "guild_id": GUILD}
    ]);
    let mut options = Options::new(Fixture::from_json(&fixture.to_string()).unwrap());
    options.rate_limits.mode = RateLimits::Off;
    let api = Api::with(options).await;
    let post = |body: Value| api.create(GENERAL, body);
    let reply = post(json!({"sticker_ids": ["600000000000000001"]})).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(
        reply.json["sticker_items"],
        json!([{"id": "600000000000000001", "name": "wave", "format_type": 1}])
    );
    assert_eq!(reply.json["content"], json!(""));
    let reply = post(json!({"content": "x", "sticker_ids": ["600000000000000002"]})).await;
    assert_error(&reply, 400, 50081, "Invalid sticker sent");
    let reply = post(json!({"sticker_ids": ["1", "2", "3", "4"]})).await;
    assert_eq!(
        form_code(&reply, "/sticker_ids"),
        json!("BASE_TYPE_MAX_LENGTH")
    );
    let reply = post(json!({"sticker_ids": ["a"]})).await;
    assert_eq!(
        form_code(&reply, "/sticker_ids/0"),
        json!("NUMBER_TYPE_COERCE")
    );
}

#[tokio::test]
async fn the_control_api_writes_messages_of_other_users() {
    let api = Api::start().await;
    let message = api
        .inject(
            GENERAL,
            ALICE,
            json!({"content": "hi <@100000000000000001>"}),
        )
        .await;
    assert_eq!(message["author"]["username"], json!("alice"));
    assert_eq!(message["mentions"][0]["id"], json!(BOT));
    assert_eq!(api.ids(GENERAL).await, [message["id"].as_str().unwrap()]);
    let (status, answer) = api
        .inject_raw(GENERAL, json!({"author_id": "9", "content": "x"}))
        .await;
    assert_eq!(status, 400, "{answer}");
    assert!(answer["error"].as_str().unwrap().contains("author_id"));
    let (status, answer) = api.inject_raw(GENERAL, json!({"author_id": ALICE})).await;
    assert_eq!(status, 400, "{answer}");
    assert!(
        answer["error"].as_str().unwrap().contains("50006"),
        "{answer}"
    );
    let (status, _) = api
        .inject_raw("1", json!({"author_id": ALICE, "content": "x"}))
        .await;
    assert_eq!(status, 404);
    // In a DM only the recipient (or the bot) writes.
    let dm = api.dm(ALICE).await;
    let (status, _) = api
        .inject_raw(&dm, json!({"author_id": CAROL, "content": "x"}))
        .await;
    assert_eq!(status, 400);
}
