//! The gateway over a plain websocket client (tokio-tungstenite): HELLO and heartbeats, the
//! IDENTIFY and RESUME rules and their close codes, transport compression decoded by hand,
//! intents, and the `/_emulator/gateway/…` control routes over HTTP.

use std::time::{Duration, Instant};

use discord_emulator::config::RateLimits;
use discord_emulator::gateway::intents;
use discord_emulator::{Emulator, Options};
use flate2::{Decompress, FlushDecompress};
use futures_util::{SinkExt as _, StreamExt as _};
use serde_json::{Value, json};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream, connect_async};

const GUILD: &str = "300000000000000001";
const GENERAL: &str = "400000000000000002";
const WAIT: Duration = Duration::from_secs(10);

/// What the client got next.
#[derive(Debug)]
enum Got {
    /// A payload.
    Payload(Value),
    /// A close frame: code and reason.
    Close(u16, String),
    /// The connection ended without a close frame.
    Ended,
}

/// How the client decodes binary frames.
enum Decoder {
    Plain,
    Zlib(Box<Decompress>),
    Zstd(Box<zstd_safe::DCtx<'static>>),
}

/// A raw gateway client.
struct Client {
    ws: WebSocketStream<MaybeTlsStream<TcpStream>>,
    decoder: Decoder,
    /// Binary frames seen (compressed payloads).
    binary_frames: usize,
}

impl Client {
    /// Connects to `url` + `query` and reads HELLO; returns the client and HELLO's interval.
    async fn connect(url: &str, query: &str) -> (Client, u64) {
        let (ws, _) = connect_async(format!("{url}/?{query}")).await.unwrap();
        let decoder = if query.contains("compress=zlib-stream") {
            Decoder::Zlib(Box::new(Decompress::new(true)))
        } else if query.contains("compress=zstd-stream") {
            Decoder::Zstd(Box::new(zstd_safe::DCtx::create()))
        } else {
            Decoder::Plain
        };
        let mut client = Client {
            ws,
            decoder,
            binary_frames: 0,
        };
        let hello = client.payload().await;
        assert_eq!(hello["op"], json!(10), "{hello}");
        assert_eq!(hello["s"], Value::Null);
        assert_eq!(hello["t"], Value::Null);
        let interval = hello["d"]["heartbeat_interval"].as_u64().unwrap();
        (client, interval)
    }

    async fn send(&mut self, payload: Value) {
        self.ws
            .send(Message::Text(payload.to_string().into()))
            .await
            .unwrap();
    }

    async fn identify(&mut self, token: &str, intents: u64) {
        self.send(json!({"op": 2, "d": {
            "token": token, "intents": intents,
            "properties": {"os": "linux", "browser": "raw", "device": "raw"}
        }}))
        .await;
    }

    fn decode(&mut self, bytes: &[u8]) -> Value {
        self.binary_frames += 1;
        let text = match &mut self.decoder {
            Decoder::Plain => panic!("binary frame without compression"),
            Decoder::Zlib(inflate) => {
                assert!(bytes.ends_with(&[0, 0, 0xff, 0xff]), "Z_SYNC_FLUSH suffix");
                let mut out = Vec::with_capacity(bytes.len() * 4 + 1024);
                let start = inflate.total_in();
                loop {
                    if out.capacity() - out.len() < 1024 {
                        out.reserve(out.capacity());
                    }
                    let done = usize::try_from(inflate.total_in() - start).unwrap();
                    inflate
                        .decompress_vec(&bytes[done..], &mut out, FlushDecompress::Sync)
                        .unwrap();
                    let done = usize::try_from(inflate.total_in() - start).unwrap();
                    // Done when all input is read and the output buffer was not filled up.
                    if done == bytes.len() && out.len() < out.capacity() {
                        break;
                    }
                }
                out
            }
            Decoder::Zstd(dctx) => {
                let mut input = zstd_safe::InBuffer::around(bytes);
                let mut out = Vec::new();
                let mut buffer = vec![0u8; 32 * 1024];
                loop {
                    let mut output = zstd_safe::OutBuffer::around(buffer.as_mut_slice());
                    dctx.decompress_stream(&mut output, &mut input).unwrap();
                    let produced = output.pos();
                    let full = produced == output.capacity();
                    out.extend_from_slice(&buffer[..produced]);
                    if input.pos == bytes.len() && !full {
                        break;
                    }
                }
                out
            }
        };
        serde_json::from_slice(&text).unwrap()
    }

    /// The next payload, close frame or end of connection (fails after [`WAIT`]).
    async fn next(&mut self) -> Got {
        loop {
            let message = tokio::time::timeout(WAIT, self.ws.next())
                .await
                .expect("something in time");
            match message {
                None | Some(Err(_)) => return Got::Ended,
                Some(Ok(Message::Text(text))) => {
                    return Got::Payload(serde_json::from_str(text.as_str()).unwrap());
                }
                Some(Ok(Message::Binary(bytes))) => return Got::Payload(self.decode(&bytes)),
                Some(Ok(Message::Close(frame))) => {
                    return frame.map_or(Got::Close(1005, String::new()), |frame| {
                        Got::Close(u16::from(frame.code), frame.reason.to_string())
                    });
                }
                Some(Ok(_)) => {}
            }
        }
    }

