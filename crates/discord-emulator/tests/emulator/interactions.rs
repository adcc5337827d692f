//! Interactions over HTTP: `POST /_emulator/interactions` dispatches INTERACTION_CREATE (no
//! intent needed) and `GET /_emulator/interactions/{id}` reports the answers; the callback
//! route (every callback type, `with_response`, files, 10062 after 3 s, 40060 on a second
//! response) and the interaction webhook routes (`@original`, follow-ups) without
//! `Authorization`, with the messages' gateway events and `interaction_metadata`.

use discord_emulator::gateway::intents;
use serde_json::{Value, json};

use crate::gateway_support::Session;
use crate::message_files::{BOUNDARY, multipart};
use crate::support::{ALICE, Api, BOT, GENERAL, GUILD, Reply, assert_error, form_code};

/// `method /api/v10{path}` without any `Authorization`, with a JSON body.
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

/// A control request: (status, JSON).
async fn control(api: &Api, method: &str, path: &str, body: Option<Value>) -> (u16, Value) {
    let mut request = reqwest::Client::new().request(
        method.parse().unwrap(),
        format!("{}/_emulator{path}", api.emulator.base_url()),
    );
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// Makes an interaction of ALICE in GENERAL; returns (id, token).
async fn interact(api: &Api, kind: u64, data: Value, message_id: Option<&str>) -> (String, String) {
    let mut body = json!({"type": kind, "guild_id": GUILD, "channel_id": GENERAL,
        "user_id": ALICE, "data": data});
    if let Some(message_id) = message_id {
        body["message_id"] = json!(message_id);
    }
    let (status, created) = control(api, "POST", "/interactions", Some(body)).await;
    assert_eq!(status, 200, "{created}");
    assert_eq!(created["application_id"], json!(BOT));
    (
        created["id"].as_str().unwrap().to_owned(),
        created["token"].as_str().unwrap().to_owned(),
    )
}

fn ping() -> Value {
    json!({"id": "900000000000000001", "name": "ping", "type": 1})
}

#[tokio::test]
async fn an_interaction_is_dispatched_without_intents_and_answered() {
    let api = Api::start().await;
    let mut session = Session::identify(&api.emulator, intents::GUILD_MESSAGES).await;
    let (id, token) = interact(&api, 2, ping(), None).await;
    let event = session.expect("INTERACTION_CREATE").await;
    assert_eq!(event["id"], json!(id));
    assert_eq!(event["token"], json!(token));
    assert_eq!(event["type"], json!(2));
    assert_eq!(event["application_id"], json!(BOT));
    assert_eq!(event["guild_id"], json!(GUILD));
    assert_eq!(event["channel_id"], json!(GENERAL));
    assert_eq!(event["channel"]["id"], json!(GENERAL));
    assert_eq!(event["member"]["user"]["id"], json!(ALICE));
    assert!(event["member"]["permissions"].is_string());
    assert!(event["app_permissions"].is_string());
    assert_eq!(event["data"]["name"], json!("ping"));
    assert_eq!(event["version"], json!(1));
    assert_eq!(event["locale"], json!("en-US"));

    let answered = anonymous(
        &api,
        "POST",
        &format!("/interactions/{id}/{token}/callback?with_response=true"),
        Some(json!({"type": 4, "data": {"content": "pong"}})),
    )
    .await;
    assert_eq!(answered.status, 200, "{}", answered.text);
    assert_eq!(answered.json["interaction"]["id"], json!(id));
    assert_eq!(answered.json["resource"]["type"], json!(4));
    let message = &answered.json["resource"]["message"];
    assert_eq!(message["content"], json!("pong"));
    assert_eq!(message["author"]["id"], json!(BOT));
    assert_eq!(message["type"], json!(20));
    assert_eq!(message["interaction_metadata"]["id"], json!(id));
    assert_eq!(message["interaction_metadata"]["user"]["id"], json!(ALICE));
    let created = session.expect("MESSAGE_CREATE").await;
    assert_eq!(created["id"], message["id"]);
    assert_eq!(created["interaction_metadata"]["name"], json!("ping"));

    let again = anonymous(
        &api,
        "POST",
        &format!("/interactions/{id}/{token}/callback"),
        Some(json!({"type": 4, "data": {"content": "twice"}})),
    )
    .await;
    assert_error(
        &again,
        400,
        40060,
        "Interaction has already been acknowledged.",
    );
    let wrong = anonymous(
        &api,
        "POST",
        &format!("/interactions/{id}/not-the-token/callback"),
        Some(json!({"type": 4, "data": {"content": "x"}})),
    )
    .await;
    assert_error(&wrong, 404, 10062, "Unknown interaction");

    let (status, report) = control(&api, "GET", &format!("/interactions/{id}"), None).await;
    assert_eq!(status, 200);
    assert_eq!(report["initial_response"]["type"], json!(4));
    assert_eq!(report["initial_response"]["data"]["content"], json!("pong"));
    let after_ms = report["initial_response"]["after_ms"].as_u64().unwrap();
    let after_us = report["initial_response"]["after_us"].as_u64().unwrap();
    assert!(after_ms < 3000);
    assert!(after_us > 0, "microseconds: {report}");
    assert_eq!(after_us / 1000, after_ms, "the same time in two units");
    assert_eq!(report["original_message_id"], message["id"]);
    let (status, _) = control(&api, "GET", "/interactions/1", None).await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn the_report_times_the_callback_in_microseconds_on_the_emulators_clock() {
    let api = Api::start().await;
    let (id, token) = interact(&api, 2, ping(), None).await;
    let (_, report) = control(&api, "GET", &format!("/interactions/{id}"), None).await;
    assert_eq!(report["initial_response"], Value::Null);
    let waited = std::time::Duration::from_millis(40);
    tokio::time::sleep(waited).await;
    let answered = anonymous(
        &api,
        "POST",
        &format!("/interactions/{id}/{token}/callback"),
        Some(json!({"type": 5})),
    )
    .await;
    assert_eq!(answered.status, 204, "{}", answered.text);
    let (_, report) = control(&api, "GET", &format!("/interactions/{id}"), None).await;
    let initial = &report["initial_response"];
    let after_us = initial["after_us"].as_u64().unwrap();
    assert!((40_000..3_000_000).contains(&after_us), "{initial}");
    assert_eq!(initial["after_ms"], json!(after_us / 1000));
}

#[tokio::test]
async fn the_control_route_checks_its_body() {
    let api = Api::start().await;
    for body in [
        json!({"type": 1, "channel_id": GENERAL, "user_id": ALICE, "data": {}}),
        json!({"type": 2, "channel_id": "1", "user_id": ALICE, "data": {}}),
        json!({"type": 2, "channel_id": GENERAL, "user_id": "1", "data": {}}),
        json!({"type": 2, "channel_id": GENERAL, "user_id": ALICE}),
        json!({"type": 3, "channel_id": GENERAL, "user_id": ALICE, "data": {}}),
    ] {
        let (status, answer) = control(&api, "POST", "/interactions", Some(body.clone())).await;
        assert_eq!(status, 400, "{body}");
        assert!(answer["error"].is_string());
    }
}

#[tokio::test]
async fn a_late_first_response_is_unknown() {
    let api = Api::start().await;
    let (id, token) = interact(&api, 2, ping(), None).await;
    tokio::time::sleep(std::time::Duration::from_millis(3100)).await;
    let late = anonymous(
        &api,
        "POST",
        &format!("/interactions/{id}/{token}/callback"),
        Some(json!({"type": 4, "data": {"content": "late"}})),
    )
    .await;
    assert_error(&late, 404, 10062, "Unknown interaction");
    let (_, report) = control(&api, "GET", &format!("/interactions/{id}"), None).await;
    assert_eq!(report["initial_response"], Value::Null);
}

#[tokio::test]
async fn deferred_then_edited_original_and_followups() {
    let api = Api::start().await;
    let mut session = Session::identify(&api.emulator, intents::GUILD_MESSAGES).await;
    let (id, token) = interact(&api, 2, ping(), None).await;
    session.expect("INTERACTION_CREATE").await;
    let base = format!("/webhooks/{BOT}/{token}");
    let early = anonymous(&api, "GET", &format!("{base}/messages/@original"), None).await;
    assert_error(&early, 404, 10015, "Unknown Webhook");

    let deferred = anonymous(
        &api,
        "POST",
        &format!("/interactions/{id}/{token}/callback"),
        Some(json!({"type": 5})),
    )
    .await;
    assert_eq!(deferred.status, 204, "{}", deferred.text);
    let loading = session.expect("MESSAGE_CREATE").await;
    assert_eq!(loading["flags"].as_u64().unwrap() & 128, 128);

    let edited = anonymous(
        &api,
        "PATCH",
        &format!("{base}/messages/@original"),
        Some(json!({"content": "done"})),
    )
    .await;
    assert_eq!(edited.status, 200, "{}", edited.text);
    assert_eq!(edited.json["id"], loading["id"]);
    assert_eq!(edited.json["content"], json!("done"));
    assert_eq!(edited.json["flags"].as_u64().unwrap() & 128, 0);
    let update = session.expect("MESSAGE_UPDATE").await;
    assert_eq!(update["content"], json!("done"));
    let original = anonymous(&api, "GET", &format!("{base}/messages/@original"), None).await;
    assert_eq!(original.json["content"], json!("done"));

    // A follow-up with a file.
    let payload = json!({"content": "a file", "attachments": [{"id": 0, "filename": "a.txt"}]});
    let body = multipart(Some(&payload), &[("a.txt", "text/plain", b"abc".to_vec())]);
    let followup = reply(
        reqwest::Client::new()
            .post(format!("{}{base}", api.emulator.api_base_url()))
            .header(
                "Content-Type",
                format!("multipart/form-data; boundary={BOUNDARY}"),
            )
            .body(body),
    )
    .await;
    assert_eq!(followup.status, 200, "{}", followup.text);
    assert_eq!(followup.json["attachments"][0]["filename"], json!("a.txt"));
    assert_eq!(followup.json["interaction_metadata"]["id"], json!(id));
    let followup_id = followup.json["id"].as_str().unwrap();
    session.expect("MESSAGE_CREATE").await;
    let got = anonymous(&api, "GET", &format!("{base}/messages/{followup_id}"), None).await;
    assert_eq!(got.json["content"], json!("a file"));
    let changed = anonymous(
        &api,
        "PATCH",
        &format!("{base}/messages/{followup_id}"),
        Some(json!({"content": "changed"})),
    )
    .await;
    assert_eq!(changed.json["content"], json!("changed"));
    session.expect("MESSAGE_UPDATE").await;

    // An ephemeral follow-up stays out of the channel.
    let secret = anonymous(
        &api,
        "POST",
        &base,
        Some(json!({"content": "only you", "flags": 64})),
    )
    .await;
    assert_eq!(secret.status, 200, "{}", secret.text);
    assert_eq!(secret.json["flags"], json!(64));
    let secret_id = secret.json["id"].as_str().unwrap();
    let listed = api.ids(GENERAL).await;
    assert!(!listed.contains(&secret_id.to_owned()));
    assert!(listed.contains(&followup_id.to_owned()));

    let (_, report) = control(&api, "GET", &format!("/interactions/{id}"), None).await;
    assert_eq!(report["initial_response"]["type"], json!(5));
    assert_eq!(report["followups"].as_array().unwrap().len(), 2);
    assert_eq!(report["original_message"]["content"], json!("done"));

    let deleted = anonymous(
        &api,
        "DELETE",
        &format!("{base}/messages/{followup_id}"),
        None,
    )
    .await;
    assert_eq!(deleted.status, 204, "{}", deleted.text);
    session.expect("MESSAGE_DELETE").await;
    let gone = anonymous(&api, "GET", &format!("{base}/messages/{followup_id}"), None).await;
    assert_error(&gone, 404, 10008, "Unknown Message");
    let deleted = anonymous(&api, "DELETE", &format!("{base}/messages/@original"), None).await;
    assert_eq!(deleted.status, 204);
    let gone = anonymous(&api, "GET", &format!("{base}/messages/@original"), None).await;
    assert_error(&gone, 404, 10008, "Unknown Message");

    let wrong = anonymous(
        &api,
        "POST",
        &format!("/webhooks/{BOT}/nope"),
        Some(json!({"content": "x"})),
    )
    .await;
    assert_error(&wrong, 401, 50027, "Invalid Webhook Token");
}

#[tokio::test]
async fn components_update_their_message_and_modals_and_autocomplete_are_recorded() {
    let api = Api::start().await;
    let message = api
        .send(
            GENERAL,
            json!({"content": "click", "components": [{"type": 1, "components": [
                {"type": 2, "style": 1, "label": "Go", "custom_id": "go"}]}]}),
        )
        .await;
    let message_id = message["id"].as_str().unwrap();
    let (id, token) = interact(
        &api,
        3,
        json!({"custom_id": "go", "component_type": 2}),
        Some(message_id),
    )
    .await;
    let updated = anonymous(
        &api,
        "POST",
        &format!("/interactions/{id}/{token}/callback?with_response=true"),
        Some(json!({"type": 7, "data": {"content": "clicked", "components": []}})),
    )
    .await;
    assert_eq!(updated.status, 200, "{}", updated.text);
    assert_eq!(updated.json["resource"]["message"]["id"], json!(message_id));
    assert_eq!(
        updated.json["resource"]["message"]["content"],
        json!("clicked")
    );
    let original = anonymous(
        &api,
        "GET",
        &format!("/webhooks/{BOT}/{token}/messages/@original"),
        None,
    )
    .await;
    assert_eq!(original.json["id"], json!(message_id));

    let (id, token) = interact(&api, 2, ping(), None).await;
    let modal = anonymous(
        &api,
        "POST",
        &format!("/interactions/{id}/{token}/callback"),
        Some(
            json!({"type": 9, "data": {"custom_id": "m", "title": "Tell me",
            "components": [{"type": 1, "components": [
                {"type": 4, "custom_id": "t", "label": "Text", "style": 1}]}]}}),
        ),
    )
    .await;
    assert_eq!(modal.status, 204, "{}", modal.text);
    let (_, report) = control(&api, "GET", &format!("/interactions/{id}"), None).await;
    assert_eq!(report["initial_response"]["type"], json!(9));
    assert_eq!(report["initial_response"]["data"]["custom_id"], json!("m"));

    let (id, token) = interact(
        &api,
        4,
        json!({"name": "pick", "type": 1, "options": [{"name": "x", "type": 3, "value": "a", "focused": true}]}),
        None,
    )
    .await;
    let wrong = anonymous(
        &api,
        "POST",
        &format!("/interactions/{id}/{token}/callback"),
        Some(json!({"type": 4, "data": {"content": "no"}})),
    )
    .await;
    assert_eq!(wrong.status, 400, "{}", wrong.text);
    assert_eq!(
        form_code(&wrong, "/type"),
        json!("INTERACTION_CALLBACK_TYPE_INVALID")
    );
    let choices = anonymous(
        &api,
        "POST",
        &format!("/interactions/{id}/{token}/callback"),
        Some(json!({"type": 8, "data": {"choices": [{"name": "A", "value": "a"}]}})),
    )
    .await;
    assert_eq!(choices.status, 204, "{}", choices.text);
    let (_, report) = control(&api, "GET", &format!("/interactions/{id}"), None).await;
    assert_eq!(
        report["initial_response"]["data"]["choices"][0]["value"],
        json!("a")
    );
}

/// With Discord's rate limits and the bot's global limit used up, an interaction's callback,
/// `@original` and follow-ups still pass at once (with or without the bot token), each with the
/// `X-RateLimit-*` headers of its own per-token bucket, and no bucket name, hash or stat holds
/// the token.
#[tokio::test]
async fn interaction_routes_are_outside_the_global_limit_with_buckets_per_token() {
    let mut options = discord_emulator::Options::default();
    options.rate_limits.mode = discord_emulator::config::RateLimits::Discord;
    options.rate_limits.global_per_second = 3;
    let api = Api::with(options).await;
    let mut interactions = Vec::new();
    for _ in 0..5 {
        interactions.push(interact(&api, 2, ping(), None).await);
    }
    // The global window is 1 s of real time: on a slow machine it may end while the token
    // routes are called; then try again with the next interaction.
    for (attempt, (id, token)) in interactions.iter().enumerate() {
        let mut exhausted = false;
        for _ in 0..10 {
            let me = api.call("GET", "/users/@me", None).await;
            if me.status == 429 {
                assert_eq!(me.header("x-ratelimit-global"), Some("true"));
                exhausted = true;
                break;
            }
        }
        assert!(
            exhausted,
            "the global limit of 3 per second was not reached"
        );

        let callback = anonymous(
            &api,
            "POST",
            &format!("/interactions/{id}/{token}/callback"),
            Some(json!({"type": 4, "data": {"content": "at once"}})),
        )
        .await;
        assert_eq!(callback.status, 204, "{}", callback.text);
        let base = format!("/webhooks/{BOT}/{token}");
        let followup = anonymous(&api, "POST", &base, Some(json!({"content": "more"}))).await;
        assert_eq!(followup.status, 200, "{}", followup.text);
        // The bot token sent along changes nothing.
        let original = api
            .call("GET", &format!("{base}/messages/@original"), None)
            .await;
        assert_eq!(original.status, 200, "{}", original.text);
        let edited = api
            .call(
                "PATCH",
                &format!("{base}/messages/@original"),
                Some(json!({"content": "edited"})),
            )
            .await;
        assert_eq!(edited.status, 200, "{}", edited.text);
        for (name, reply, limit, remaining) in [
            ("callback", &callback, "50", "49"),
            ("follow-up", &followup, "5", "4"),
            ("@original", &original, "50", "49"),
            ("edit @original", &edited, "50", "49"),
        ] {
            assert_eq!(reply.header("x-ratelimit-limit"), Some(limit), "{name}");
            // A fresh bucket for each interaction.
            assert_eq!(
                reply.header("x-ratelimit-remaining"),
                Some(remaining),
                "{name}"
            );
            assert!(reply.header("x-ratelimit-reset-after").is_some(), "{name}");
            assert!(reply.header("x-ratelimit-reset").is_some(), "{name}");
            let bucket = reply.header("x-ratelimit-bucket").unwrap();
            assert_eq!(bucket.len(), 32, "{name}");
            assert!(!bucket.contains(token.as_str()), "{name}");
            assert_eq!(reply.header("x-ratelimit-global"), None, "{name}");
        }
        let still = api.call("GET", "/users/@me", None).await;
        if still.status == 429 {
            let stats = api.emulator.stats();
            let text = stats.to_string();
            for (_, token) in &interactions {
                assert!(
                    !text.contains(token.as_str()),
                    "a token in the stats: {text}"
                );
            }
            let majors: Vec<&str> = stats["buckets"]
                .as_array()
                .unwrap()
                .iter()
                .filter_map(|bucket| bucket["major"].as_str())
                .collect();
            let prefix = format!("interactions/{id}/token:");
            assert!(
                majors.iter().any(|major| major.starts_with(&prefix)),
                "{majors:?}"
            );
            let prefix = format!("webhooks/{BOT}/token:");
            assert!(
                majors.iter().any(|major| major.starts_with(&prefix)),
                "{majors:?}"
            );
            assert!(stats["rate_limited"]["global"].as_u64().unwrap() >= 1);
            return;
        }
        eprintln!("attempt {attempt}: the global window ended during the calls; again");
    }
    panic!("the global limit never stayed exhausted across the interaction calls");
}
