//! Creating, modifying and deleting guild channels over HTTP, and the CHANNEL_CREATE /
//! CHANNEL_UPDATE / CHANNEL_DELETE events a gateway session receives for them.

use std::time::Duration;

use discord_emulator::gateway::intents;
use discord_emulator::{Emulator, Options};
use futures_util::{SinkExt as _, StreamExt as _};
use reqwest::Method;
use serde_json::{Value, json};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream, connect_async};

const GUILD: &str = "300000000000000001";
const CATEGORY: &str = "400000000000000001";
const GENERAL: &str = "400000000000000002";
const STAFF_ONLY: &str = "400000000000000007";
const READ_ONLY: &str = "400000000000000008";
const ALICE: &str = "200000000000000001";
const WAIT: Duration = Duration::from_secs(10);

async fn start() -> Emulator {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let mut options = Options::default();
    // Several sessions identify at once (no shards: one rate-limit key).
    options.gateway.identify_limits = false;
    Emulator::start(listener, options).await.unwrap()
}

/// `method path` with the bot token and an optional JSON body → status and JSON.
async fn call(
    emulator: &Emulator,
    method: Method,
    path: &str,
    body: Option<Value>,
) -> (u16, Value) {
    let mut request = reqwest::Client::new()
        .request(method, format!("{}{path}", emulator.api_base_url()))
        .header("Authorization", format!("Bot {}", emulator.token()));
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let text = response.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

async fn channel_ids(emulator: &Emulator) -> Vec<String> {
    let (status, channels) = call(
        emulator,
        Method::GET,
        &format!("/guilds/{GUILD}/channels"),
        None,
    )
    .await;
    assert_eq!(status, 200);
    channels
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap().to_owned())
        .collect()
}

/// A plain-text gateway session.
struct Session(WebSocketStream<MaybeTlsStream<TcpStream>>);

impl Session {
    /// Connects, identifies with `intents` and reads until READY and the GUILD_CREATEs.
    async fn identify(emulator: &Emulator, intents: u64) -> Session {
        let (ws, _) = connect_async(format!("{}/?v=10&encoding=json", emulator.gateway_url()))
            .await
            .unwrap();
        let mut session = Session(ws);
        assert_eq!(session.next().await["op"], 10);
        session
            .0
            .send(Message::Text(
                json!({"op": 2, "d": {"token": emulator.token(), "intents": intents,
                    "properties": {"os": "linux", "browser": "t", "device": "t"}}})
                .to_string()
                .into(),
            ))
            .await
            .unwrap();
        assert_eq!(session.next().await["t"], "READY");
        if intents & intents::GUILDS != 0 {
            assert_eq!(session.next().await["t"], "GUILD_CREATE");
        }
        session
    }

    /// The next payload.
    async fn next(&mut self) -> Value {
        loop {
            let message = tokio::time::timeout(WAIT, self.0.next())
                .await
                .expect("a payload in time")
                .expect("the connection is open")
                .unwrap();
            if let Message::Text(text) = message {
                return serde_json::from_str(text.as_str()).unwrap();
            }
        }
    }

    /// Whether nothing arrives within 300 ms.
    async fn silent(&mut self) -> bool {
        tokio::time::timeout(Duration::from_millis(300), self.0.next())
            .await
            .is_err()
    }
}

