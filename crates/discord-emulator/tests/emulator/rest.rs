//! The emulator over real HTTP: routes, Discord's error bodies, object shapes, the request log.

use discord_emulator::{Emulator, Fixture, Options, RecordedRequest};
use reqwest::Method;
use serde_json::{Value, json};

const BOT: &str = "100000000000000001";
const ALICE: &str = "200000000000000001";
const BOB_DMS_CLOSED: &str = "200000000000000002";
const GUILD: &str = "300000000000000001";
const CATEGORY: &str = "400000000000000001";
const GENERAL: &str = "400000000000000002";
const STAFF_ONLY: &str = "400000000000000007";
const READ_ONLY: &str = "400000000000000008";
const BIG: &str = "18014398509481985";

/// A started emulator and an HTTP client for it.
struct Harness {
    emulator: Emulator,
    http: reqwest::Client,
}

/// A response: status, raw text and parsed JSON (`Value::Null` when not JSON).
#[derive(Debug)]
struct Reply {
    status: u16,
    text: String,
    json: Value,
    content_type: Option<String>,
}

impl Harness {
    async fn start() -> Self {
        Self::with(Options::default()).await
    }

    async fn with(options: Options) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let emulator = Emulator::start(listener, options).await.unwrap();
        Self {
            emulator,
            http: reqwest::Client::new(),
        }
    }

    /// Sends `method path` with the bot token and an optional JSON body.
    async fn call(&self, method: Method, path: &str, body: Option<Value>) -> Reply {
        let auth = format!("Bot {}", self.emulator.token());
        self.raw(method, path, Some(&auth), body.map(|b| b.to_string()))
            .await
    }

    /// Sends a request with an arbitrary `Authorization` header and raw body.
    async fn raw(
        &self,
        method: Method,
        path: &str,
        auth: Option<&str>,
        body: Option<String>,
    ) -> Reply {
        let url = format!("{}{path}", self.emulator.base_url());
        let mut request = self.http.request(method, url);
        if let Some(auth) = auth {
            request = request.header("Authorization", auth);
        }
        if let Some(body) = body {
            request = request
                .header("Content-Type", "application/json")
                .body(body);
        }
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        let content_type = response
            .headers()
            .get("content-type")
            .map(|v| v.to_str().unwrap().to_owned());
        let text = response.text().await.unwrap();
        let json = serde_json::from_str(&text).unwrap_or(Value::Null);
        Reply {
            status,
            text,
            json,
            content_type,
        }
    }

    async fn get(&self, path: &str) -> Reply {
        self.call(Method::GET, &format!("/api/v10{path}"), None)
            .await
    }

    async fn post(&self, path: &str, body: Value) -> Reply {
        self.call(Method::POST, &format!("/api/v10{path}"), Some(body))
            .await
    }

    async fn post_raw(&self, path: &str, body: &str) -> Reply {
        let auth = format!("Bot {}", self.emulator.token());
        self.raw(
            Method::POST,
            &format!("/api/v10{path}"),
            Some(&auth),
            Some(body.to_owned()),
        )
        .await
    }

    async fn send(&self, channel: &str, body: Value) -> Reply {
        self.post(&format!("/channels/{channel}/messages"), body)
            .await
    }

    /// Opens the DM channel with `user` and returns its id.
    async fn dm(&self, user: &str) -> String {
        let reply = self
            .post("/users/@me/channels", json!({ "recipient_id": user }))
            .await;
        assert_eq!(reply.status, 200, "{}", reply.text);
        reply.json["id"].as_str().unwrap().to_owned()
    }

    /// The request log over HTTP.
    async fn log(&self) -> Vec<RecordedRequest> {
        let url = format!("{}/_emulator/requests", self.emulator.base_url());
        self.http
            .get(url)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }
}

fn assert_error(reply: &Reply, status: u16, code: u64, message: &str) {
    assert_eq!(reply.status, status, "{}", reply.text);
    assert_eq!(
        reply.json,
        json!({"message": message, "code": code}),
        "{}",
        reply.text
    );
}