    /// The next payload (fails on a close).
    async fn payload(&mut self) -> Value {
        match self.next().await {
            Got::Payload(payload) => payload,
            other => panic!("expected a payload, got {other:?}"),
        }
    }

    /// The next dispatch (op 0), skipping heartbeat ACKs.
    async fn dispatch(&mut self) -> Value {
        loop {
            let payload = self.payload().await;
            if payload["op"] == json!(0) {
                return payload;
            }
            assert_eq!(payload["op"], json!(11), "{payload}");
        }
    }

    /// The close code that ends the connection, skipping payloads.
    async fn close_code(&mut self) -> (u16, String) {
        loop {
            match self.next().await {
                Got::Payload(_) => {}
                Got::Close(code, reason) => return (code, reason),
                Got::Ended => panic!("connection ended without a close frame"),
            }
        }
    }
}

async fn start_with(configure: impl FnOnce(&mut Options)) -> Emulator {
    let mut options = Options::default();
    options.rate_limits.mode = RateLimits::Off;
    configure(&mut options);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    Emulator::start(listener, options).await.unwrap()
}

async fn start() -> Emulator {
    start_with(|_| {}).await
}

const JSON_V10: &str = "v=10&encoding=json";
const GUILD_INTENTS: u64 = intents::GUILDS | intents::GUILD_MESSAGES;

/// Logs in and reads READY and GUILD_CREATE; returns READY's `d`.
async fn login(client: &mut Client, emulator: &Emulator, intents: u64) -> Value {
    client.identify(emulator.token(), intents).await;
    let ready = client.dispatch().await;
    assert_eq!(ready["t"], json!("READY"));
    assert_eq!(ready["s"], json!(1));
    if intents & intents::GUILDS != 0 {
        let guild = client.dispatch().await;
        assert_eq!(guild["t"], json!("GUILD_CREATE"));
        assert_eq!(guild["s"], json!(2));
    }
    ready["d"].clone()
}

async fn post(emulator: &Emulator, path: &str, body: Value) -> (u16, Value) {
    let response = reqwest::Client::new()
        .post(format!("{}{path}", emulator.base_url()))
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let text = response.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

async fn create_message(emulator: &Emulator, channel: &str, content: &str) -> Value {
    let response = reqwest::Client::new()
        .post(format!(
            "{}/channels/{channel}/messages",
            emulator.api_base_url()
        ))
        .header("Authorization", format!("Bot {}", emulator.token()))
        .json(&json!({ "content": content }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    response.json().await.unwrap()
}

#[tokio::test]
async fn rest_points_at_the_gateway_and_plain_http_gets_404() {
    let emulator = start().await;
    let http = reqwest::Client::new();
    let gateway: Value = http
        .get(format!("{}/gateway", emulator.api_base_url()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(gateway["url"], json!(emulator.gateway_url()));
    let bot: Value = http
        .get(format!("{}/gateway/bot", emulator.api_base_url()))
        .header("Authorization", format!("Bot {}", emulator.token()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(bot["url"], json!(emulator.gateway_url()));
    assert_eq!(bot["shards"], json!(1));
    assert_eq!(bot["session_start_limit"]["max_concurrency"], json!(1));
    // py-cord asks for the default soundboard sounds before `on_ready`.
    let sounds: Value = http
        .get(format!(
            "{}/soundboard-default-sounds",
            emulator.api_base_url()
        ))
        .header("Authorization", format!("Bot {}", emulator.token()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(sounds, json!([]));
    // The URL from /gateway works with a query (py-cord appends `?encoding=json&v=10&…`) and
    // with other paths.
    let url = gateway["url"].as_str().unwrap();
    for path in ["/?encoding=json&v=10", "/gateway?v=10", "/gateway/?v=10"] {
        let (mut ws, _) = connect_async(format!("{url}{path}")).await.unwrap();
        let hello = ws.next().await.unwrap().unwrap();
        assert!(hello.into_text().unwrap().contains("\"op\":10"));
    }
    // A plain GET of the gateway URL is Discord's 404.
    let response = http.get(emulator.base_url()).send().await.unwrap();
    assert_eq!(response.status(), 404);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body, json!({"message": "404: Not Found", "code": 0}));
}

#[tokio::test]
async fn identify_with_bare_or_bot_token_gets_ready_and_guild_create() {
    let emulator = start().await;
    let (mut client, interval) = Client::connect(&emulator.gateway_url(), JSON_V10).await;
    assert_eq!(interval, 41_250);
    let ready = login(&mut client, &emulator, GUILD_INTENTS).await;
    assert_eq!(ready["v"], json!(10));
    assert_eq!(ready["user"]["id"], json!("100000000000000001"));
    assert_eq!(ready["user"]["bot"], json!(true));
    assert_eq!(ready["guilds"], json!([{"id": GUILD, "unavailable": true}]));
    assert_eq!(ready["resume_gateway_url"], json!(emulator.gateway_url()));
    assert_eq!(ready["session_id"].as_str().unwrap().len(), 32);
    assert!(
        ready.get("shard").is_none(),
        "no shard in IDENTIFY, none in READY"
    );
    // Default: every privileged intent allowed, shown as the *_LIMITED application flags.
    assert_eq!(
        ready["application"],
        json!({"id": "100000000000000001", "flags": (1 << 13) | (1 << 15) | (1 << 19)})
    );

    let (mut bot_prefixed, _) = Client::connect(&emulator.gateway_url(), JSON_V10).await;
    let token = format!("Bot {}", emulator.token());
    bot_prefixed.identify(&token, intents::GUILDS).await;
    assert_eq!(bot_prefixed.dispatch().await["t"], json!("READY"));
    assert_eq!(emulator.gateway().sessions().len(), 2);
}

#[tokio::test]
async fn heartbeats_are_acked_and_missing_ones_close_with_4009() {
    let emulator = start_with(|options| {
        options.gateway.heartbeat_interval = Duration::from_millis(200);
    })
    .await;
    let (mut client, interval) = Client::connect(&emulator.gateway_url(), JSON_V10).await;
    assert_eq!(interval, 200);
    // A heartbeat before IDENTIFY is allowed and ACKed with null t, s and d.
    client.send(json!({"op": 1, "d": null})).await;
    assert_eq!(
        client.payload().await,
        json!({"t": null, "s": null, "op": 11, "d": null})
    );
    login(&mut client, &emulator, GUILD_INTENTS).await;
    // Keep heartbeating for a while: the connection stays open.
    for _ in 0..5 {
        tokio::time::sleep(Duration::from_millis(150)).await;
        client.send(json!({"op": 1, "d": 2})).await;
        assert_eq!(client.payload().await["op"], json!(11));
    }
    // Then stop: closed with 4009 after 1.5 intervals plus slack (0.8 s here).
    let stopped = Instant::now();
    assert_eq!(client.close_code().await.0, 4009);
    let waited = stopped.elapsed();
    assert!(waited >= Duration::from_millis(700), "{waited:?}");
    assert!(waited < Duration::from_secs(3), "{waited:?}");
    // 4009 ends the session.
    assert!(emulator.gateway().sessions().is_empty());
}

#[tokio::test]
async fn bad_identify_payloads_get_discords_close_codes() {
    let emulator = start_with(|options| {
        options.gateway.privileged_intents = intents::GUILD_MEMBERS;
    })
    .await;
    let url = emulator.gateway_url();
    let token = emulator.token().to_owned();

    let (mut client, _) = Client::connect(&url, JSON_V10).await;
    client.identify("wrong-token", intents::GUILDS).await;
    assert_eq!(
        client.close_code().await,
        (4004, "Authentication failed.".to_owned())
    );

    let (mut client, _) = Client::connect(&url, JSON_V10).await;
    client.identify(&token, 1 << 17).await;
    assert_eq!(
        client.close_code().await,
        (4013, "Invalid intent(s).".to_owned())
    );

    // MESSAGE_CONTENT is privileged and not in this emulator's allow-list.
    let (mut client, _) = Client::connect(&url, JSON_V10).await;
    client
        .identify(&token, intents::GUILDS | intents::MESSAGE_CONTENT)
        .await;
    assert_eq!(
        client.close_code().await,
        (4014, "Disallowed intent(s).".to_owned())
    );
    // GUILD_MEMBERS is allowed.
    let (mut client, _) = Client::connect(&url, JSON_V10).await;
    let ready = login(
        &mut client,
        &emulator,
        intents::GUILDS | intents::GUILD_MEMBERS,
    )
    .await;
    assert_eq!(ready["application"]["flags"], json!(1 << 15));

    // A second IDENTIFY on the same connection.
    client.identify(&token, intents::GUILDS).await;
    assert_eq!(client.close_code().await.0, 4005);

    // Commands before IDENTIFY.
    let (mut client, _) = Client::connect(&url, JSON_V10).await;
    client
        .send(json!({"op": 3, "d": {"since": null, "activities": [], "status": "online", "afk": false}}))
        .await;
    assert_eq!(client.close_code().await.0, 4003);

    // Not JSON, an unknown opcode, a bad shard.
    let (mut client, _) = Client::connect(&url, JSON_V10).await;
    client
        .ws
        .send(Message::Text("{not json".into()))
        .await
        .unwrap();
    assert_eq!(client.close_code().await.0, 4002);
    let (mut client, _) = Client::connect(&url, JSON_V10).await;
    client.send(json!({"op": 5, "d": null})).await;
    assert_eq!(client.close_code().await.0, 4001);
    let (mut client, _) = Client::connect(&url, JSON_V10).await;
    client
        .send(
            json!({"op": 2, "d": {"token": token, "intents": 1, "shard": [2, 2],
                     "properties": {}}}),
        )
        .await;
    assert_eq!(client.close_code().await.0, 4010);

    // Unsupported URL parameters.
    let (mut client, _) = connect_raw(&url, "v=10&encoding=etf").await;
    assert_eq!(client.close_code().await.0, 4002);
    let (mut client, _) = connect_raw(&url, "v=6&encoding=json").await;
    assert_eq!(client.close_code().await.0, 4012);
}

/// Connects without reading HELLO (for connections refused right away).
async fn connect_raw(url: &str, query: &str) -> (Client, ()) {
    let (ws, _) = connect_async(format!("{url}/?{query}")).await.unwrap();
    (
        Client {
            ws,
            decoder: Decoder::Plain,
            binary_frames: 0,
        },
        (),
    )
}

#[tokio::test]
async fn resume_replays_missed_dispatches_or_invalidates() {
    let emulator = start().await;
    let url = emulator.gateway_url();
    let token = emulator.token().to_owned();

    // Unknown session: INVALID_SESSION false, and the connection may still identify.
    let (mut client, _) = Client::connect(&url, JSON_V10).await;
    client
        .send(json!({"op": 6, "d": {"token": token, "session_id": "nope", "seq": 3}}))
        .await;
    assert_eq!(
        client.payload().await,
        json!({"t": null, "s": null, "op": 9, "d": false})
    );
    let ready = login(&mut client, &emulator, GUILD_INTENTS).await;
    let session_id = ready["session_id"].as_str().unwrap().to_owned();

    // The client goes away (no close frame); messages are created meanwhile.
    drop(client);
    tokio::time::timeout(WAIT, async {
        while emulator.gateway().sessions()[0].connected {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    })
    .await
    .unwrap();
    let first = create_message(&emulator, GENERAL, "one").await;
    let second = create_message(&emulator, GENERAL, "two").await;

    // RESUME with the wrong token is 4004.
    let (mut client, _) = Client::connect(&url, JSON_V10).await;
    client
        .send(json!({"op": 6, "d": {"token": "wrong", "session_id": session_id, "seq": 2}}))
        .await;
    assert_eq!(client.close_code().await.0, 4004);

    // RESUME from seq 2 (after GUILD_CREATE): both messages, then RESUMED.
    let (mut client, _) = Client::connect(&url, JSON_V10).await;
    client
        .send(json!({"op": 6, "d": {"token": format!("Bot {token}"), "session_id": session_id, "seq": 2}}))
        .await;
    let one = client.dispatch().await;
    assert_eq!(
        (one["t"].as_str(), one["s"].as_u64()),
        (Some("MESSAGE_CREATE"), Some(3))
    );
    assert_eq!(one["d"]["id"], first["id"]);
    assert_eq!(one["d"]["guild_id"], json!(GUILD));
    let two = client.dispatch().await;
    assert_eq!(two["s"], json!(4));
    assert_eq!(two["d"]["id"], second["id"]);
    let resumed = client.dispatch().await;
    assert_eq!(
        (resumed["t"].as_str(), resumed["s"].as_u64()),
        (Some("RESUMED"), Some(5))
    );
    // Live again.
    create_message(&emulator, GENERAL, "three").await;
    assert_eq!(client.dispatch().await["s"], json!(6));
    let sessions = emulator.gateway().sessions();
    assert_eq!((sessions[0].resumes, sessions[0].seq), (1, 6));

    // A sequence number the session never reached: INVALID_SESSION false, session gone.
    emulator.gateway().drop_connections(None);
    assert!(matches!(client.next().await, Got::Ended));
    let (mut client, _) = Client::connect(&url, JSON_V10).await;
    client
        .send(json!({"op": 6, "d": {"token": token, "session_id": session_id, "seq": 99}}))
        .await;
    assert_eq!(client.payload().await["d"], json!(false));
    assert!(emulator.gateway().sessions().is_empty());
}

#[tokio::test]
async fn a_client_close_with_1000_ends_the_session_4000_keeps_it() {
    let emulator = start().await;
    let url = emulator.gateway_url();
    let (mut client, _) = Client::connect(&url, JSON_V10).await;
    login(&mut client, &emulator, GUILD_INTENTS).await;
    client
        .ws
        .close(Some(tokio_tungstenite::tungstenite::protocol::CloseFrame {
            code: 1000.into(),
            reason: "".into(),
        }))
        .await
        .unwrap();
    let (mut other, _) = Client::connect(&url, JSON_V10).await;
    login(&mut other, &emulator, GUILD_INTENTS).await;
    other
        .ws
        .close(Some(tokio_tungstenite::tungstenite::protocol::CloseFrame {
            code: 4000.into(),
            reason: "bye".into(),
        }))
        .await
        .unwrap();
    tokio::time::timeout(WAIT, async {
        loop {
            let sessions = emulator.gateway().sessions();
            if sessions.len() == 1 && !sessions[0].connected {
                break;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    })
    .await
    .expect("the 1000 session is forgotten, the 4000 one kept");
}

#[tokio::test]
async fn zlib_stream_is_one_stream_with_sync_flushes() {
    let emulator = start().await;
    let (mut client, _) = Client::connect(
        &emulator.gateway_url(),
        "v=10&encoding=json&compress=zlib-stream",
    )
    .await;
    login(&mut client, &emulator, GUILD_INTENTS).await;
    create_message(&emulator, GENERAL, &"z".repeat(2000)).await;
    let message = client.dispatch().await;
    assert_eq!(message["d"]["content"].as_str().unwrap().len(), 2000);
    assert!(
        client.binary_frames >= 4,
        "HELLO, READY, GUILD_CREATE, MESSAGE_CREATE"
    );
    assert_eq!(
        emulator.gateway().sessions()[0].compress.as_deref(),
        Some("zlib-stream")
    );
}

#[tokio::test]
async fn zstd_stream_frames_decode_one_by_one() {
    let emulator = start().await;
    let (mut client, _) = Client::connect(
        &emulator.gateway_url(),
        "v=10&encoding=json&compress=zstd-stream",
    )
    .await;
    login(&mut client, &emulator, GUILD_INTENTS).await;
    create_message(&emulator, GENERAL, "compressed").await;
    assert_eq!(client.dispatch().await["d"]["content"], json!("compressed"));
    assert!(client.binary_frames >= 4);
}

#[tokio::test]
async fn control_routes_over_http() {
    let emulator = start().await;
    let url = emulator.gateway_url();
    let (mut members, _) = Client::connect(&url, JSON_V10).await;
    let members_ready = login(
        &mut members,
        &emulator,
        intents::GUILDS | intents::GUILD_MEMBERS,
    )
    .await;
    let members_id = members_ready["session_id"].as_str().unwrap().to_owned();
    let (mut plain, _) = Client::connect(&url, JSON_V10).await;
    let plain_ready = login(&mut plain, &emulator, intents::GUILDS).await;
    let plain_id = plain_ready["session_id"].as_str().unwrap().to_owned();

    let sessions: Value = reqwest::get(format!(
        "{}/_emulator/gateway/sessions",
        emulator.base_url()
    ))
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    assert_eq!(sessions.as_array().unwrap().len(), 2);
    assert_eq!(sessions[0]["session_id"], json!(members_id));
    assert_eq!(sessions[0]["shard"], json!([0, 1]));
    assert_eq!(sessions[0]["intents"], json!(3));
    assert_eq!(sessions[0]["connected"], json!(true));
    assert_eq!(sessions[0]["seq"], json!(2));
    assert_eq!(sessions[0]["resumes"], json!(0));
    assert_eq!(sessions[0]["compress"], Value::Null);

    // GUILD_MEMBER_ADD needs GUILD_MEMBERS: only the first session gets it.
    let member = json!({"guild_id": GUILD, "user": {"id": "200000000000000003", "username": "carol"},
                        "roles": [], "joined_at": "2024-01-03T00:00:00.000000+00:00",
                        "deaf": false, "mute": false, "flags": 0});
    let (status, body) = post(
        &emulator,
        "/_emulator/gateway/dispatch",
        json!({"t": "GUILD_MEMBER_ADD", "d": member}),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(body, json!({"sessions": [members_id]}));
    let event = members.dispatch().await;
    assert_eq!(
        (event["t"].as_str(), event["s"].as_u64()),
        (Some("GUILD_MEMBER_ADD"), Some(3))
    );
    assert_eq!(event["d"]["user"]["id"], json!("200000000000000003"));

    // An event for one session by id.
    let (status, body) = post(
        &emulator,
        "/_emulator/gateway/dispatch",
        json!({"t": "CHANNEL_UPDATE", "d": {"id": GENERAL}, "guild_id": GUILD, "session_id": plain_id}),
    )
    .await;
    assert_eq!((status, body), (200, json!({"sessions": [plain_id]})));
    assert_eq!(plain.dispatch().await["t"], json!("CHANNEL_UPDATE"));

    // Unknown session, missing event name.
    let (status, body) = post(
        &emulator,
        "/_emulator/gateway/reconnect",
        json!({"session_id": "x"}),
    )
    .await;
    assert_eq!((status, body), (404, json!({"message": "Unknown session"})));
    let (status, _) = post(&emulator, "/_emulator/gateway/dispatch", json!({"d": {}})).await;
    assert_eq!(status, 400);

    // A heartbeat request, RECONNECT and INVALID_SESSION reach the client as payloads.
    post(
        &emulator,
        "/_emulator/gateway/heartbeat",
        json!({"session_id": plain_id}),
    )
    .await;
    assert_eq!(
        plain.payload().await,
        json!({"t": null, "s": null, "op": 1, "d": null})
    );
    post(
        &emulator,
        "/_emulator/gateway/reconnect",
        json!({"session_id": plain_id}),
    )
    .await;
    assert_eq!(plain.payload().await["op"], json!(7));
    post(
        &emulator,
        "/_emulator/gateway/invalidate",
        json!({"session_id": plain_id, "resumable": true}),
    )
    .await;
    assert_eq!(
        plain.payload().await,
        json!({"t": null, "s": null, "op": 9, "d": true})
    );

    // Close with a chosen code.
    let (status, body) = post(
        &emulator,
        "/_emulator/gateway/close",
        json!({"session_id": plain_id, "code": 4000, "reason": "test"}),
    )
    .await;
    assert_eq!((status, body), (200, json!({"sessions": [plain_id]})));
    assert_eq!(plain.close_code().await, (4000, "test".to_owned()));
    let (status, _) = post(&emulator, "/_emulator/gateway/close", json!({"code": 1005})).await;
    assert_eq!(status, 400);

    // Drop without a close frame.
    let (status, body) = post(&emulator, "/_emulator/gateway/drop", json!({})).await;
    assert_eq!((status, body), (200, json!({"sessions": [members_id]})));
    assert!(matches!(members.next().await, Got::Ended));

    // The command log and reset.
    let commands: Value = reqwest::get(format!(
        "{}/_emulator/gateway/commands",
        emulator.base_url()
    ))
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    let ops: Vec<u64> = commands
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["op"].as_u64().unwrap())
        .collect();
    assert_eq!(ops, vec![2, 2]);
    let response = reqwest::Client::new()
        .delete(format!(
            "{}/_emulator/gateway/sessions",
            emulator.base_url()
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 204);
    assert!(emulator.gateway().sessions().is_empty());
}

#[tokio::test]
async fn request_guild_members_answers_with_a_chunk() {
    let emulator = start().await;
    let (mut client, _) = Client::connect(&emulator.gateway_url(), JSON_V10).await;
    login(
        &mut client,
        &emulator,
        intents::GUILDS | intents::GUILD_MEMBERS,
    )
    .await;
    client
        .send(json!({"op": 8, "d": {"guild_id": GUILD, "query": "", "limit": 0, "nonce": "n1"}}))
        .await;
    let chunk = client.dispatch().await;
    assert_eq!(chunk["t"], json!("GUILD_MEMBERS_CHUNK"));
    assert_eq!(chunk["d"]["members"].as_array().unwrap().len(), 3);
    assert_eq!(chunk["d"]["nonce"], json!("n1"));
    assert_eq!(
        (
            chunk["d"]["chunk_index"].as_u64(),
            chunk["d"]["chunk_count"].as_u64()
        ),
        (Some(0), Some(1))
    );
}

/// A fixture whose guild has the bot and `count` generated users as members.
fn big_guild(count: u64) -> discord_emulator::Fixture {
    let users: Vec<Value> = (1..=count)
        .map(|n| json!({"id": (210_000_000_000_000_000 + n).to_string(), "username": format!("member{n:05}")}))
        .collect();
    let mut members: Vec<Value> = vec![json!({"user": {"id": "100000000000000001"}})];
    members.extend(
        users
            .iter()
            .map(|user| json!({"user": {"id": user["id"].clone()}})),
    );
    discord_emulator::Fixture::from_json(
        &json!({
            "token": "big-token",
            "bot": {"id": "100000000000000001", "username": "bot"},
            "users": users,
            "guilds": [{"id": GUILD, "name": "big", "members": members}],
        })
        .to_string(),
    )
    .unwrap()
}

/// The next dispatch that is a GUILD_MEMBERS_CHUNK's `d` (heartbeat ACKs skipped).
async fn chunk(client: &mut Client) -> Value {
    let payload = client.dispatch().await;
    assert_eq!(payload["t"], json!("GUILD_MEMBERS_CHUNK"), "{payload}");
    payload["d"].clone()
}

#[tokio::test]
async fn a_big_guilds_member_list_comes_in_chunks_of_1000_with_the_nonce() {
    let emulator = start_with(|options| options.fixture = big_guild(2_499)).await;
    let (mut client, _) = Client::connect(&emulator.gateway_url(), JSON_V10).await;
    login(
        &mut client,
        &emulator,
        intents::GUILDS | intents::GUILD_MEMBERS,
    )
    .await;
    client
        .send(json!({"op": 8, "d": {"guild_id": GUILD, "query": "", "limit": 0, "nonce": "all"}}))
        .await;
    let mut ids = std::collections::HashSet::new();
    for index in 0..3 {
        let d = chunk(&mut client).await;
        assert_eq!(
            (d["chunk_index"].clone(), d["chunk_count"].clone()),
            (json!(index), json!(3))
        );
        assert_eq!(d["nonce"], json!("all"));
        let members = d["members"].as_array().unwrap();
        assert_eq!(members.len(), if index < 2 { 1000 } else { 500 });
        for member in members {
            assert!(ids.insert(member["user"]["id"].as_str().unwrap().to_owned()));
        }
    }
    assert_eq!(ids.len(), 2_500, "every member once");

    // A prefix gives at most 100 (and `limit`), in one chunk; a nonce over 32 bytes is dropped.
    client
        .send(json!({"op": 8, "d": {"guild_id": GUILD, "query": "MEMBER0", "limit": 500, "nonce": "x".repeat(33)}}))
        .await;
    let d = chunk(&mut client).await;
    assert_eq!(d["members"].as_array().unwrap().len(), 100);
    assert!(d.get("nonce").is_none(), "{}", d["nonce"]);
    client
        .send(json!({"op": 8, "d": {"guild_id": GUILD, "query": "member0000", "limit": 3}}))
        .await;
    assert_eq!(
        chunk(&mut client).await["members"]
            .as_array()
            .unwrap()
            .len(),
        3
    );

    // More than 100 user_ids: nothing comes (the next request's chunk is the next dispatch).
    let many: Vec<String> = (1..=101)
        .map(|n| (210_000_000_000_000_000u64 + n).to_string())
        .collect();
    client
        .send(json!({"op": 8, "d": {"guild_id": GUILD, "user_ids": many, "nonce": "many"}}))
        .await;
    client
        .send(
            json!({"op": 8, "d": {"guild_id": GUILD, "user_ids": [many[0], "9"], "nonce": "two"}}),
        )
        .await;
    let d = chunk(&mut client).await;
    assert_eq!(d["nonce"], json!("two"));
    assert_eq!(d["members"].as_array().unwrap().len(), 1);
    assert_eq!(d["not_found"], json!(["9"]));

    // One guild per request: a list of guilds cannot be decoded.
    client
        .send(json!({"op": 8, "d": {"guild_id": [GUILD], "query": "", "limit": 0}}))
        .await;
    assert_eq!(client.close_code().await.0, 4002);
}

#[tokio::test]
async fn the_whole_list_needs_guild_members_and_presences_need_guild_presences() {
    let emulator = start().await;
    let (mut client, _) = Client::connect(&emulator.gateway_url(), JSON_V10).await;
    login(&mut client, &emulator, intents::GUILDS).await;
    // Without GUILD_MEMBERS the whole list gets no answer; a prefix does, without presences.
    client
        .send(json!({"op": 8, "d": {"guild_id": GUILD, "query": "", "limit": 0, "nonce": "all"}}))
        .await;
    client
        .send(json!({"op": 8, "d": {"guild_id": GUILD, "query": "sandbox", "limit": 1, "presences": true, "nonce": "bot"}}))
        .await;
    let d = chunk(&mut client).await;
    assert_eq!(d["nonce"], json!("bot"));
    assert!(d.get("presences").is_none(), "{d}");

    // With GUILD_PRESENCES the bot's own presence (op 3) comes with its member.
    let (mut client, _) = Client::connect(&emulator.gateway_url(), JSON_V10).await;
    login(
        &mut client,
        &emulator,
        intents::GUILDS | intents::GUILD_PRESENCES,
    )
    .await;
    client
        .send(json!({"op": 3, "d": {"since": null, "activities": [{"name": "Custom Status", "type": 4, "state": "on duty"}], "status": "idle", "afk": false}}))
        .await;
    client
        .send(json!({"op": 8, "d": {"guild_id": GUILD, "user_ids": ["100000000000000001", "200000000000000001"], "presences": true}}))
        .await;
    let d = chunk(&mut client).await;
    assert_eq!(d["members"].as_array().unwrap().len(), 2);
    assert_eq!(
        d["presences"],
        json!([{"user": {"id": "100000000000000001"}, "guild_id": GUILD, "status": "idle",
                "activities": [{"name": "Custom Status", "type": 4, "state": "on duty"}],
                "client_status": {"desktop": "idle"}}])
    );
}

#[tokio::test]
async fn presence_updates_are_kept_per_session_and_listed() {
    let emulator = start().await;
    let (mut client, _) = Client::connect(&emulator.gateway_url(), JSON_V10).await;
    let start_up = json!({"since": null, "activities": [{"name": "discordproxy", "type": 0}], "status": "dnd", "afk": false});
    client
        .send(json!({"op": 2, "d": {
            "token": emulator.token(), "intents": GUILD_INTENTS, "presence": start_up,
            "properties": {"os": "linux", "browser": "raw", "device": "raw"}
        }}))
        .await;
    assert_eq!(client.dispatch().await["t"], json!("READY"));
    let presence = |emulator: &Emulator| emulator.gateway().sessions()[0].presence.clone();
    assert_eq!(presence(&emulator), Some(start_up));

    let update = json!({"since": 1_700_000_000_000_u64, "activities": [{"name": "live", "type": 1, "url": "https://twitch.tv/x"}], "status": "idle", "afk": true});
    client.send(json!({"op": 3, "d": update})).await;
    // A heartbeat round trip: the op 3 before it was handled.
    client.send(json!({"op": 1, "d": null})).await;
    loop {
        if client.payload().await["op"] == json!(11) {
            break;
        }
    }
    assert_eq!(presence(&emulator), Some(update.clone()));
    let listed = reqwest::get(format!(
        "{}/_emulator/gateway/sessions",
        emulator.base_url()
    ))
    .await
    .unwrap()
    .json::<Value>()
    .await
    .unwrap();
    assert_eq!(listed[0]["presence"], update);

    // An invalid status closes with 4002; the presence stays.
    client
        .send(json!({"op": 3, "d": {"since": null, "activities": [], "status": "away", "afk": false}}))
        .await;
    assert_eq!(client.close_code().await.0, 4002);
    let commands = emulator.gateway().commands();
    let ops: Vec<u64> = commands.iter().map(|c| c.op).collect();
    assert_eq!(ops.iter().filter(|op| **op == 3).count(), 2, "{ops:?}");
    // The log keeps each payload's `d`, except IDENTIFY's (the token).
    assert_eq!(commands[0].op, 2);
    assert_eq!(commands[0].d, None);
    assert_eq!(commands[1].d, Some(update));
}

#[tokio::test]
async fn shutdown_closes_connections_with_1001() {
    let emulator = start().await;
    let (mut client, _) = Client::connect(&emulator.gateway_url(), JSON_V10).await;
    login(&mut client, &emulator, GUILD_INTENTS).await;
    emulator.shutdown().await;
    assert_eq!(client.close_code().await.0, 1001);
}

/// IDENTIFY with `shard`, answering READY's `d` or the op 9 that refused it.
async fn identify_shard(client: &mut Client, token: &str, shard: [u64; 2]) -> Value {
    client
        .send(json!({"op": 2, "d": {
            "token": token, "intents": intents::GUILD_MESSAGES, "shard": shard,
            "properties": {"os": "linux", "browser": "raw", "device": "raw"}
        }}))
        .await;
    loop {
        let payload = client.payload().await;
        match payload["op"].as_u64() {
            Some(0) => return payload["d"].clone(),
            Some(9) => return payload,
            _ => {}
        }
    }
}

async fn gateway_bot(emulator: &Emulator) -> Value {
    reqwest::Client::new()
        .get(format!("{}/gateway/bot", emulator.api_base_url()))
        .header("Authorization", format!("Bot {}", emulator.token()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

async fn patch_limits(emulator: &Emulator, body: Value) -> (u16, Value) {
    let response = reqwest::Client::new()
        .patch(format!("{}/_emulator/gateway/limits", emulator.base_url()))
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn identify_concurrency_and_session_starts_are_limited_like_discord() {
    const WINDOW: Duration = Duration::from_millis(600);
    let emulator = start_with(|options| {
        options.rate_limits.mode = RateLimits::Discord;
        options.gateway.shards = 4;
        options.gateway.max_concurrency = 2;
        options.gateway.session_start_limit = 5;
        options.gateway.identify_window = WINDOW;
    })
    .await;
    let url = emulator.gateway_url();
    let token = emulator.token().to_owned();
    let bot = gateway_bot(&emulator).await;
    assert_eq!(bot["shards"], json!(4));
    assert_eq!(
        bot["session_start_limit"],
        json!({"total": 5, "remaining": 5, "reset_after": 86_400_000, "max_concurrency": 2})
    );

    // Keys 0 and 1 identify at once; shard 2 (key 0 again) is refused with op 9 false.
    let started = Instant::now();
    let mut clients = Vec::new();
    for shard in [0, 1] {
        let (mut client, _) = Client::connect(&url, JSON_V10).await;
        let ready = identify_shard(&mut client, &token, [shard, 4]).await;
        assert_eq!(ready["shard"], json!([shard, 4]), "{ready}");
        clients.push(client);
    }
    let (mut third, _) = Client::connect(&url, JSON_V10).await;
    let refused = identify_shard(&mut third, &token, [2, 4]).await;
    assert_eq!(
        refused,
        json!({"t": null, "s": null, "op": 9, "d": false}),
        "within {:?}",
        started.elapsed()
    );
    let limits = emulator.gateway().limits();
    assert_eq!((limits.remaining, limits.refused_identifies), (3, 1));
    assert_eq!(
        gateway_bot(&emulator).await["session_start_limit"]["remaining"],
        json!(3)
    );
    // The same connection may identify again once the key's window has passed.
    tokio::time::sleep(WINDOW).await;
    let ready = identify_shard(&mut third, &token, [2, 4]).await;
    assert_eq!(ready["shard"], json!([2, 4]));
    clients.push(third);
    // A RESUME is no session start.
    let session_id = ready["session_id"].as_str().unwrap().to_owned();
    let seq = emulator.gateway().sessions()[2].seq;
    emulator.gateway().drop_connections(Some(&session_id));
    let (mut resumed, _) = Client::connect(&url, JSON_V10).await;
    resumed
        .send(json!({"op": 6, "d": {"token": token, "session_id": session_id, "seq": seq}}))
        .await;
    assert_eq!(resumed.dispatch().await["t"], json!("RESUMED"));
    assert_eq!(emulator.gateway().limits().remaining, 2);

    // Use the rest of the budget, then overrun it: the token is "reset", every session ends
    // with 4004, and so do later IDENTIFYs and RESUMEs.
    for shard in [3, 0] {
        let (mut client, _) = Client::connect(&url, JSON_V10).await;
        tokio::time::sleep(WINDOW).await;
        let ready = identify_shard(&mut client, &token, [shard, 4]).await;
        assert_eq!(ready["shard"], json!([shard, 4]), "{ready}");
        clients.push(client);
    }
    assert_eq!(emulator.gateway().limits().remaining, 0);
    tokio::time::sleep(WINDOW).await;
    let (mut over, _) = Client::connect(&url, JSON_V10).await;
    over.send(json!({"op": 2, "d": {
        "token": token, "intents": intents::GUILD_MESSAGES, "shard": [1, 4],
        "properties": {"os": "linux", "browser": "raw", "device": "raw"}
    }}))
    .await;
    assert_eq!(over.close_code().await.0, 4004);
    assert_eq!(resumed.close_code().await.0, 4004);
    for client in &mut clients {
        // The dropped connection of shard 2 ended already; the others get 4004.
        if let Got::Close(code, _) = client.next().await {
            assert_eq!(code, 4004);
        }
    }
    assert!(emulator.gateway().sessions().is_empty());
    assert!(emulator.gateway().limits().token_reset);
    let (mut again, _) = Client::connect(&url, JSON_V10).await;
    again
        .send(json!({"op": 6, "d": {"token": token, "session_id": session_id, "seq": seq}}))
        .await;
    assert_eq!(again.close_code().await.0, 4004);

    // The control route resets the budget and changes the limits.
    let (status, limits) = patch_limits(
        &emulator,
        json!({"reset": true, "shards": 8, "max_concurrency": 1}),
    )
    .await;
    assert_eq!(status, 200, "{limits}");
    assert_eq!(
        (
            &limits["remaining"],
            &limits["shards"],
            &limits["token_reset"]
        ),
        (&json!(5), &json!(8), &json!(false))
    );
    let (mut fresh, _) = Client::connect(&url, JSON_V10).await;
    assert_eq!(
        identify_shard(&mut fresh, &token, [5, 8]).await["shard"],
        json!([5, 8])
    );
    assert_eq!(
        patch_limits(&emulator, json!({"max_concurrency": 0}))
            .await
            .0,
        400
    );
    assert_eq!(patch_limits(&emulator, json!({"nope": 1})).await.0, 400);
}

#[tokio::test]
async fn identify_limits_are_off_with_rate_limits_off() {
    let emulator = start_with(|options| options.gateway.session_start_limit = 1).await;
    let url = emulator.gateway_url();
    for _ in 0..3 {
        let (mut client, _) = Client::connect(&url, JSON_V10).await;
        login(&mut client, &emulator, GUILD_INTENTS).await;
    }
    let limits = emulator.gateway().limits();
    assert!(!limits.enforced);
    assert_eq!((limits.session_starts, limits.remaining), (3, 0));
}