#[tokio::test]
async fn create_modify_delete_update_the_guild_and_dispatch_channel_events() {
    let emulator = start().await;
    let mut guilds = Session::identify(&emulator, intents::GUILDS).await;
    let mut messages_only = Session::identify(&emulator, intents::GUILD_MESSAGES).await;
    let before = channel_ids(&emulator).await;

    // Create: 201, appended to the API order, CHANNEL_CREATE with the same object.
    let (status, created) = call(
        &emulator,
        Method::POST,
        &format!("/guilds/{GUILD}/channels"),
        Some(json!({"name": "new-text", "topic": "hello", "parent_id": CATEGORY, "nsfw": true})),
    )
    .await;
    assert_eq!(status, 201, "{created}");
    let id = created["id"].as_str().unwrap().to_owned();
    assert_eq!(created["type"], 0);
    assert_eq!(created["guild_id"], GUILD);
    assert_eq!(created["name"], "new-text");
    assert_eq!(created["topic"], "hello");
    assert_eq!(created["parent_id"], CATEGORY);
    assert_eq!(created["nsfw"], true);
    assert_eq!(created["last_message_id"], Value::Null);
    assert_eq!(created["permission_overwrites"], json!([]));
    let mut after_create = before.clone();
    after_create.push(id.clone());
    assert_eq!(channel_ids(&emulator).await, after_create);
    let event = guilds.next().await;
    assert_eq!(
        (event["op"].clone(), event["t"].clone()),
        (json!(0), json!("CHANNEL_CREATE"))
    );
    assert_eq!(event["d"], created);
    let (status, fetched) = call(&emulator, Method::GET, &format!("/channels/{id}"), None).await;
    assert_eq!((status, &fetched), (200, &created));

    // Modify: the place in the API order stays, CHANNEL_UPDATE carries the new object.
    let (status, updated) = call(
        &emulator,
        Method::PATCH,
        &format!("/channels/{id}"),
        Some(json!({"name": "renamed", "topic": null, "position": 0, "nsfw": false, "parent_id": null})),
    )
    .await;
    assert_eq!(status, 200, "{updated}");
    assert_eq!(updated["id"], id);
    assert_eq!(updated["name"], "renamed");
    assert_eq!(updated["topic"], Value::Null);
    assert_eq!(updated["position"], 0);
    assert_eq!(updated["nsfw"], false);
    assert_eq!(updated["parent_id"], Value::Null);
    assert_eq!(channel_ids(&emulator).await, after_create);
    let event = guilds.next().await;
    assert_eq!(event["t"], "CHANNEL_UPDATE");
    assert_eq!(event["d"], updated);
    assert_eq!(
        event["s"].as_u64(),
        Some(4),
        "READY 1, GUILD_CREATE 2, then 3 and 4"
    );

    // Delete: the deleted channel comes back, it is gone from everywhere.
    let (status, deleted) = call(&emulator, Method::DELETE, &format!("/channels/{id}"), None).await;
    assert_eq!((status, &deleted), (200, &updated));
    assert_eq!(channel_ids(&emulator).await, before);
    let event = guilds.next().await;
    assert_eq!(event["t"], "CHANNEL_DELETE");
    assert_eq!(event["d"], deleted);
    let (status, error) = call(&emulator, Method::GET, &format!("/channels/{id}"), None).await;
    assert_eq!((status, error["code"].clone()), (404, json!(10003)));

    // Without GUILDS a session gets none of them.
    assert!(messages_only.silent().await);

    // A new session's GUILD_CREATE lists the same channels in the same order as REST.
    let (_, created) = call(
        &emulator,
        Method::POST,
        &format!("/guilds/{GUILD}/channels"),
        Some(json!({"name": "voice", "type": 2})),
    )
    .await;
    assert_eq!(created["bitrate"], 64000);
    assert!(
        created.get("topic").is_none(),
        "voice channels have no topic"
    );
    let (ws, _) = connect_async(format!("{}/?v=10", emulator.gateway_url()))
        .await
        .unwrap();
    let mut fresh = Session(ws);
    fresh.next().await;
    fresh
        .0
        .send(Message::Text(
            json!({"op": 2, "d": {"token": emulator.token(), "intents": intents::GUILDS,
                "properties": {"os": "linux", "browser": "t", "device": "t"}}})
            .to_string()
            .into(),
        ))
        .await
        .unwrap();
    fresh.next().await;
    let guild_create = fresh.next().await;
    let listed: Vec<String> = guild_create["d"]["channels"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(listed, channel_ids(&emulator).await);
    assert_eq!(listed.last().unwrap(), created["id"].as_str().unwrap());
    emulator.shutdown().await;
}

#[tokio::test]
async fn deleting_a_category_moves_its_channels_out() {
    let emulator = start().await;
    let mut session = Session::identify(&emulator, intents::GUILDS).await;
    let (_, category) = call(
        &emulator,
        Method::POST,
        &format!("/guilds/{GUILD}/channels"),
        Some(json!({"name": "cat", "type": 4})),
    )
    .await;
    let category_id = category["id"].as_str().unwrap();
    let (_, child) = call(
        &emulator,
        Method::POST,
        &format!("/guilds/{GUILD}/channels"),
        Some(json!({"name": "child", "parent_id": category_id})),
    )
    .await;
    assert_eq!(child["parent_id"], category_id);
    assert_eq!(session.next().await["t"], "CHANNEL_CREATE");
    assert_eq!(session.next().await["t"], "CHANNEL_CREATE");

    let (status, _) = call(
        &emulator,
        Method::DELETE,
        &format!("/channels/{category_id}"),
        None,
    )
    .await;
    assert_eq!(status, 200);
    let deleted = session.next().await;
    assert_eq!(
        (deleted["t"].clone(), deleted["d"]["id"].clone()),
        (json!("CHANNEL_DELETE"), json!(category_id))
    );
    let moved = session.next().await;
    assert_eq!(moved["t"], "CHANNEL_UPDATE");
    assert_eq!(moved["d"]["id"], child["id"]);
    assert_eq!(moved["d"]["parent_id"], Value::Null);
    let (_, fetched) = call(
        &emulator,
        Method::GET,
        &format!("/channels/{}", child["id"].as_str().unwrap()),
        None,
    )
    .await;
    assert_eq!(fetched["parent_id"], Value::Null);
    emulator.shutdown().await;
}

#[tokio::test]
async fn errors_are_discords() {
    let emulator = start().await;
    let mut session = Session::identify(&emulator, intents::GUILDS).await;
    let code = |reply: (u16, Value)| (reply.0, reply.1["code"].as_u64().unwrap_or(0));

    // Create.
    let create = |guild: &str, body: Value| {
        let path = format!("/guilds/{guild}/channels");
        let emulator = &emulator;
        async move { call(emulator, Method::POST, &path, Some(body)).await }
    };
    assert_eq!(code(create("42", json!({"name": "x"})).await), (404, 10004));
    let (status, invalid) = create(GUILD, json!({"type": 3})).await;
    assert_eq!((status, invalid["code"].clone()), (400, json!(50035)));
    assert_eq!(
        invalid["errors"]["name"]["_errors"][0]["code"],
        "BASE_TYPE_REQUIRED"
    );
    assert_eq!(
        invalid["errors"]["type"]["_errors"][0]["code"],
        "BASE_TYPE_CHOICES"
    );
    assert_eq!(
        code(create(GUILD, json!({"name": "x", "parent_id": GENERAL})).await),
        (400, 50035)
    );
    assert_eq!(
        code(create("abc", json!({"name": "x"})).await),
        (400, 50035),
        "a malformed guild id"
    );

    // Modify and delete.
    for method in [Method::PATCH, Method::DELETE] {
        let body = (method == Method::PATCH).then(|| json!({"name": "x"}));
        for (channel, expected) in [
            ("42", (404, 10003)),
            (STAFF_ONLY, (403, 50001)),
            (READ_ONLY, (403, 50013)),
        ] {
            let reply = call(
                &emulator,
                method.clone(),
                &format!("/channels/{channel}"),
                body.clone(),
            )
            .await;
            assert_eq!(code(reply), expected, "{method} {channel}");
        }
    }
    assert_eq!(
        code(
            call(
                &emulator,
                Method::PATCH,
                &format!("/channels/{GENERAL}"),
                Some(json!({"name": ""}))
            )
            .await
        ),
        (400, 50035)
    );
    // Malformed JSON after the access checks.
    let response = reqwest::Client::new()
        .patch(format!("{}/channels/{GENERAL}", emulator.api_base_url()))
        .header("Authorization", format!("Bot {}", emulator.token()))
        .header("Content-Type", "application/json")
        .body("{")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 400);
    assert_eq!(response.json::<Value>().await.unwrap()["code"], 50109);

    // DM channels: no editing (50003); deleting closes the DM and keeps it.
    let (_, dm) = call(
        &emulator,
        Method::POST,
        "/users/@me/channels",
        Some(json!({"recipient_id": ALICE})),
    )
    .await;
    let dm_id = dm["id"].as_str().unwrap();
    assert_eq!(
        code(
            call(
                &emulator,
                Method::PATCH,
                &format!("/channels/{dm_id}"),
                Some(json!({"name": "x"}))
            )
            .await
        ),
        (403, 50003)
    );
    let (status, closed) = call(
        &emulator,
        Method::DELETE,
        &format!("/channels/{dm_id}"),
        None,
    )
    .await;
    assert_eq!((status, &closed), (200, &dm));
    let (_, reopened) = call(
        &emulator,
        Method::POST,
        "/users/@me/channels",
        Some(json!({"recipient_id": ALICE})),
    )
    .await;
    assert_eq!(reopened["id"], dm["id"]);

    // Nothing failed changed anything: no event, the fixture's channels unchanged.
    assert!(session.silent().await);
    assert_eq!(channel_ids(&emulator).await.len(), 9);
    emulator.shutdown().await;
}
