//! Judge nobody here wrote: Discord's official OpenAPI description.
//!
//! - Every request body our server sends to Discord, across the RPC scenarios, validates against
//!   the spec's request schema of that operation.
//! - Every 2xx response the emulator gives, for every route it emulates, validates against the
//!   spec's response schema of that operation.

use discordproxy_proto::{
    Embed, GetGuildChannelsRequest, SendChannelMessageRequest, SendDirectMessageRequest, embed,
};
use discordproxy_tests::{openapi::Spec, stack::Stack};
use serde_json::{Value, json};

const BOT: u64 = 100_000_000_000_000_001;
const ALICE: u64 = 200_000_000_000_000_001;
const CAROL: u64 = 200_000_000_000_000_003;
const GUILD: u64 = 300_000_000_000_000_001;
const GENERAL: u64 = 400_000_000_000_000_002;
const BIG_SNOWFLAKE: u64 = 18_014_398_509_481_985;

fn full_embed() -> Embed {
    Embed {
        title: "Title".into(),
        description: "Description".into(),
        url: "https://example.com/t".into(),
        timestamp: "2021-03-04T05:06:07.123456+00:00".into(),
        color: 0x00ff00,
        footer: Some(embed::Footer {
            text: "Footer".into(),
            icon_url: "https://example.com/f.png".into(),
            ..Default::default()
        }),
        image: Some(embed::Image {
            url: "https://example.com/i.png".into(),
            ..Default::default()
        }),
        thumbnail: Some(embed::Thumbnail {
            url: "https://example.com/t.png".into(),
            ..Default::default()
        }),
        author: Some(embed::Author {
            name: "Author".into(),
            url: "https://example.com/a".into(),
            icon_url: "https://example.com/a.png".into(),
            ..Default::default()
        }),
        fields: (0..9)
            .map(|i| embed::Field {
                name: format!("field {i}"),
                value: format!("value {i}"),
                inline: i % 2 == 0,
            })
            .collect(),
        ..Default::default()
    }
}

#[tokio::test]
async fn every_request_body_the_proxy_sends_matches_discords_schema() {
    let spec = Spec::load();
    let stack = Stack::start().await;
    let mut client = stack.client().await;
    for (content, embed) in [
        ("plain", None),
        ("@everyone with embed", Some(full_embed())),
        ("", Some(full_embed())),
        (
            "",
            Some(Embed {
                description: "only a description".into(),
                ..Default::default()
            }),
        ),
    ] {
        client
            .send_channel_message(SendChannelMessageRequest {
                channel_id: GENERAL,
                content: content.into(),
                embed: embed.clone(),
                ..Default::default()
            })
            .await
            .unwrap();
        client
            .send_direct_message(SendDirectMessageRequest {
                user_id: ALICE,
                content: content.into(),
                embed,
                ..Default::default()
            })
            .await
            .unwrap();
    }
    client
        .send_direct_message(SendDirectMessageRequest {
            user_id: CAROL,
            content: "hi".into(),
            embed: None,
            ..Default::default()
        })
        .await
        .unwrap();
    client
        .send_channel_message(SendChannelMessageRequest {
            channel_id: BIG_SNOWFLAKE,
            content: "big".into(),
            embed: None,
            ..Default::default()
        })
        .await
        .unwrap();
    client
        .get_guild_channels(GetGuildChannelsRequest { guild_id: GUILD })
        .await
        .unwrap();

    let mut checked = 0;
    let mut failures = Vec::new();
    for request in stack.emulator.requests() {
        if let Some(body) = &request.body {
            match spec.validate_request(&request.method, &request.path, body) {
                Ok(_) => checked += 1,
                Err(error) => failures.push(error),
            }
        }
    }
    assert!(
        failures.is_empty(),
        "request bodies Discord's spec rejects:\n{}",
        failures.join("\n")
    );
    assert_eq!(
        checked, 12,
        "10 message creates and 2 DM opens, got {checked}"
    );
    println!("openapi judge: {checked} request bodies validated");

    // Every 2xx answer the emulator gave in this scenario (the token check, channel and user
    // lookups, DM opens, created messages, the guild and its channels).
    let mut responses = 0;
    for request in stack.emulator.requests() {
        let status = request.status.unwrap_or(0);
        if !(200..300).contains(&status) {
            continue;
        }
        let body = request.response.as_ref().expect("2xx answers are recorded");
        match spec.validate_response(&request.method, &request.path, status, body) {
            Ok(_) => responses += 1,
            Err(error) => failures.push(error),
        }
    }
    assert!(
        failures.is_empty(),
        "emulator responses Discord's spec rejects:\n{}",
        failures.join("\n")
    );
    // 1 token check + 10 creates + 2 DM opens + 2 user lookups + 5 channel lookups + 2 guild calls.
    assert_eq!(responses, 22, "2xx responses validated");
    println!("openapi judge: {responses} emulator responses of the RPC scenario validated");
    stack.stop().await;
}