fn form_errors(reply: &Reply) -> &Value {
    assert_eq!(reply.status, 400, "{}", reply.text);
    assert_eq!(reply.json["code"], json!(50035), "{}", reply.text);
    assert_eq!(reply.json["message"], json!("Invalid Form Body"));
    &reply.json["errors"]
}

#[tokio::test]
async fn current_user_is_the_bot_with_account_keys() {
    let h = Harness::start().await;
    let reply = h.get("/users/@me").await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.content_type.as_deref(), Some("application/json"));
    let me = &reply.json;
    assert_eq!(me["id"], json!(BOT));
    assert_eq!(me["username"], json!("sandbox-bot"));
    assert_eq!(me["bot"], json!(true));
    assert_eq!(me["discriminator"], json!("0"));
    assert_eq!(me["avatar"], Value::Null);
    assert_eq!(me["verified"], json!(true));
    assert_eq!(me["mfa_enabled"], json!(false));
    assert_eq!(me["locale"], json!("en-US"));
    for key in [
        "public_flags",
        "flags",
        "global_name",
        "banner",
        "accent_color",
    ] {
        assert!(me.get(key).is_some(), "missing {key}");
    }
    h.emulator.shutdown().await;
}

#[tokio::test]
async fn a_missing_or_wrong_token_is_401() {
    let h = Harness::start().await;
    for auth in [
        None,
        Some("sandbox-bot-token"),
        Some("Bot wrong"),
        Some("Bearer sandbox-bot-token"),
    ] {
        let reply = h.raw(Method::GET, "/api/v10/users/@me", auth, None).await;
        assert_error(&reply, 401, 0, "401: Unauthorized");
    }
    let reply = h
        .raw(
            Method::POST,
            &format!("/api/v10/channels/{GENERAL}/messages"),
            None,
            Some(r#"{"content":"x"}"#.into()),
        )
        .await;
    assert_error(&reply, 401, 0, "401: Unauthorized");
    // Nothing was created, and the rejected requests are in the log with their status.
    let log = h.log().await;
    assert_eq!(log.len(), 5);
    assert!(log.iter().all(|entry| entry.status == Some(401)));
    assert!(h.get(&format!("/channels/{GENERAL}/messages")).await.json == json!([]));
}

#[tokio::test]
async fn users_by_id() {
    let h = Harness::start().await;
    let alice = h.get(&format!("/users/{ALICE}")).await;
    assert_eq!(alice.status, 200);
    assert_eq!(alice.json["username"], json!("alice"));
    assert_eq!(alice.json["global_name"], json!("Alice"));
    assert!(
        alice.json.get("bot").is_none(),
        "Discord omits bot for humans"
    );
    let bob = h.get(&format!("/users/{BOB_DMS_CLOSED}")).await;
    assert!(
        bob.json.get("dm_closed").is_none(),
        "emulator keys are never served"
    );
    let bot = h.get(&format!("/users/{BOT}")).await;
    assert_eq!(bot.json["bot"], json!(true));
    assert!(
        bot.json.get("verified").is_none(),
        "account keys only on @me"
    );

    assert_error(
        &h.get("/users/200000000000009999").await,
        404,
        10013,
        "Unknown User",
    );
    let errors = form_errors(&h.get("/users/abc").await).clone();
    assert_eq!(
        errors,
        json!({"user_id": {"_errors": [{"code": "NUMBER_TYPE_COERCE", "message": "Value \"abc\" is not snowflake."}]}})
    );
}

#[tokio::test]
async fn dm_channels() {
    let h = Harness::start().await;
    let reply = h
        .post("/users/@me/channels", json!({"recipient_id": ALICE}))
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    let channel = &reply.json;
    assert_eq!(channel["type"], json!(1));
    assert_eq!(channel["last_message_id"], Value::Null);
    assert_eq!(channel["flags"], json!(0));
    assert_eq!(channel["recipients"][0]["id"], json!(ALICE));
    assert_eq!(channel["recipients"][0]["username"], json!("alice"));
    assert!(channel.get("guild_id").is_none());
    let id = channel["id"].as_str().unwrap();
    assert!(id.parse::<u64>().is_ok());

    // The same user always gets the same channel, also with a numeric recipient id.
    let again = h
        .post(
            "/users/@me/channels",
            json!({"recipient_id": 200000000000000001_u64}),
        )
        .await;
    assert_eq!(again.json["id"], json!(id));
    assert_ne!(h.dm("200000000000000003").await, id);

    // The DM channel can be fetched.
    let fetched = h.get(&format!("/channels/{id}")).await;
    assert_eq!(fetched.json, reply.json);

    // Users with DMs closed still get a channel.
    assert_eq!(
        h.post(
            "/users/@me/channels",
            json!({"recipient_id": BOB_DMS_CLOSED})
        )
        .await
        .status,
        200
    );

    assert_error(
        &h.post(
            "/users/@me/channels",
            json!({"recipient_id": "200000000000009999"}),
        )
        .await,
        400,
        50033,
        "Invalid Recipient(s)",
    );
    let errors = form_errors(&h.post("/users/@me/channels", json!({})).await).clone();
    assert_eq!(
        errors["recipient_id"]["_errors"][0]["code"],
        json!("BASE_TYPE_REQUIRED")
    );
    let errors = form_errors(
        &h.post("/users/@me/channels", json!({"recipient_id": "bob"}))
            .await,
    )
    .clone();
    assert_eq!(
        errors["recipient_id"]["_errors"][0]["message"],
        json!("Value \"bob\" is not snowflake.")
    );
    assert_error(
        &h.post_raw("/users/@me/channels", "{\"recipient_id\": ")
            .await,
        400,
        50109,
        "The request body contains invalid JSON.",
    );
}

#[tokio::test]
async fn guild_channel_shapes_and_access() {
    let h = Harness::start().await;
    let reply = h.get(&format!("/channels/{GENERAL}")).await;
    assert_eq!(reply.status, 200);
    assert_eq!(
        reply.json,
        json!({
            "id": GENERAL, "type": 0, "last_message_id": null, "flags": 0, "guild_id": GUILD,
            "name": "general", "parent_id": CATEGORY, "rate_limit_per_user": 0,
            "topic": "General chat", "position": 0, "permission_overwrites": [], "nsfw": false
        })
    );
    let big = h.get(&format!("/channels/{BIG}")).await;
    assert_eq!(big.status, 200);
    assert!(
        big.text.contains(r#""id":"18014398509481985""#),
        "{}",
        big.text
    );
    assert_eq!(big.json["nsfw"], json!(true));

    // Read-only channels can be fetched; forbidden ones cannot.
    assert_eq!(h.get(&format!("/channels/{READ_ONLY}")).await.status, 200);
    assert_error(
        &h.get(&format!("/channels/{STAFF_ONLY}")).await,
        403,
        50001,
        "Missing Access",
    );
    assert_error(
        &h.get(&format!("/channels/{STAFF_ONLY}/messages")).await,
        403,
        50001,
        "Missing Access",
    );
    assert_error(
        &h.get("/channels/400000000000009999").await,
        404,
        10003,
        "Unknown Channel",
    );
    let errors = form_errors(&h.get("/channels/undefined").await).clone();
    assert!(errors.get("channel_id").is_some());
}

#[tokio::test]
async fn create_message_echoes_like_discord() {
    let h = Harness::start().await;
    let body = json!({
        "content": "hello @everyone",
        "embeds": [{
            "author": {"name": "Author", "icon_url": "https://example.com/a.png"},
            "title": "Title",
            "url": "https://example.com",
            "description": "Description",
            "color": 5814783,
            "timestamp": "2024-05-01T12:34:56.789000+00:00",
            "footer": {"text": "Footer", "icon_url": "https://example.com/f.png"},
            "fields": [{"name": "a", "value": "1", "inline": true}, {"name": "b", "value": "2"}]
        }],
        "nonce": "n-1"
    });
    let reply = h.send(GENERAL, body).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    let message = &reply.json;
    let id = message["id"].as_str().unwrap().to_owned();
    assert!(id.parse::<u64>().unwrap() > 18014398509481985);
    assert_eq!(message["channel_id"], json!(GENERAL));
    assert!(
        message.get("guild_id").is_none(),
        "REST messages carry no guild_id"
    );
    assert_eq!(message["author"]["id"], json!(BOT));
    assert_eq!(message["author"]["bot"], json!(true));
    assert_eq!(message["content"], json!("hello @everyone"));
    assert_eq!(message["type"], json!(0));
    assert_eq!(message["tts"], json!(false));
    assert_eq!(message["pinned"], json!(false));
    assert_eq!(message["mention_everyone"], json!(true));
    assert_eq!(message["edited_timestamp"], Value::Null);
    assert_eq!(message["flags"], json!(0));
    assert_eq!(message["nonce"], json!("n-1"));
    for key in ["mentions", "mention_roles", "attachments", "components"] {
        assert_eq!(message[key], json!([]), "{key}");
    }
    let timestamp = message["timestamp"].as_str().unwrap();
    assert_eq!(timestamp.len(), "2024-01-01T00:00:00.000000+00:00".len());
    assert!(timestamp.ends_with("+00:00") && timestamp.as_bytes()[19] == b'.');
    let embed = &message["embeds"][0];
    assert_eq!(embed["type"], json!("rich"));
    assert_eq!(embed["title"], json!("Title"));
    assert_eq!(embed["color"], json!(5814783));
    assert_eq!(
        embed["timestamp"],
        json!("2024-05-01T12:34:56.789000+00:00")
    );
    assert_eq!(embed["author"]["name"], json!("Author"));
    assert_eq!(
        embed["author"]["icon_url"],
        json!("https://example.com/a.png")
    );
    assert!(embed["author"]["proxy_icon_url"].is_string());
    assert!(embed["footer"]["proxy_icon_url"].is_string());
    assert_eq!(
        embed["fields"],
        json!([{"name": "a", "value": "1", "inline": true}, {"name": "b", "value": "2", "inline": false}])
    );

    // A second message has a larger id; the channel's last_message_id follows.
    let second = h.send(GENERAL, json!({"content": "second"})).await;
    let second_id = second.json["id"].as_str().unwrap().to_owned();
    assert!(second_id.parse::<u64>().unwrap() > id.parse::<u64>().unwrap());
    let channel = h.get(&format!("/channels/{GENERAL}")).await;
    assert_eq!(channel.json["last_message_id"], json!(second_id));

    // Listing: newest first, limit, before/after.
    let listed = h.get(&format!("/channels/{GENERAL}/messages")).await;
    assert_eq!(listed.status, 200);
    let ids: Vec<&str> = listed
        .json
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, [second_id.as_str(), id.as_str()]);
    assert_eq!(listed.json[1], reply.json);
    let limited = h
        .get(&format!("/channels/{GENERAL}/messages?limit=1"))
        .await;
    assert_eq!(limited.json.as_array().unwrap().len(), 1);
    assert_eq!(limited.json[0]["id"], json!(second_id));
    let before = h
        .get(&format!("/channels/{GENERAL}/messages?before={second_id}"))
        .await;
    assert_eq!(before.json[0]["id"], json!(id));
    let after = h
        .get(&format!("/channels/{GENERAL}/messages?after={id}"))
        .await;
    assert_eq!(after.json.as_array().unwrap().len(), 1);
    assert_eq!(after.json[0]["id"], json!(second_id));
    let errors = form_errors(
        &h.get(&format!("/channels/{GENERAL}/messages?limit=101"))
            .await,
    )
    .clone();
    assert_eq!(
        errors["limit"]["_errors"][0]["code"],
        json!("NUMBER_TYPE_MAX")
    );

    // Read-only channels can be read.
    assert_eq!(
        h.get(&format!("/channels/{READ_ONLY}/messages")).await.json,
        json!([])
    );
}

#[tokio::test]
async fn messages_in_dms_and_big_snowflake_channels() {
    let h = Harness::start().await;
    let dm = h.dm(ALICE).await;
    let reply = h
        .send(
            &dm,
            json!({"content": "hi @everyone <@200000000000000003>"}),
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(reply.json["channel_id"], json!(dm));
    assert_eq!(
        reply.json["mention_everyone"],
        json!(false),
        "no @everyone in DMs"
    );
    assert_eq!(reply.json["mentions"][0]["username"], json!("carol"));
    let channel = h.get(&format!("/channels/{dm}")).await;
    assert_eq!(channel.json["last_message_id"], reply.json["id"]);

    let big = h.send(BIG, json!({"content": "big"})).await;
    assert_eq!(big.status, 200);
    assert!(
        big.text.contains(r#""channel_id":"18014398509481985""#),
        "{}",
        big.text
    );
}

#[tokio::test]
async fn allowed_mentions_restrict_pings() {
    let h = Harness::start().await;
    let content = "@here <@200000000000000001> <@&500000000000000001>";
    let all = h.send(GENERAL, json!({ "content": content })).await;
    assert_eq!(all.json["mention_everyone"], json!(true));
    assert_eq!(all.json["mentions"][0]["id"], json!(ALICE));
    assert_eq!(all.json["mention_roles"], json!(["500000000000000001"]));
    let none = h
        .send(
            GENERAL,
            json!({ "content": content, "allowed_mentions": {"parse": []} }),
        )
        .await;
    assert_eq!(none.json["mention_everyone"], json!(false));
    assert_eq!(none.json["mentions"], json!([]));
    assert_eq!(none.json["mention_roles"], json!([]));
    let users = h
        .send(
            GENERAL,
            json!({ "content": content, "allowed_mentions": {"users": [ALICE]} }),
        )
        .await;
    assert_eq!(users.json["mentions"][0]["id"], json!(ALICE));
    assert_eq!(users.json["mention_everyone"], json!(false));
}

#[tokio::test]
async fn create_message_errors_in_discords_order() {
    let h = Harness::start().await;
    let invalid = json!({"content": "x".repeat(2001)});
    assert_error(
        &h.send("400000000000009999", invalid.clone()).await,
        404,
        10003,
        "Unknown Channel",
    );
    assert_error(
        &h.send(STAFF_ONLY, invalid.clone()).await,
        403,
        50001,
        "Missing Access",
    );
    assert_error(
        &h.send(READ_ONLY, invalid.clone()).await,
        403,
        50013,
        "Missing Permissions",
    );
    let bob = h.dm(BOB_DMS_CLOSED).await;
    assert_error(
        &h.send(&bob, json!({"content": "hi"})).await,
        403,
        50007,
        "Cannot send messages to this user",
    );
    assert_error(
        &h.send(CATEGORY, json!({"content": "hi"})).await,
        400,
        50008,
        "Cannot send messages in a non-text channel",
    );
    let errors = form_errors(&h.send(GENERAL, invalid).await).clone();
    assert_eq!(
        errors,
        json!({"content": {"_errors": [{"code": "BASE_TYPE_MAX_LENGTH", "message": "Must be 2000 or fewer in length."}]}})
    );
    let fields: Vec<Value> = (0..9)
        .map(|i| json!({"name": format!("f{i}"), "value": if i == 3 { "" } else { "v" }, "inline": i % 2 == 0}))
        .collect();
    let errors = form_errors(
        &h.send(
            GENERAL,
            json!({"embeds": [{"title": "t", "fields": fields}]}),
        )
        .await,
    )
    .clone();
    assert_eq!(
        errors,
        json!({"embeds": {"0": {"fields": {"3": {"value": {"_errors": [{"code": "BASE_TYPE_REQUIRED", "message": "This field is required"}]}}}}}})
    );
    assert_error(
        &h.send(GENERAL, json!({"content": ""})).await,
        400,
        50006,
        "Cannot send an empty message",
    );
    assert_error(
        &h.post_raw(
            &format!("/channels/{GENERAL}/messages"),
            "{\"content\": \"x\"",
        )
        .await,
        400,
        50109,
        "The request body contains invalid JSON.",
    );
    // Nothing was stored.
    assert_eq!(
        h.get(&format!("/channels/{GENERAL}/messages")).await.json,
        json!([])
    );
}

#[tokio::test]
async fn guilds() {
    let h = Harness::start().await;
    let reply = h.get(&format!("/guilds/{GUILD}")).await;
    assert_eq!(reply.status, 200);
    let guild = &reply.json;
    assert_eq!(guild["id"], json!(GUILD));
    assert_eq!(guild["name"], json!("Sandbox Guild"));
    assert_eq!(guild["owner_id"], json!(ALICE));
    for (key, value) in [
        ("icon", Value::Null),
        ("splash", Value::Null),
        ("features", json!([])),
        ("emojis", json!([])),
        ("stickers", json!([])),
        ("verification_level", json!(0)),
        ("afk_timeout", json!(300)),
        ("preferred_locale", json!("en-US")),
    ] {
        assert_eq!(guild[key], value, "{key}");
    }
    assert_eq!(guild["roles"].as_array().unwrap().len(), 4);
    assert_eq!(guild["roles"][0]["name"], json!("@everyone"));
    assert!(guild.get("channels").is_none());
    assert!(guild.get("approximate_member_count").is_none());
    let counted = h.get(&format!("/guilds/{GUILD}?with_counts=true")).await;
    assert_eq!(counted.json["approximate_member_count"], json!(3));

    let channels = h.get(&format!("/guilds/{GUILD}/channels")).await;
    assert_eq!(channels.status, 200);
    let ids: Vec<&str> = channels
        .json
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        [
            CATEGORY,
            GENERAL,
            "400000000000000003",
            "400000000000000004",
            "400000000000000005",
            "400000000000000006",
            STAFF_ONLY,
            READ_ONLY,
            BIG
        ]
    );
    let types: Vec<u64> = channels
        .json
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["type"].as_u64().unwrap())
        .collect();
    assert_eq!(types, [4, 0, 2, 5, 15, 13, 0, 0, 0]);
    assert!(channels.text.contains(r#""id":"18014398509481985""#));
    assert!(!channels.text.contains("emulator_access"));

    assert_error(
        &h.get("/guilds/300000000000009999").await,
        404,
        10004,
        "Unknown Guild",
    );
    assert_error(
        &h.get("/guilds/300000000000009999/channels").await,
        404,
        10004,
        "Unknown Guild",
    );
}

#[tokio::test]
async fn gateway_urls_point_at_the_emulator() {
    let h = Harness::start().await;
    let ws = format!("ws://{}", h.emulator.local_addr());
    let open = h.raw(Method::GET, "/api/v10/gateway", None, None).await;
    assert_eq!(open.status, 200, "GET /gateway needs no token");
    assert_eq!(open.json, json!({ "url": ws }));
    let bot = h.get("/gateway/bot").await;
    assert_eq!(
        bot.json,
        json!({"url": ws, "shards": 1, "session_start_limit": {
            "total": 1000, "remaining": 1000, "reset_after": 86400000, "max_concurrency": 1
        }})
    );
    let unauthenticated = h.raw(Method::GET, "/api/v10/gateway/bot", None, None).await;
    assert_eq!(unauthenticated.status, 401);
}

#[tokio::test]
async fn routing_versions_404_and_405() {
    let h = Harness::start().await;
    for prefix in ["/api/v10", "/api/v9", "/api"] {
        let reply = h
            .call(Method::GET, &format!("{prefix}/users/@me"), None)
            .await;
        assert_eq!(reply.status, 200, "{prefix}");
    }
    for path in [
        "/api/v10/nope",
        "/api/v8/users/@me",
        "/api/v10/users/@me/guilds/1/2/3",
        "/",
    ] {
        assert_error(
            &h.call(Method::GET, path, None).await,
            404,
            0,
            "404: Not Found",
        );
    }
    assert_error(
        &h.call(Method::DELETE, "/api/v10/users/@me", None).await,
        405,
        0,
        "405: Method Not Allowed",
    );
    assert_error(
        &h.call(
            Method::PUT,
            &format!("/api/v10/channels/{GENERAL}/messages"),
            None,
        )
        .await,
        405,
        0,
        "405: Method Not Allowed",
    );
    let health = h.raw(Method::GET, "/_emulator/health", None, None).await;
    assert_eq!((health.status, health.text.as_str()), (200, "ok"));
}

#[tokio::test]
async fn request_log() {
    let h = Harness::start().await;
    h.get("/users/@me").await;
    h.send(GENERAL, json!({"content": "logged"})).await;
    h.get(&format!("/channels/{GENERAL}/messages?limit=5"))
        .await;
    h.post_raw("/users/@me/channels", "not json").await;
    h.get("/nope").await;

    let log = h.log().await;
    assert_eq!(log, h.emulator.requests(), "HTTP and Rust views agree");
    let summary: Vec<(&str, &str, &str, Option<u16>)> = log
        .iter()
        .map(|r| {
            (
                r.method.as_str(),
                r.path.as_str(),
                r.query.as_str(),
                r.status,
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            ("GET", "/api/v10/users/@me", "", Some(200)),
            (
                "POST",
                "/api/v10/channels/400000000000000002/messages",
                "",
                Some(200)
            ),
            (
                "GET",
                "/api/v10/channels/400000000000000002/messages",
                "limit=5",
                Some(200)
            ),
            ("POST", "/api/v10/users/@me/channels", "", Some(400)),
            ("GET", "/api/v10/nope", "", Some(404)),
        ]
    );
    assert_eq!(log[0].body, None);
    assert_eq!(log[1].body, Some(json!({"content": "logged"})));
    assert_eq!(log[3].body, None, "unparseable bodies are null");
    assert!(log[0].time.ends_with("+00:00") && log[0].time.starts_with("20"));

    // The raw JSON has exactly Discord-independent keys, body null when absent.
    let url = format!("{}/_emulator/requests", h.emulator.base_url());
    let raw: Value = h.http.get(&url).send().await.unwrap().json().await.unwrap();
    assert_eq!(raw[0]["body"], Value::Null);
    assert_eq!(raw[2]["query"], json!("limit=5"));

    let cleared = h.http.delete(&url).send().await.unwrap();
    assert_eq!(cleared.status().as_u16(), 204);
    assert!(h.log().await.is_empty());
    assert!(h.emulator.requests().is_empty());
    h.get("/users/@me").await;
    assert_eq!(h.emulator.requests().len(), 1);
    h.emulator.clear_requests();
    assert!(h.emulator.requests().is_empty());
}

#[tokio::test]
async fn custom_fixture_with_defaults_and_huge_ids() {
    let fixture = Fixture::from_json(
        r#"{
            "token": "custom",
            "bot": {"id": "18446744073709551615", "username": "maxbot"},
            "users": [{"id": "9007199254740993", "username": "odd", "dm_closed": true}],
            "guilds": [{"id": "9007199254740995", "name": "g", "channels": [
                {"id": "9007199254740997", "name": "chat"}
            ]}]
        }"#,
    )
    .unwrap();
    let h = Harness::with(Options::new(fixture)).await;
    assert_eq!(h.emulator.token(), "custom");
    let me = h.get("/users/@me").await;
    assert!(
        me.text.contains(r#""id":"18446744073709551615""#),
        "{}",
        me.text
    );
    let channel = h.get("/channels/9007199254740997").await;
    assert_eq!(channel.json["guild_id"], json!("9007199254740995"));
    assert_eq!(channel.json["type"], json!(0));
    assert_eq!(channel.json["topic"], Value::Null);
    let sent = h.send("9007199254740997", json!({"content": "x"})).await;
    assert_eq!(sent.json["author"]["id"], json!("18446744073709551615"));
    let dm = h.dm("9007199254740993").await;
    assert_eq!(
        h.send(&dm, json!({"content": "x"})).await.json["code"],
        json!(50007)
    );
    let guild = h.get("/guilds/9007199254740995").await;
    assert_eq!(guild.json["owner_id"], json!("18446744073709551615"));
    assert_eq!(guild.json["roles"][0]["id"], json!("9007199254740995"));
}
