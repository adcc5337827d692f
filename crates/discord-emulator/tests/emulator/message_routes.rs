//! The single-message routes over HTTP: get, list (cursors and `limit`), edit and delete,
//! each success and each of Discord's error answers.

use serde_json::{Value, json};

use crate::support::{
    ALICE, Api, BOT, GENERAL, READ_ONLY, STAFF_ONLY, assert_error, form_code, ids_of,
};

#[tokio::test]
async fn get_returns_the_stored_message_or_discords_errors() {
    let api = Api::start().await;
    let sent = api.send(GENERAL, json!({"content": "hello"})).await;
    let id = sent["id"].as_str().unwrap();
    let reply = api
        .call("GET", &format!("/channels/{GENERAL}/messages/{id}"), None)
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(reply.json, sent);

    let unknown = api
        .call("GET", &format!("/channels/{GENERAL}/messages/1"), None)
        .await;
    assert_error(&unknown, 404, 10008, "Unknown Message");
    // A message of another channel is unknown in this one.
    let other = api
        .call("GET", &format!("/channels/{READ_ONLY}/messages/{id}"), None)
        .await;
    assert_error(&other, 404, 10008, "Unknown Message");
    let channel = api
        .call("GET", &format!("/channels/1/messages/{id}"), None)
        .await;
    assert_error(&channel, 404, 10003, "Unknown Channel");
    let hidden = api
        .call(
            "GET",
            &format!("/channels/{STAFF_ONLY}/messages/{id}"),
            None,
        )
        .await;
    assert_error(&hidden, 403, 50001, "Missing Access");
    let malformed = api
        .call("GET", &format!("/channels/{GENERAL}/messages/abc"), None)
        .await;
    assert_eq!(
        form_code(&malformed, "/message_id"),
        json!("NUMBER_TYPE_COERCE")
    );
}

#[tokio::test]
async fn lists_are_newest_first_with_before_after_around_and_limit() {
    let api = Api::start().await;
    let mut ids = Vec::new();
    for n in 0..7 {
        ids.push(api.say(GENERAL, &format!("m{n}")).await);
    }
    let list = |query: String| {
        let api = &api;
        async move {
            let reply = api
                .call("GET", &format!("/channels/{GENERAL}/messages{query}"), None)
                .await;
            assert_eq!(reply.status, 200, "{}", reply.text);
            ids_of(&reply.json)
        }
    };
    let newest_first: Vec<String> = ids.iter().rev().cloned().collect();
    assert_eq!(list(String::new()).await, newest_first);
    assert_eq!(list("?limit=2".into()).await, newest_first[..2]);
    assert_eq!(
        list(format!("?before={}&limit=2", ids[3])).await,
        [ids[2].clone(), ids[1].clone()]
    );
    assert_eq!(
        list(format!("?after={}&limit=2", ids[3])).await,
        [ids[5].clone(), ids[4].clone()]
    );
    assert_eq!(
        list(format!("?around={}&limit=3", ids[3])).await,
        [ids[4].clone(), ids[3].clone(), ids[2].clone()]
    );
    assert!(list(format!("?after={}", ids[6])).await.is_empty());

    for (limit, code) in [
        ("0", "NUMBER_TYPE_MIN"),
        ("101", "NUMBER_TYPE_MAX"),
        ("x", "NUMBER_TYPE_COERCE"),
    ] {
        let reply = api
            .call(
                "GET",
                &format!("/channels/{GENERAL}/messages?limit={limit}"),
                None,
            )
            .await;
        assert_eq!(form_code(&reply, "/limit"), json!(code), "limit={limit}");
    }
    let reply = api
        .call(
            "GET",
            &format!("/channels/{GENERAL}/messages?before=x"),
            None,
        )
        .await;
    assert_eq!(form_code(&reply, "/before"), json!("NUMBER_TYPE_COERCE"));
    let hidden = api
        .call("GET", &format!("/channels/{STAFF_ONLY}/messages"), None)
        .await;
    assert_error(&hidden, 403, 50001, "Missing Access");
}