/// One emulator route call: method, path, optional JSON body.
type Call = (&'static str, String, Option<Value>);

#[tokio::test]
async fn every_2xx_response_of_the_emulator_matches_discords_schema() {
    let spec = Spec::load();
    let stack = Stack::start().await;
    let base = stack.emulator.api_base_url();
    let http = reqwest::Client::new();
    let token = format!("Bot {}", stack.emulator.token());

    let mut calls: Vec<Call> = vec![
        ("GET", "/users/@me".into(), None),
        ("GET", format!("/users/{ALICE}"), None),
        (
            "POST",
            "/users/@me/channels".into(),
            Some(json!({"recipient_id": ALICE.to_string()})),
        ),
        ("GET", format!("/guilds/{GUILD}"), None),
        ("GET", format!("/guilds/{GUILD}/channels"), None),
        ("GET", "/gateway".into(), None),
        ("GET", "/gateway/bot".into(), None),
        (
            "POST",
            format!("/channels/{GENERAL}/messages"),
            Some(json!({"content": "hello"})),
        ),
        (
            "POST",
            format!("/channels/{GENERAL}/messages"),
            Some(
                json!({"embeds": [{"title": "t", "author": {"name": "a", "icon_url": "https://x/a.png"},
                "footer": {"text": "f", "icon_url": "https://x/f.png"}, "fields": [{"name": "n", "value": "v", "inline": true}]}]}),
            ),
        ),
        ("GET", format!("/channels/{GENERAL}/messages?limit=5"), None),
    ];
    for channel in [
        400_000_000_000_000_001u64,
        GENERAL,
        400_000_000_000_000_003,
        400_000_000_000_000_004,
        400_000_000_000_000_005,
        400_000_000_000_000_006,
        400_000_000_000_000_008,
        BIG_SNOWFLAKE,
    ] {
        calls.push(("GET", format!("/channels/{channel}"), None));
    }

    let mut judge = Judge {
        spec: &spec,
        http: &http,
        base: &base,
        token: &token,
        checked: 0,
        failures: Vec::new(),
    };
    for call in calls {
        judge.call(call).await;
    }

    // Channel management: a create of every type the spec's response lists, modifies and
    // deletes; their request bodies are checked against the spec as well.
    let creates = [
        json!({"name": "judge-text", "topic": "t", "parent_id": "400000000000000001", "nsfw": true, "position": 3}),
        json!({"name": "judge-voice", "type": 2}),
        json!({"name": "judge-category", "type": 4}),
        json!({"name": "judge-news", "type": 5, "topic": null}),
        json!({"name": "judge-stage", "type": 13}),
        json!({"name": "judge-forum", "type": 15, "topic": "guidelines"}),
    ];
    let mut created = Vec::new();
    for body in creates {
        let channel = judge
            .call(("POST", format!("/guilds/{GUILD}/channels"), Some(body)))
            .await;
        created.push(channel["id"].as_str().unwrap().to_owned());
    }
    for (channel, body) in [
        (
            GENERAL.to_string(),
            json!({"name": "general-renamed", "topic": "new topic", "nsfw": false}),
        ),
        (
            created[0].clone(),
            json!({"topic": null, "position": 0, "parent_id": null}),
        ),
        (created[1].clone(), json!({"name": "judge-voice-2"})),
    ] {
        judge
            .call(("PATCH", format!("/channels/{channel}"), Some(body)))
            .await;
    }
    // Permission overwrites and typing: the PUT (request and 204), the channel with the
    // overwrite, the DELETE (204) and the typing indicator (204).
    let overwrite = format!("/channels/{}/permissions/{ALICE}", created[0]);
    judge
        .call((
            "PUT",
            overwrite.clone(),
            Some(json!({"type": 1, "allow": 1024, "deny": 2048})),
        ))
        .await;
    judge
        .call(("GET", format!("/channels/{}", created[0]), None))
        .await;
    judge.call(("DELETE", overwrite, None)).await;
    judge
        .call(("POST", format!("/channels/{GENERAL}/typing"), None))
        .await;
    for channel in &created {
        judge
            .call(("DELETE", format!("/channels/{channel}"), None))
            .await;
    }

    judge_message_routes(&mut judge).await;
    judge_reaction_and_pin_routes(&mut judge).await;
    judge_thread_routes(&mut judge).await;

    let Judge {
        checked, failures, ..
    } = judge;
    assert!(
        failures.is_empty(),
        "bodies Discord's spec rejects:\n{}",
        failures.join("\n")
    );
    assert_eq!(
        checked,
        18 + 6 * 2
            + 3 * 2
            + 5
            + 6
            + MESSAGE_ROUTE_CHECKS
            + REACTION_PIN_CHECKS
            + THREAD_ROUTE_CHECKS,
        "18 reads and message creates, 6 creates and 3 modifies (request and response), an \
         overwrite set (request and 204), read and deleted and a typing indicator, 6 deletes, \
         the message routes, the reaction and pin routes, and the thread routes"
    );
    println!("openapi judge: {checked} emulator responses and request bodies validated");
    stack.stop().await;
}

/// What [`judge_message_routes`] validates: 8 message answers (3 creates, 4 reads, a
/// crosspost), an edit (request and response), a bulk delete (request and 204), a delete (204),
/// and the 2 messages created for the bulk delete.
const MESSAGE_ROUTE_CHECKS: usize = 8 + 2 + 2 + 1 + 2;

/// The message routes: get, list, a reply, an edit, a crosspost, a delete and a bulk delete.
async fn judge_message_routes(judge: &mut Judge<'_>) {
    const ANNOUNCEMENTS: u64 = 400_000_000_000_000_004;
    const VOICE: u64 = 400_000_000_000_000_003;
    let messages = format!("/channels/{GENERAL}/messages");
    let button = json!([{"type": 1, "components": [
        {"type": 2, "style": 1, "label": "Go", "custom_id": "go"}
    ]}]);
    let original = judge
        .call((
            "POST",
            messages.clone(),
            Some(json!({"content": format!("original <@{ALICE}>"), "components": button})),
        ))
        .await;
    let original = original["id"].as_str().unwrap().to_owned();
    judge
        .call(("GET", format!("{messages}/{original}"), None))
        .await;
    let reply = judge
        .call((
            "POST",
            messages.clone(),
            Some(
                json!({"content": "reply", "message_reference": {"message_id": original},
                        "allowed_mentions": {"parse": [], "replied_user": true}}),
            ),
        ))
        .await;
    let reply = reply["id"].as_str().unwrap().to_owned();
    judge
        .call(("GET", format!("{messages}?around={original}&limit=3"), None))
        .await;
    judge
        .call((
            "PATCH",
            format!("{messages}/{original}"),
            Some(json!({"content": "edited", "embeds": [{"title": "t", "description": "d"}],
                        "flags": 4, "allowed_mentions": {"parse": ["users"]}, "components": button})),
        ))
        .await;
    judge
        .call(("GET", format!("{messages}/{reply}"), None))
        .await;
    let news = judge
        .call((
            "POST",
            format!("/channels/{ANNOUNCEMENTS}/messages"),
            Some(json!({"content": "news"})),
        ))
        .await;
    judge
        .call((
            "POST",
            format!(
                "/channels/{ANNOUNCEMENTS}/messages/{}/crosspost",
                news["id"].as_str().unwrap()
            ),
            None,
        ))
        .await;
    let mut doomed = Vec::new();
    for content in ["one", "two"] {
        let message = judge
            .call((
                "POST",
                format!("/channels/{VOICE}/messages"),
                Some(json!({ "content": content })),
            ))
            .await;
        doomed.push(message["id"].clone());
    }
    judge
        .call((
            "POST",
            format!("/channels/{VOICE}/messages/bulk-delete"),
            Some(json!({ "messages": doomed })),
        ))
        .await;
    judge
        .call(("DELETE", format!("{messages}/{original}"), None))
        .await;
    let answered = judge
        .call(("GET", format!("{messages}/{reply}"), None))
        .await;
    assert_eq!(answered["referenced_message"], Value::Null);
}

/// What [`judge_reaction_and_pin_routes`] validates: the message reacted to, 9 reaction calls
/// (4 adds, a list, 4 removals), the message with its reactions, and 6 pin calls (2 lists, 2
/// pins, 2 unpins).
const REACTION_PIN_CHECKS: usize = 1 + 9 + 1 + 6;

/// The reaction and pin routes, current and deprecated paths, on a channel of its own (the
/// message-create bucket of `general` is spent). Reaction changes share a bucket of 1 per
/// 250 ms, so the judge waits between them (and first a second, for the global limit of 50
/// per second the calls before used up).
async fn judge_reaction_and_pin_routes(judge: &mut Judge<'_>) {
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let channel = format!("/channels/{BIG_SNOWFLAKE}");
    let message = judge
        .call((
            "POST",
            format!("{channel}/messages"),
            Some(json!({"content": "react and pin"})),
        ))
        .await;
    let message = message["id"].as_str().unwrap().to_owned();
    let reactions = format!("{channel}/messages/{message}/reactions");
    let emoji = "%F0%9F%91%8D";
    let own = format!("{reactions}/{emoji}/@me");
    let pause = || tokio::time::sleep(std::time::Duration::from_millis(300));
    judge.call(("PUT", own.clone(), None)).await;
    let users = judge
        .call(("GET", format!("{reactions}/{emoji}?limit=10"), None))
        .await;
    assert_eq!(users[0]["id"], json!(BOT.to_string()));
    let shown = judge
        .call(("GET", format!("{channel}/messages/{message}"), None))
        .await;
    assert_eq!(shown["reactions"][0]["count"], json!(1));
    for removal in [
        own.clone(),
        format!("{reactions}/{emoji}/{BOT}"),
        format!("{reactions}/{emoji}"),
        reactions.clone(),
    ] {
        pause().await;
        if removal != own {
            judge.call(("PUT", own.clone(), None)).await;
            pause().await;
        }
        judge.call(("DELETE", removal, None)).await;
    }
    judge
        .call(("PUT", format!("{channel}/messages/pins/{message}"), None))
        .await;
    let listing = judge
        .call(("GET", format!("{channel}/messages/pins?limit=5"), None))
        .await;
    assert_eq!(listing["items"][0]["message"]["id"], json!(message));
    let pins = judge.call(("GET", format!("{channel}/pins"), None)).await;
    assert_eq!(pins[0]["pinned"], json!(true));
    judge
        .call(("DELETE", format!("{channel}/messages/pins/{message}"), None))
        .await;
    judge
        .call(("PUT", format!("{channel}/pins/{message}"), None))
        .await;
    judge
        .call(("DELETE", format!("{channel}/pins/{message}"), None))
        .await;
}

/// The checks of [`judge_thread_routes`]: a message create; three thread starts (request and
/// response); six thread-member calls; the active list; two archiving modifies (request and
/// response); three archived lists and a thread read.
const THREAD_ROUTE_CHECKS: usize = 1 + 3 * 2 + 6 + 1 + 2 * 2 + 3 + 1;

/// The thread routes: a thread from a message in the announcement channel, a private thread
/// in the big-snowflake channel, a forum post, the member routes, the lists and archiving
/// (after a second, for the global limit of 50 per second the calls before used up).
async fn judge_thread_routes(judge: &mut Judge<'_>) {
    const ANNOUNCEMENTS: u64 = 400_000_000_000_000_004;
    const FORUM: u64 = 400_000_000_000_000_005;
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let message = judge
        .call((
            "POST",
            format!("/channels/{ANNOUNCEMENTS}/messages"),
            Some(json!({"content": "news thread"})),
        ))
        .await;
    let message = message["id"].as_str().unwrap().to_owned();
    let news = judge
        .call((
            "POST",
            format!("/channels/{ANNOUNCEMENTS}/messages/{message}/threads"),
            Some(json!({"name": "news talk", "auto_archive_duration": 1440})),
        ))
        .await;
    assert_eq!(news["type"], json!(10));
    let private = judge
        .call((
            "POST",
            format!("/channels/{BIG_SNOWFLAKE}/threads"),
            Some(json!({"name": "private", "type": 12, "invitable": false,
                        "rate_limit_per_user": 10})),
        ))
        .await;
    let private = private["id"].as_str().unwrap().to_owned();
    let post = judge
        .call((
            "POST",
            format!("/channels/{FORUM}/threads"),
            Some(
                json!({"name": "post", "applied_tags": ["700000000000000001"],
                        "message": {"content": "first", "embeds": [{"title": "e"}]}}),
            ),
        ))
        .await;
    let post = post["id"].as_str().unwrap().to_owned();
    let members = format!("/channels/{private}/thread-members");
    judge
        .call(("PUT", format!("{members}/{ALICE}"), None))
        .await;
    let member = judge
        .call(("GET", format!("{members}/{ALICE}?with_member=true"), None))
        .await;
    assert_eq!(member["member"]["user"]["id"], json!(ALICE.to_string()));
    judge
        .call(("GET", format!("{members}?with_member=true&limit=10"), None))
        .await;
    judge
        .call(("DELETE", format!("{members}/{ALICE}"), None))
        .await;
    judge.call(("DELETE", format!("{members}/@me"), None)).await;
    judge.call(("PUT", format!("{members}/@me"), None)).await;
    let active = judge
        .call(("GET", format!("/guilds/{GUILD}/threads/active"), None))
        .await;
    assert_eq!(active["threads"].as_array().unwrap().len(), 3);
    for thread in [&private, &message] {
        judge
            .call((
                "PATCH",
                format!("/channels/{thread}"),
                Some(json!({"archived": true})),
            ))
            .await;
    }
    let public = judge
        .call((
            "GET",
            format!("/channels/{ANNOUNCEMENTS}/threads/archived/public?limit=10"),
            None,
        ))
        .await;
    assert_eq!(public["threads"][0]["id"], json!(message));
    judge
        .call((
            "GET",
            format!("/channels/{BIG_SNOWFLAKE}/threads/archived/private"),
            None,
        ))
        .await;
    let joined = judge
        .call((
            "GET",
            format!("/channels/{BIG_SNOWFLAKE}/users/@me/threads/archived/private"),
            None,
        ))
        .await;
    assert_eq!(joined["threads"][0]["id"], json!(private));
    judge.call(("GET", format!("/channels/{post}"), None)).await;
}

/// Sends emulator calls and validates their answers (and JSON request bodies) against the spec.
struct Judge<'a> {
    spec: &'a Spec,
    http: &'a reqwest::Client,
    base: &'a str,
    token: &'a str,
    checked: usize,
    failures: Vec<String>,
}

