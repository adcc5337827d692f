//! `POST /_emulator/gateway/dispatch` with `count`: many copies, each with its own sequence
//! number, paced so that a reading client is never dropped.

use std::time::Duration;

use discord_emulator::gateway::intents;
use discord_emulator::{Emulator, Options};
use futures_util::{SinkExt as _, StreamExt as _};
use serde_json::{Value, json};
use tokio_tungstenite::connect_async;
use tokio_tungstenite::tungstenite::Message;

const GUILD: &str = "300000000000000001";

async fn dispatch(emulator: &Emulator, body: Value) -> (u16, Value) {
    let response = reqwest::Client::new()
        .post(format!(
            "{}/_emulator/gateway/dispatch",
            emulator.base_url()
        ))
        .json(&body)
        .send()
        .await
        .unwrap();
    (
        response.status().as_u16(),
        response.json().await.unwrap_or(Value::Null),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn count_dispatches_every_copy_with_its_own_sequence_to_a_reading_client() {
    // More than a connection's queue (4,096 payloads): only pacing keeps the client connected.
    const COUNT: u64 = 10_000;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let emulator = Emulator::start(listener, Options::default()).await.unwrap();
    let (mut ws, _) = connect_async(format!("{}/?v=10", emulator.gateway_url()))
        .await
        .unwrap();
    ws.send(Message::Text(
        json!({"op": 2, "d": {"token": emulator.token(), "intents": intents::GUILDS | intents::GUILD_MEMBERS,
            "properties": {"os": "linux", "browser": "t", "device": "t"}}})
        .to_string()
        .into(),
    ))
    .await
    .unwrap();
    // HELLO, READY, GUILD_CREATE.
    let reader = tokio::spawn(async move {
        let mut sequences = Vec::new();
        let mut names = Vec::new();
        while sequences.len() < COUNT as usize {
            let message = tokio::time::timeout(Duration::from_secs(20), ws.next())
                .await
                .expect("a payload in time")
                .expect("the connection stays open")
                .expect("no websocket error");
            let Message::Text(text) = message else {
                continue;
            };
            let payload: Value = serde_json::from_str(text.as_str()).unwrap();
            if payload["t"] == "GUILD_MEMBER_UPDATE" {
                sequences.push(payload["s"].as_u64().unwrap());
                names.push(payload["d"]["nick"].as_str().unwrap().to_owned());
            }
        }
        // Keep the connection open until the checks are done.
        (sequences, names, ws)
    });
    // Wait until the session exists, so the dispatch reaches it.
    tokio::time::timeout(Duration::from_secs(10), async {
        while emulator.gateway().sessions().is_empty() {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    })
    .await
    .unwrap();
    let (status, answer) = dispatch(
        &emulator,
        json!({"t": "GUILD_MEMBER_UPDATE", "guild_id": GUILD, "count": COUNT,
            "d": {"guild_id": GUILD, "nick": "copy", "roles": [], "user": {"id": "200000000000000001", "username": "alice"}}}),
    )
    .await;
    assert_eq!(status, 200, "{answer}");
    let session = emulator.gateway().sessions()[0].session_id.clone();
    assert_eq!(answer, json!({"sessions": [session]}));
    let (sequences, names, ws) = reader.await.unwrap();
    // READY is 1 and GUILD_CREATE 2: the copies are 3, 4, …, each once.
    let expected: Vec<u64> = (3..3 + COUNT).collect();
    assert_eq!(sequences, expected);
    assert!(names.iter().all(|name| name == "copy"));
    let info = &emulator.gateway().sessions()[0];
    assert!(info.connected, "never dropped");
    assert_eq!(info.seq, 2 + COUNT);
    drop(ws);
    emulator.shutdown().await;
}

#[tokio::test]
async fn count_must_be_between_one_and_a_million() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let emulator = Emulator::start(listener, Options::default()).await.unwrap();
    for count in [json!(0), json!(1_000_001), json!(-1), json!("5")] {
        let (status, answer) = dispatch(&emulator, json!({"t": "X", "count": count})).await;
        assert_eq!(status, 400, "count {count}: {answer}");
    }
    // Without sessions, a valid count acts on nobody.
    assert_eq!(
        dispatch(&emulator, json!({"t": "X", "count": 3})).await,
        (200, json!({"sessions": []}))
    );
    emulator.shutdown().await;
}