#[tokio::test]
async fn edits_change_content_and_mark_the_message_edited() {
    let api = Api::start().await;
    let sent = api
        .send(
            GENERAL,
            json!({"content": "first <@200000000000000001>", "embeds": [{"title": "t"}], "flags": 4}),
        )
        .await;
    let id = sent["id"].as_str().unwrap();
    let path = format!("/channels/{GENERAL}/messages/{id}");
    assert_eq!(sent["mentions"][0]["id"], json!(ALICE));
    assert_eq!(sent["author"]["id"], json!(BOT));

    let reply = api
        .call(
            "PATCH",
            &path,
            Some(json!({"content": "second @everyone", "components": [
                {"type": 1, "components": [{"type": 2, "style": 1, "label": "Go", "custom_id": "go"}]}
            ]})),
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    let edited = &reply.json;
    assert_eq!(edited["id"], sent["id"]);
    assert_eq!(edited["content"], json!("second @everyone"));
    assert_eq!(edited["mentions"], json!([]), "mentions are rebuilt");
    assert_eq!(edited["mention_everyone"], json!(true));
    assert_eq!(edited["embeds"], sent["embeds"], "absent fields stay");
    assert_eq!(edited["timestamp"], sent["timestamp"]);
    let edited_at = edited["edited_timestamp"].as_str().unwrap();
    assert!(
        edited_at >= sent["timestamp"].as_str().unwrap(),
        "{edited_at}"
    );
    assert_eq!(
        edited["components"][0]["id"],
        json!(1),
        "components get ids"
    );
    assert_eq!(edited["components"][0]["components"][0]["id"], json!(2));
    // GET sees the edit.
    let fetched = api.call("GET", &path, None).await;
    assert_eq!(&fetched.json, edited);

    // null clears; flags only toggle SUPPRESS_EMBEDS.
    let reply = api
        .call(
            "PATCH",
            &path,
            Some(json!({"embeds": null, "components": null, "flags": 0})),
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(reply.json["embeds"], json!([]));
    assert_eq!(reply.json["components"], json!([]));
    assert_eq!(reply.json["flags"], json!(0));
    let reply = api
        .call("PATCH", &path, Some(json!({"flags": 4 | 1 << 6})))
        .await;
    assert_eq!(
        reply.json["flags"],
        json!(4),
        "unsupported flags are ignored"
    );

    // An edit that leaves nothing, invalid fields, unknown messages.
    let empty = api
        .call("PATCH", &path, Some(json!({"content": null})))
        .await;
    assert_error(&empty, 400, 50006, "Cannot send an empty message");
    let long = api
        .call("PATCH", &path, Some(json!({"content": "x".repeat(2001)})))
        .await;
    assert_eq!(form_code(&long, "/content"), json!("BASE_TYPE_MAX_LENGTH"));
    let embeds: Vec<Value> = (0..11).map(|n| json!({ "title": n.to_string() })).collect();
    let many = api
        .call("PATCH", &path, Some(json!({ "embeds": embeds })))
        .await;
    assert_eq!(form_code(&many, "/embeds"), json!("BASE_TYPE_MAX_LENGTH"));
    let unknown = api
        .call(
            "PATCH",
            &format!("/channels/{GENERAL}/messages/1"),
            Some(json!({"content": "x"})),
        )
        .await;
    assert_error(&unknown, 404, 10008, "Unknown Message");
    let hidden = api
        .call(
            "PATCH",
            &format!("/channels/{STAFF_ONLY}/messages/{id}"),
            Some(json!({"content": "x"})),
        )
        .await;
    assert_error(&hidden, 403, 50001, "Missing Access");
}

#[tokio::test]
async fn other_users_messages_only_take_flag_edits() {
    let api = Api::start().await;
    let theirs = api
        .inject(
            GENERAL,
            ALICE,
            json!({"content": "see https://example.com"}),
        )
        .await;
    assert_eq!(theirs["author"]["id"], json!(ALICE));
    let id = theirs["id"].as_str().unwrap();
    let path = format!("/channels/{GENERAL}/messages/{id}");
    for body in [
        json!({"content": "mine now"}),
        json!({"embeds": []}),
        json!({"content": null, "flags": 4}),
    ] {
        let reply = api.call("PATCH", &path, Some(body)).await;
        assert_error(
            &reply,
            403,
            50005,
            "Cannot edit a message authored by another user",
        );
    }
    // MANAGE_MESSAGES (full access) lets the bot suppress their embeds; it is not an edit.
    let reply = api.call("PATCH", &path, Some(json!({"flags": 4}))).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(reply.json["flags"], json!(4));
    assert_eq!(reply.json["content"], theirs["content"]);
    assert_eq!(reply.json["edited_timestamp"], Value::Null);

    // In a read-only channel the bot lacks MANAGE_MESSAGES.
    let read_only = api.inject(READ_ONLY, ALICE, json!({"content": "hi"})).await;
    let reply = api
        .call(
            "PATCH",
            &format!(
                "/channels/{READ_ONLY}/messages/{}",
                read_only["id"].as_str().unwrap()
            ),
            Some(json!({"flags": 4})),
        )
        .await;
    assert_error(&reply, 403, 50013, "Missing Permissions");
}

#[tokio::test]
async fn deletes_answer_204_and_the_message_is_gone() {
    let api = Api::start().await;
    let first = api.say(GENERAL, "first").await;
    let second = api.say(GENERAL, "second").await;
    let reply = api
        .call(
            "DELETE",
            &format!("/channels/{GENERAL}/messages/{first}"),
            None,
        )
        .await;
    assert_eq!(reply.status, 204, "{}", reply.text);
    assert_eq!(reply.text, "");
    assert_eq!(api.ids(GENERAL).await, std::slice::from_ref(&second));
    let again = api
        .call(
            "DELETE",
            &format!("/channels/{GENERAL}/messages/{first}"),
            None,
        )
        .await;
    assert_error(&again, 404, 10008, "Unknown Message");
    let get = api
        .call(
            "GET",
            &format!("/channels/{GENERAL}/messages/{first}"),
            None,
        )
        .await;
    assert_error(&get, 404, 10008, "Unknown Message");

    // Other users' messages: fine with MANAGE_MESSAGES, not in DMs or read-only channels.
    let theirs = api.inject(GENERAL, ALICE, json!({"content": "x"})).await;
    let reply = api
        .call(
            "DELETE",
            &format!(
                "/channels/{GENERAL}/messages/{}",
                theirs["id"].as_str().unwrap()
            ),
            None,
        )
        .await;
    assert_eq!(reply.status, 204, "{}", reply.text);
    let dm = api.dm(ALICE).await;
    let in_dm = api.inject(&dm, ALICE, json!({"content": "psst"})).await;
    let reply = api
        .call(
            "DELETE",
            &format!("/channels/{dm}/messages/{}", in_dm["id"].as_str().unwrap()),
            None,
        )
        .await;
    assert_error(&reply, 403, 50003, "Cannot execute action on a DM channel");
    let own_dm = api.say(&dm, "mine").await;
    let reply = api
        .call("DELETE", &format!("/channels/{dm}/messages/{own_dm}"), None)
        .await;
    assert_eq!(reply.status, 204, "{}", reply.text);
    let read_only = api.inject(READ_ONLY, ALICE, json!({"content": "x"})).await;
    let reply = api
        .call(
            "DELETE",
            &format!(
                "/channels/{READ_ONLY}/messages/{}",
                read_only["id"].as_str().unwrap()
            ),
            None,
        )
        .await;
    assert_error(&reply, 403, 50013, "Missing Permissions");
    let hidden = api
        .call(
            "DELETE",
            &format!("/channels/{STAFF_ONLY}/messages/1"),
            None,
        )
        .await;
    assert_error(&hidden, 403, 50001, "Missing Access");
    let channel = api
        .call("DELETE", &format!("/channels/1/messages/{second}"), None)
        .await;
    assert_error(&channel, 404, 10003, "Unknown Channel");
    assert_eq!(api.ids(GENERAL).await, [second]);
    assert!(api.ids(&dm).await.iter().all(|id| id != &own_dm));
}
