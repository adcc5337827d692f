//! Incoming webhooks over HTTP: create, list (channel and guild), get, modify, delete with the
//! bot token; execute (wait or 204, `username` override, files, `thread_id`) and the webhook
//! message routes with the webhook token and no `Authorization`; Discord's errors (10015,
//! 50027, 50013, 30007, 50035 name rules, 10008 for another author's message) and the gateway
//! events (WEBHOOKS_UPDATE needs GUILD_WEBHOOKS, MESSAGE_CREATE of executed messages).

use discord_emulator::gateway::intents;
use serde_json::{Value, json};

use crate::gateway_support::Session;
use crate::message_files::{BOUNDARY, multipart};
use crate::support::{Api, BOT, GENERAL, GUILD, READ_ONLY, Reply, assert_error, form_code};

/// `method /api/v10{path}` without any `Authorization`, with a JSON or multipart body.
async fn anonymous(api: &Api, method: &str, path: &str, body: Option<Value>) -> Reply {
    let mut request = reqwest::Client::new().request(
        method.parse().unwrap(),
        format!("{}{path}", api.emulator.api_base_url()),
    );
    if let Some(body) = body {
        request = request.json(&body);
    }
    reply(request).await
}

async fn reply(request: reqwest::RequestBuilder) -> Reply {
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let text = response.text().await.unwrap();
    let json = serde_json::from_str(&text).unwrap_or(Value::Null);
    Reply {
        status,
        headers,
        text,
        json,
    }
}

/// Creates a webhook named `name` in GENERAL; returns (id, token).
async fn create(api: &Api, name: &str) -> (String, String) {
    let created = api
        .post(
            format!("/channels/{GENERAL}/webhooks"),
            json!({"name": name}),
        )
        .await;
    assert_eq!(created.status, 200, "{}", created.text);
    (
        created.json["id"].as_str().unwrap().to_owned(),
        created.json["token"].as_str().unwrap().to_owned(),
    )
}

#[tokio::test]
async fn webhooks_are_created_listed_modified_and_deleted() {
    let api = Api::start().await;
    let created = api
        .post(
            format!("/channels/{GENERAL}/webhooks"),
            json!({"name": "Alerts", "avatar": "data:image/png;base64,iVBORw0KGgo="}),
        )
        .await;
    assert_eq!(created.status, 200, "{}", created.text);
    let webhook = &created.json;
    assert_eq!(webhook["type"], json!(1));
    assert_eq!(webhook["name"], json!("Alerts"));
    assert_eq!(webhook["channel_id"], json!(GENERAL));
    assert_eq!(webhook["guild_id"], json!(GUILD));
    assert_eq!(webhook["user"]["id"], json!(BOT));
    assert_eq!(webhook["avatar"].as_str().unwrap().len(), 32);
    assert_eq!(webhook["token"].as_str().unwrap().len(), 68);
    let id = webhook["id"].as_str().unwrap();

    let channel = api
        .call("GET", &format!("/channels/{GENERAL}/webhooks"), None)
        .await;
    assert_eq!(channel.json.as_array().unwrap().len(), 1);
    let guild = api
        .call("GET", &format!("/guilds/{GUILD}/webhooks"), None)
        .await;
    assert_eq!(guild.json[0]["id"], json!(id));
    let got = api.call("GET", &format!("/webhooks/{id}"), None).await;
    assert_eq!(got.json, created.json);

    let modified = api
        .call(
            "PATCH",
            &format!("/webhooks/{id}"),
            Some(json!({"name": "Renamed", "avatar": null})),
        )
        .await;
    assert_eq!(modified.status, 200, "{}", modified.text);
    assert_eq!(modified.json["name"], json!("Renamed"));
    assert_eq!(modified.json["avatar"], Value::Null);

    assert_eq!(
        api.call("DELETE", &format!("/webhooks/{id}"), None)
            .await
            .status,
        204
    );
    let gone = api.call("GET", &format!("/webhooks/{id}"), None).await;
    assert_error(&gone, 404, 10015, "Unknown Webhook");
    let token = webhook["token"].as_str().unwrap();
    let execute = anonymous(
        &api,
        "POST",
        &format!("/webhooks/{id}/{token}"),
        Some(json!({"content": "x"})),
    )
    .await;
    assert_error(&execute, 404, 10015, "Unknown Webhook");
}