impl Judge<'_> {
    /// Sends `call`, asserts a 2xx answer, validates the request body and the response; returns
    /// the response.
    async fn call(&mut self, (method, path, body): Call) -> Value {
        let spec_path = format!("/api/v10{path}");
        let mut request = self
            .http
            .request(method.parse().unwrap(), format!("{}{path}", self.base))
            .header("Authorization", self.token);
        if let Some(body) = &body {
            request = request.json(body);
            // Message creates and DM opens are judged by the request-body test above.
            if method != "POST"
                || path.starts_with("/guilds/")
                || path.ends_with("/bulk-delete")
                || path.ends_with("/threads")
            {
                match self.spec.validate_request(method, &spec_path, body) {
                    Ok(_) => self.checked += 1,
                    Err(error) => self.failures.push(format!("{error}\n  body: {body}")),
                }
            }
        }
        let retry = request.try_clone().expect("JSON requests can be cloned");
        let mut response = request.send().await.unwrap();
        if response.status().as_u16() == 429 {
            // Over the emulator's global 50/s: wait as Discord says, then send it once more.
            let limited: Value = response.json().await.unwrap();
            let wait = limited["retry_after"].as_f64().unwrap_or(1.0);
            tokio::time::sleep(std::time::Duration::from_secs_f64(wait + 0.05)).await;
            response = retry.send().await.unwrap();
        }
        let status = response.status().as_u16();
        assert!(
            (200..300).contains(&status),
            "{method} {path} answered {status}"
        );
        if status == 204 {
            // No content: the spec must list 204 without a body for the operation.
            let text = response.text().await.unwrap();
            let declared = self
                .spec
                .operation(method, &spec_path)
                .and_then(|(_, operation)| operation.pointer("/responses/204").cloned());
            match declared {
                Some(answer) if answer.get("content").is_none() && text.is_empty() => {
                    self.checked += 1;
                }
                other => self.failures.push(format!(
                    "{method} {path}: 204 with body {text:?}; the spec's 204: {other:?}"
                )),
            }
            return Value::Null;
        }
        let json: Value = response.json().await.unwrap();
        match self
            .spec
            .validate_response(method, &spec_path, status, &json)
        {
            Ok(_) => self.checked += 1,
            Err(error) => self.failures.push(format!("{error}\n  body: {json}")),
        }
        json
    }
}