#[tokio::test]
async fn webhook_errors_are_discords() {
    let api = Api::start().await;
    let path = format!("/channels/{GENERAL}/webhooks");
    let long = api
        .post(path.clone(), json!({"name": "x".repeat(81)}))
        .await;
    assert_eq!(long.status, 400);
    assert_eq!(form_code(&long, "/name"), json!("BASE_TYPE_BAD_LENGTH"));
    let clyde = api.post(path.clone(), json!({"name": "Clyde bot"})).await;
    assert_eq!(
        form_code(&clyde, "/name"),
        json!("USERNAME_INVALID_CONTAINS")
    );
    let missing = api.post(path.clone(), json!({})).await;
    assert_eq!(form_code(&missing, "/name"), json!("BASE_TYPE_REQUIRED"));
    let read_only = api
        .post(
            format!("/channels/{READ_ONLY}/webhooks"),
            json!({"name": "x"}),
        )
        .await;
    assert_error(&read_only, 403, 50013, "Missing Permissions");
    let (id, _) = create(&api, "first").await;
    for n in 1..15 {
        create(&api, &format!("hook {n}")).await;
    }
    let full = api.post(path, json!({"name": "one more"})).await;
    assert_error(&full, 400, 30007, "Maximum number of webhooks reached (15)");

    let wrong = anonymous(
        &api,
        "POST",
        &format!("/webhooks/{id}/not-the-token"),
        Some(json!({"content": "x"})),
    )
    .await;
    assert_error(&wrong, 401, 50027, "Invalid Webhook Token");
}

#[tokio::test]
async fn executed_messages_are_the_webhooks_and_only_its_token_changes_them() {
    let api = Api::start().await;
    let (id, token) = create(&api, "Alerts").await;
    let base = format!("/webhooks/{id}/{token}");
    let no_wait = anonymous(&api, "POST", &base, Some(json!({"content": "quiet"}))).await;
    assert_eq!(no_wait.status, 204, "{}", no_wait.text);
    assert_eq!(no_wait.text, "");
    let sent = anonymous(
        &api,
        "POST",
        &format!("{base}?wait=true"),
        Some(json!({"content": "hello", "username": "Ops", "embeds": [{"title": "t"}]})),
    )
    .await;
    assert_eq!(sent.status, 200, "{}", sent.text);
    let message = &sent.json;
    assert_eq!(message["webhook_id"], json!(id));
    assert_eq!(message["author"]["id"], json!(id));
    assert_eq!(message["author"]["bot"], json!(true));
    assert_eq!(message["author"]["username"], json!("Ops"));
    assert_eq!(message["channel_id"], json!(GENERAL));
    let message_id = message["id"].as_str().unwrap();
    let bad_name = anonymous(
        &api,
        "POST",
        &base,
        Some(json!({"content": "x", "username": "discord"})),
    )
    .await;
    assert_eq!(
        form_code(&bad_name, "/username"),
        json!("USERNAME_INVALID_CONTAINS")
    );

    // A bot token sent on a token route is ignored.
    let with_bot = api
        .call("GET", &format!("{base}/messages/{message_id}"), None)
        .await;
    assert_eq!(with_bot.status, 200);
    assert_eq!(with_bot.json["content"], json!("hello"));
    let edited = anonymous(
        &api,
        "PATCH",
        &format!("{base}/messages/{message_id}"),
        Some(json!({"content": "edited"})),
    )
    .await;
    assert_eq!(edited.status, 200, "{}", edited.text);
    assert_eq!(edited.json["content"], json!("edited"));
    assert!(edited.json["edited_timestamp"].is_string());
    // The bot cannot edit the webhook's content through the channel route.
    let by_bot = api
        .call(
            "PATCH",
            &format!("/channels/{GENERAL}/messages/{message_id}"),
            Some(json!({"content": "bot"})),
        )
        .await;
    assert_error(
        &by_bot,
        403,
        50005,
        "Cannot edit a message authored by another user",
    );
    // Another author's message is not the webhook's.
    let bot_message = api.say(GENERAL, "mine").await;
    let foreign = anonymous(&api, "GET", &format!("{base}/messages/{bot_message}"), None).await;
    assert_error(&foreign, 404, 10008, "Unknown Message");
    assert_eq!(
        anonymous(
            &api,
            "DELETE",
            &format!("{base}/messages/{message_id}"),
            None
        )
        .await
        .status,
        204
    );
    let gone = anonymous(&api, "GET", &format!("{base}/messages/{message_id}"), None).await;
    assert_error(&gone, 404, 10008, "Unknown Message");
}

#[tokio::test]
async fn executed_messages_take_files_and_threads() {
    let api = Api::start().await;
    let (id, token) = create(&api, "Files").await;
    let payload = json!({"content": "a file", "attachments": [{"id": 0, "filename": "a.txt"}]});
    let body = multipart(Some(&payload), &[("a.txt", "text/plain", b"abc".to_vec())]);
    let sent = reply(
        reqwest::Client::new()
            .post(format!(
                "{}/webhooks/{id}/{token}?wait=true",
                api.emulator.api_base_url()
            ))
            .header(
                "Content-Type",
                format!("multipart/form-data; boundary={BOUNDARY}"),
            )
            .body(body),
    )
    .await;
    assert_eq!(sent.status, 200, "{}", sent.text);
    assert_eq!(sent.json["attachments"][0]["filename"], json!("a.txt"));

    let thread = api
        .post(
            format!("/channels/{GENERAL}/threads"),
            json!({"name": "t", "type": 11}),
        )
        .await;
    assert_eq!(thread.status, 201, "{}", thread.text);
    let thread_id = thread.json["id"].as_str().unwrap();
    let in_thread = anonymous(
        &api,
        "POST",
        &format!("/webhooks/{id}/{token}?wait=true&thread_id={thread_id}"),
        Some(json!({"content": "in the thread"})),
    )
    .await;
    assert_eq!(in_thread.status, 200, "{}", in_thread.text);
    assert_eq!(in_thread.json["channel_id"], json!(thread_id));
    let message_id = in_thread.json["id"].as_str().unwrap();
    let outside = anonymous(
        &api,
        "GET",
        &format!("/webhooks/{id}/{token}/messages/{message_id}"),
        None,
    )
    .await;
    assert_error(&outside, 404, 10008, "Unknown Message");
    let inside = anonymous(
        &api,
        "GET",
        &format!("/webhooks/{id}/{token}/messages/{message_id}?thread_id={thread_id}"),
        None,
    )
    .await;
    assert_eq!(inside.status, 200);
}

#[tokio::test]
async fn webhooks_cause_gateway_events() {
    let api = Api::start().await;
    let mut webhooks = Session::identify(&api.emulator, intents::GUILD_WEBHOOKS).await;
    let mut messages = Session::identify(
        &api.emulator,
        intents::GUILDS | intents::GUILD_MESSAGES | intents::MESSAGE_CONTENT,
    )
    .await;
    messages.expect("GUILD_CREATE").await;
    let (id, token) = create(&api, "Events").await;
    let update = webhooks.expect("WEBHOOKS_UPDATE").await;
    assert_eq!(update, json!({"guild_id": GUILD, "channel_id": GENERAL}));
    let sent = anonymous(
        &api,
        "POST",
        &format!("/webhooks/{id}/{token}"),
        Some(json!({"content": "event"})),
    )
    .await;
    assert_eq!(sent.status, 204);
    let created = messages.expect("MESSAGE_CREATE").await;
    assert_eq!(created["webhook_id"], json!(id));
    assert_eq!(created["content"], json!("event"));
    api.call("DELETE", &format!("/webhooks/{id}"), None).await;
    webhooks.expect("WEBHOOKS_UPDATE").await;
}

#[tokio::test]
async fn forum_webhooks_post_into_a_thread_or_start_one() {
    const FORUM: &str = "400000000000000005";
    let api = Api::start().await;
    let created = api
        .post(
            format!("/channels/{FORUM}/webhooks"),
            json!({"name": "Posts"}),
        )
        .await;
    assert_eq!(created.status, 200, "{}", created.text);
    let (id, token) = (
        created.json["id"].as_str().unwrap(),
        created.json["token"].as_str().unwrap(),
    );
    let base = format!("/webhooks/{id}/{token}?wait=true");
    let neither = anonymous(&api, "POST", &base, Some(json!({"content": "x"}))).await;
    assert_error(
        &neither,
        400,
        220001,
        "Webhooks posted to forum channels must have a thread_name or thread_id",
    );
    let long = anonymous(
        &api,
        "POST",
        &base,
        Some(json!({"content": "x", "thread_name": "n".repeat(101)})),
    )
    .await;
    assert_eq!(
        form_code(&long, "/thread_name"),
        json!("BASE_TYPE_BAD_LENGTH")
    );
    let post = anonymous(
        &api,
        "POST",
        &base,
        Some(json!({"content": "first", "thread_name": "A post"})),
    )
    .await;
    assert_eq!(post.status, 200, "{}", post.text);
    let thread_id = post.json["channel_id"].as_str().unwrap().to_owned();
    assert_eq!(
        post.json["id"].as_str(),
        Some(thread_id.as_str()),
        "first message has the thread's id"
    );
    let thread = api
        .call("GET", &format!("/channels/{thread_id}"), None)
        .await;
    assert_eq!(thread.json["parent_id"], json!(FORUM));
    assert_eq!(thread.json["name"], json!("A post"));
    assert_eq!(thread.json["owner_id"], json!(id));
    let reply = anonymous(
        &api,
        "POST",
        &format!("{base}&thread_id={thread_id}"),
        Some(json!({"content": "second"})),
    )
    .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(reply.json["channel_id"], json!(thread_id));
}
